/**
 * Sign-in: sessions as the sign-in steps open them (second factor pending or not), the second
 * factor's secret and recovery codes, the sign-in journal and a practice's sign-in policy.
 */
import { and, desc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { ControlTx } from '../client.ts';
import {
  memberships,
  recoveryCodes,
  sessions,
  signInEvents,
  tenants,
  users,
  type SignInOutcome,
} from '../schema/platform.ts';
import type { UserRow } from './users.ts';

export async function insertSignInSession(
  tx: ControlTx,
  s: {
    tokenHash: string;
    userId: string;
    expiresAt: Date;
    mfaPending: boolean;
    clientIp: string | null;
    userAgent: string | null;
  },
): Promise<void> {
  await tx.insert(sessions).values(s);
}

/** The account behind a session still waiting for its second factor (never a full session). */
export async function findPendingSessionUser(tx: ControlTx, tokenHash: string): Promise<UserRow | undefined> {
  const [row] = await tx
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, tokenHash),
        eq(sessions.mfaPending, true),
        gt(sessions.expiresAt, sql`now()`),
        isNull(users.disabledAt),
      ),
    );
  return row?.user;
}

/** Deletes a pending session; false when it was gone already (used by a concurrent request). */
export async function deletePendingSession(tx: ControlTx, tokenHash: string): Promise<boolean> {
  const rows = await tx
    .delete(sessions)
    .where(and(eq(sessions.tokenHash, tokenHash), eq(sessions.mfaPending, true)))
    .returning({ id: sessions.id });
  return rows.length > 0;
}

export async function markSignedIn(tx: ControlTx, userId: string): Promise<void> {
  await tx
    .update(users)
    .set({ lastSignInAt: sql`now()` })
    .where(eq(users.id, userId));
}

/**
 * What the second factor depends on besides the account itself: whether the account
 * administers a practice, and whether a practice it belongs to asks every member for it.
 * Deactivated memberships do not count.
 */
export async function secondFactorPolicy(
  tx: ControlTx,
  userId: string,
): Promise<{ practiceAdmin: boolean; practiceRequires: boolean }> {
  const [row] = await tx
    .select({
      practiceAdmin: sql<boolean>`coalesce(bool_or('practice_admin' = any(${memberships.roles})), false)`,
      practiceRequires: sql<boolean>`coalesce(bool_or(${tenants.totpRequired}), false)`,
    })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(memberships.userId, userId), isNull(memberships.disabledAt)));
  return { practiceAdmin: row?.practiceAdmin ?? false, practiceRequires: row?.practiceRequires ?? false };
}

/** Stores a new (sealed) secret, not yet confirmed: sign-in asks for codes once it is. */
export async function setPendingTotpSecret(tx: ControlTx, userId: string, sealed: string): Promise<void> {
  await tx.update(users).set({ totpSecret: sealed, totpEnabledAt: null }).where(eq(users.id, userId));
}

export async function enableTotp(tx: ControlTx, userId: string): Promise<void> {
  await tx
    .update(users)
    .set({ totpEnabledAt: sql`now()` })
    .where(eq(users.id, userId));
}

/**
 * Forgets the account's second factor (secret and recovery codes) and ends its sessions: at its
 * next sign-in the account enrols again when a factor is due. Returns the sessions ended.
 */
export async function resetSecondFactor(tx: ControlTx, userId: string): Promise<number> {
  await tx.update(users).set({ totpSecret: null, totpEnabledAt: null }).where(eq(users.id, userId));
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  const ended = await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  return ended.length;
}

/** Practices other than `tenantId` where the account has an active membership. */
export async function otherActivePractices(tx: ControlTx, userId: string, tenantId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(
      and(
        eq(memberships.userId, userId),
        sql`${memberships.tenantId} <> ${tenantId}`,
        isNull(memberships.disabledAt),
      ),
    );
  return row?.n ?? 0;
}

/** Replaces the account's recovery codes (SHA-256 of each). */
export async function replaceRecoveryCodes(tx: ControlTx, userId: string, codeHashes: string[]) {
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  if (codeHashes.length > 0) {
    await tx.insert(recoveryCodes).values(codeHashes.map((codeHash) => ({ userId, codeHash })));
  }
}

/** Uses a recovery code once: true when an unused code of that account matched. */
export async function useRecoveryCode(tx: ControlTx, userId: string, codeHash: string): Promise<boolean> {
  const rows = await tx
    .update(recoveryCodes)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        eq(recoveryCodes.codeHash, codeHash),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  return rows.length > 0;
}

export type { SignInOutcome };

export async function insertSignInEvent(
  tx: ControlTx,
  e: {
    userId: string | null;
    email: string;
    outcome: SignInOutcome;
    acr?: string | null;
    clientIp: string | null;
    userAgent: string | null;
  },
): Promise<void> {
  await tx.insert(signInEvents).values(e);
}

export interface SignInEventView {
  id: number;
  at: Date;
  userId: string | null;
  email: string;
  displayName: string | null;
  outcome: string;
  acr: string | null;
  clientIp: string | null;
  userAgent: string | null;
}

/**
 * The sign-in journal of one practice's members (their accounts' events, newest first), by the
 * (user_id, at) index; `before` pages on the event id.
 */
export async function listTenantSignInEvents(
  tx: ControlTx,
  tenantId: string,
  o: { limit: number; before?: number | undefined },
): Promise<SignInEventView[]> {
  const members = tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(eq(memberships.tenantId, tenantId));
  return tx
    .select({
      id: signInEvents.id,
      at: signInEvents.at,
      userId: signInEvents.userId,
      email: signInEvents.email,
      displayName: users.displayName,
      outcome: signInEvents.outcome,
      acr: signInEvents.acr,
      clientIp: signInEvents.clientIp,
      userAgent: signInEvents.userAgent,
    })
    .from(signInEvents)
    .innerJoin(users, eq(users.id, signInEvents.userId))
    .where(
      and(
        inArray(signInEvents.userId, members),
        o.before !== undefined ? lt(signInEvents.id, o.before) : undefined,
      ),
    )
    .orderBy(desc(signInEvents.id))
    .limit(o.limit);
}

export interface SignInPolicy {
  totpRequired: boolean;
  idleTimeoutMinutes: number;
  /** « Pro Santé Connect obligatoire pour les professionnels de santé ». */
  pscRequired: boolean;
}

export async function getSignInPolicy(tx: ControlTx, tenantId: string): Promise<SignInPolicy | undefined> {
  const [row] = await tx
    .select({
      totpRequired: tenants.totpRequired,
      idleTimeoutMinutes: tenants.idleTimeoutMinutes,
      pscRequired: tenants.pscRequired,
    })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return row;
}

export async function setSignInPolicy(tx: ControlTx, tenantId: string, p: SignInPolicy): Promise<void> {
  await tx
    .update(tenants)
    .set({
      totpRequired: p.totpRequired,
      idleTimeoutMinutes: p.idleTimeoutMinutes,
      pscRequired: p.pscRequired,
    })
    .where(eq(tenants.id, tenantId));
}
