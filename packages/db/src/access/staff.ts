/**
 * A practice's staff in the control plane: its members (memberships joined to their accounts),
 * its invitations, and deactivation — which ends the member's sessions and revokes the API keys
 * they created in that practice, in the caller's transaction.
 */
import type { TenantRole } from '@rayon/domain';
import { and, asc, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { ControlTx } from '../client.ts';
import { apiKeys, invitations, memberships, sessions, users } from '../schema/platform.ts';
import type { InvitationRow, UserRow } from './users.ts';

export interface StaffMemberRow {
  userId: string;
  email: string;
  displayName: string;
  roles: TenantRole[];
  /** The membership's deactivation (by the practice). */
  disabledAt: Date | null;
  /** The account's deactivation (by the platform): no access anywhere. */
  userDisabledAt: Date | null;
  lastSignInAt: Date | null;
  /** The account has a password (it can sign in). */
  hasPassword: boolean;
  createdAt: Date;
}

const member = {
  userId: users.id,
  email: users.email,
  displayName: users.displayName,
  roles: memberships.roles,
  disabledAt: memberships.disabledAt,
  userDisabledAt: users.disabledAt,
  lastSignInAt: users.lastSignInAt,
  hasPassword: sql<boolean>`${users.passwordHash} is not null`,
  createdAt: memberships.createdAt,
};

/** The practice's members, active and deactivated, by name (by the memberships' tenant index). */
export async function listStaffMembers(tx: ControlTx, tenantId: string): Promise<StaffMemberRow[]> {
  return tx
    .select(member)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.tenantId, tenantId))
    .orderBy(asc(users.displayName), asc(users.email));
}

/** One member of the practice (locked for the changing transaction with `forUpdate`). */
export async function findStaffMember(
  tx: ControlTx,
  tenantId: string,
  userId: string,
  o: { forUpdate?: boolean } = {},
): Promise<StaffMemberRow | undefined> {
  const q = tx
    .select(member)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
  const [row] = o.forUpdate ? await q.for('update') : await q;
  return row;
}

/**
 * Serialises the changes of a practice's staff (roles, deactivation) until the transaction ends:
 * two administrators demoting each other at the same moment cannot both succeed — the second
 * waits, then counts the administrators left.
 */
export async function lockTenantStaff(tx: ControlTx, tenantId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`staff:${tenantId}`}, 0))`);
}

/** Active practice administrators other than `exceptUserId` (call under `lockTenantStaff`). */
export async function countOtherActiveAdmins(
  tx: ControlTx,
  tenantId: string,
  exceptUserId: string,
): Promise<number> {
  const rows = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.tenantId, tenantId),
        sql`'practice_admin' = any(${memberships.roles})`,
        isNull(memberships.disabledAt),
        isNull(users.disabledAt),
        ne(memberships.userId, exceptUserId),
      ),
    );
  return rows.length;
}

export async function setMemberRoles(
  tx: ControlTx,
  tenantId: string,
  userId: string,
  roles: TenantRole[],
): Promise<void> {
  await tx
    .update(memberships)
    .set({ roles })
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
}

/**
 * Adds (or renews) a membership with these roles, active: accepting an invitation gives back
 * access even to a member the practice had deactivated.
 */
export async function addMembership(
  tx: ControlTx,
  tenantId: string,
  userId: string,
  roles: TenantRole[],
): Promise<void> {
  await tx
    .insert(memberships)
    .values({ userId, tenantId, roles })
    .onConflictDoUpdate({
      target: [memberships.userId, memberships.tenantId],
      set: { roles, disabledAt: null },
    });
}

/**
 * Deactivates the membership and, at once, ends every session of the account and revokes the
 * API keys it created in this practice. Call it inside one transaction: all or nothing.
 * Returns the number of sessions ended and keys revoked.
 */
export async function deactivateMember(
  tx: ControlTx,
  tenantId: string,
  userId: string,
): Promise<{ sessions: number; apiKeys: number }> {
  await tx
    .update(memberships)
    .set({ disabledAt: sql`coalesce(${memberships.disabledAt}, now())` })
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
  // Sessions are per account, not per practice: the person signs in again for the others.
  const ended = await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  const revoked = await tx
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.createdBy, userId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return { sessions: ended.length, apiKeys: revoked.length };
}

/** Gives the access back (revoked API keys stay revoked). */
export async function reactivateMember(tx: ControlTx, tenantId: string, userId: string): Promise<void> {
  await tx
    .update(memberships)
    .set({ disabledAt: null })
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
}

const open = and(isNull(invitations.acceptedAt), isNull(invitations.cancelledAt));

/** Invitations neither accepted nor cancelled, expired ones included, newest first. */
export async function listOpenInvitations(tx: ControlTx, tenantId: string): Promise<InvitationRow[]> {
  return tx
    .select()
    .from(invitations)
    .where(and(eq(invitations.tenantId, tenantId), open))
    .orderBy(desc(invitations.createdAt));
}

/** One invitation of the practice, open or not (locked with `forUpdate`). */
export async function findTenantInvitation(
  tx: ControlTx,
  tenantId: string,
  id: string,
  o: { forUpdate?: boolean } = {},
): Promise<InvitationRow | undefined> {
  const q = tx
    .select()
    .from(invitations)
    .where(and(eq(invitations.tenantId, tenantId), eq(invitations.id, id)));
  const [row] = o.forUpdate ? await q.for('update') : await q;
  return row;
}

/** Open invitations of the practice to this address (expired ones included), locked. */
export async function findOpenInvitationsForEmail(
  tx: ControlTx,
  tenantId: string,
  email: string,
): Promise<InvitationRow[]> {
  return tx
    .select()
    .from(invitations)
    .where(and(eq(invitations.tenantId, tenantId), sql`lower(${invitations.email}) = lower(${email})`, open))
    .for('update');
}

export async function cancelInvitation(tx: ControlTx, id: string): Promise<void> {
  await tx
    .update(invitations)
    .set({ cancelledAt: sql`coalesce(${invitations.cancelledAt}, now())` })
    .where(eq(invitations.id, id));
}

/** A new token and expiry for a resend: the old link stops working; the send state is reset. */
export async function renewInvitationToken(
  tx: ControlTx,
  id: string,
  tokenHash: string,
  expiresAt: Date,
): Promise<InvitationRow> {
  const [row] = await tx
    .update(invitations)
    .set({ tokenHash, expiresAt, sentAt: null, sendError: null })
    .where(eq(invitations.id, id))
    .returning();
  return row!;
}

/** What the SMTP relay said about the mail carrying `tokenHash`: sent (now), or why not. */
export async function recordInvitationSend(
  tx: ControlTx,
  id: string,
  tokenHash: string,
  outcome: { sent: true } | { sent: false; error: string },
): Promise<InvitationRow | undefined> {
  // Only for the token that was mailed: a resend meanwhile has its own outcome.
  const [row] = await tx
    .update(invitations)
    .set(outcome.sent ? { sentAt: sql`now()`, sendError: null } : { sentAt: null, sendError: outcome.error })
    .where(and(eq(invitations.id, id), eq(invitations.tokenHash, tokenHash)))
    .returning();
  return row;
}

/**
 * Serialises the invitations of one address in one practice until the transaction ends, so two
 * administrators inviting the same person at once make one invitation, not two.
 */
export async function lockInvitationAddress(tx: ControlTx, tenantId: string, email: string): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`invite:${tenantId}:${email.toLowerCase()}`}, 0))`,
  );
}

/** Creates an account, or nothing when the address already has one (never touches it). */
export async function insertNewUser(
  tx: ControlTx,
  u:
    | { email: string; displayName: string; passwordHash: string }
    | { email: string; displayName: string; pscSubject: string },
): Promise<UserRow | undefined> {
  // An account made through Pro Santé Connect has no password: it signs in with its e-CPS.
  const values =
    'pscSubject' in u
      ? { ...u, pscLinkedAt: sql`now()`, pscCguAcceptedAt: sql`now()` }
      : { ...u, passwordChangedAt: sql`now()` };
  const [row] = await tx.insert(users).values(values).onConflictDoNothing().returning();
  return row;
}

/** Which of these addresses already have an account (lower case). */
export async function existingAccountEmails(tx: ControlTx, emails: string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const lower = [...new Set(emails.map((e) => e.toLowerCase()))];
  const rows = await tx
    .select({ email: sql<string>`lower(${users.email})` })
    .from(users)
    .where(inArray(sql`lower(${users.email})`, lower));
  return new Set(rows.map((r) => r.email));
}
