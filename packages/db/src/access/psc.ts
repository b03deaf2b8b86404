/**
 * Pro Santé Connect in the control plane: authorization flows in progress, the identity linked
 * to an account, PSC sessions (their provider `sid` and sealed tokens) and the practices that
 * require PSC for their health professionals.
 */
import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { ControlTx } from '../client.ts';
import { memberships, pscFlows, sessions, tenants, users, type PscFlowPurpose } from '../schema/platform.ts';
import type { UserRow } from './users.ts';

export type PscFlowRow = typeof pscFlows.$inferSelect;
export type { PscFlowPurpose };

export async function insertPscFlow(
  tx: ControlTx,
  f: {
    tokenHash: string;
    purpose: PscFlowPurpose;
    checks: string;
    userId: string | null;
    invitationTokenHash: string | null;
    returnTo: string | null;
    cguAccepted: boolean;
    expiresAt: Date;
  },
): Promise<void> {
  // Abandoned flows go as new ones come: nothing else reads them once expired.
  await tx.delete(pscFlows).where(sql`${pscFlows.expiresAt} < now() - interval '1 hour'`);
  await tx.insert(pscFlows).values(f);
}

/** The flow behind a token, consumed: a second callback with the same token finds nothing. */
export async function takePscFlow(tx: ControlTx, tokenHash: string): Promise<PscFlowRow | undefined> {
  const [row] = await tx.delete(pscFlows).where(eq(pscFlows.tokenHash, tokenHash)).returning();
  return row && row.expiresAt.getTime() > Date.now() ? row : undefined;
}

export async function findUserByPscSubject(tx: ControlTx, subject: string): Promise<UserRow | undefined> {
  const [row] = await tx.select().from(users).where(eq(users.pscSubject, subject));
  return row;
}

/** Links the identity once; false when the account is already linked (to any identity). */
export async function linkPscSubject(tx: ControlTx, userId: string, subject: string): Promise<boolean> {
  const rows = await tx
    .update(users)
    .set({
      pscSubject: subject,
      pscLinkedAt: sql`now()`,
      pscCguAcceptedAt: sql`coalesce(${users.pscCguAcceptedAt}, now())`,
    })
    .where(and(eq(users.id, userId), isNull(users.pscSubject)))
    .returning({ id: users.id });
  return rows.length > 0;
}

export async function unlinkPscSubject(tx: ControlTx, userId: string): Promise<void> {
  await tx.update(users).set({ pscSubject: null, pscLinkedAt: null }).where(eq(users.id, userId));
}

/** A full session opened through PSC, with its provider session and sealed tokens. */
export async function insertPscSession(
  tx: ControlTx,
  s: {
    tokenHash: string;
    userId: string;
    expiresAt: Date;
    pscSid: string | null;
    pscTokens: string;
    clientIp: string | null;
    userAgent: string | null;
  },
): Promise<void> {
  await tx.insert(sessions).values({ ...s, mfaPending: false, authMethod: 'psc' });
}

export interface SessionPsc {
  id: string;
  userId: string;
  authMethod: string;
  pscTokens: string | null;
}

/** How a live session was opened; `forUpdate` holds the row while its tokens are refreshed. */
export async function findSessionPsc(
  tx: ControlTx,
  tokenHash: string,
  o: { forUpdate?: boolean } = {},
): Promise<SessionPsc | undefined> {
  const q = tx
    .select({
      id: sessions.id,
      userId: sessions.userId,
      authMethod: sessions.authMethod,
      pscTokens: sessions.pscTokens,
    })
    .from(sessions)
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, sql`now()`)));
  const [row] = o.forUpdate ? await q.for('update') : await q;
  return row;
}

export async function updateSessionPscTokens(
  tx: ControlTx,
  sessionId: string,
  sealed: string,
): Promise<void> {
  await tx.update(sessions).set({ pscTokens: sealed }).where(eq(sessions.id, sessionId));
}

/** Back-channel logout: the Rayon sessions opened with this PSC session end. */
export async function deleteSessionsByPscSid(tx: ControlTx, sid: string): Promise<{ userId: string }[]> {
  return tx
    .delete(sessions)
    .where(and(eq(sessions.pscSid, sid), eq(sessions.authMethod, 'psc')))
    .returning({ userId: sessions.userId });
}

/** The account's sessions opened with a password (not through PSC) end. */
export async function deletePasswordSessions(tx: ControlTx, userIds: readonly string[]): Promise<number> {
  if (userIds.length === 0) return 0;
  const rows = await tx
    .delete(sessions)
    .where(and(inArray(sessions.userId, [...userIds]), eq(sessions.authMethod, 'password')))
    .returning({ id: sessions.id });
  return rows.length;
}

/** The active practices of the account that require Pro Santé Connect (to check its RPPS there). */
export async function pscRequiringPractices(
  tx: ControlTx,
  userId: string,
): Promise<{ id: string; slug: string; schemaName: string }[]> {
  return tx
    .select({ id: tenants.id, slug: tenants.slug, schemaName: tenants.schemaName })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(
      and(
        eq(memberships.userId, userId),
        isNull(memberships.disabledAt),
        eq(tenants.status, 'active'),
        eq(tenants.pscRequired, true),
      ),
    );
}
