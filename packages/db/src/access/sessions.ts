/**
 * Portal sessions as their owner sees them (list, revoke, idle timeout) and password resets.
 * The idle timeout of an account is the strictest `idle_timeout_minutes` of the practices it is
 * an active member of (30 minutes without any); a platform administrator's is at most 30.
 */
import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { ControlTx } from '../client.ts';
import { memberships, passwordResets, sessions, tenants, users } from '../schema/platform.ts';
import type { UserRow } from './users.ts';

/** Idle timeout when no practice sets one, and the ceiling for platform administrators. */
export const DEFAULT_IDLE_TIMEOUT_MINUTES = 30;

/** Minutes of inactivity after which the sessions of `userId` end (SQL, for one user row). */
function idleMinutesOf(userId: typeof users.id, isPlatformAdmin: typeof users.isPlatformAdmin) {
  const practices = sql<number | null>`(select min(${tenants.idleTimeoutMinutes})
    from ${memberships} join ${tenants} on ${tenants.id} = ${memberships.tenantId}
    where ${memberships.userId} = ${userId} and ${memberships.disabledAt} is null
      and ${tenants.status} = 'active')`;
  return sql<number>`case when ${isPlatformAdmin}
    then least(${DEFAULT_IDLE_TIMEOUT_MINUTES}, coalesce(${practices}, ${DEFAULT_IDLE_TIMEOUT_MINUTES}))
    else coalesce(${practices}, ${DEFAULT_IDLE_TIMEOUT_MINUTES}) end`.mapWith(Number);
}

export interface LiveSession {
  sessionId: string;
  user: UserRow;
  idleTimeoutMinutes: number;
  /** Seconds since the session's last request, by the database's clock. */
  idleSeconds: number;
}

/**
 * A complete (second factor done), unexpired session of an enabled account, with how long it
 * has been idle and the account's idle timeout; the caller decides.
 */
export async function findLiveSession(tx: ControlTx, tokenHash: string): Promise<LiveSession | undefined> {
  const [row] = await tx
    .select({
      sessionId: sessions.id,
      user: users,
      idleTimeoutMinutes: idleMinutesOf(users.id, users.isPlatformAdmin),
      idleSeconds: sql<number>`extract(epoch from now() - ${sessions.lastSeenAt})`.mapWith(Number),
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, tokenHash),
        gt(sessions.expiresAt, sql`now()`),
        eq(sessions.mfaPending, false),
        isNull(users.disabledAt),
      ),
    );
  return row;
}

/** Marks a session used now. */
export async function touchSession(tx: ControlTx, sessionId: string): Promise<void> {
  await tx
    .update(sessions)
    .set({ lastSeenAt: sql`now()` })
    .where(eq(sessions.id, sessionId));
}

export async function deleteSessionById(tx: ControlTx, sessionId: string): Promise<void> {
  await tx.delete(sessions).where(eq(sessions.id, sessionId));
}

export interface OwnSessionView {
  id: string;
  tokenHash: string;
  createdAt: Date;
  lastSeenAt: Date;
  clientIp: string | null;
  userAgent: string | null;
}

/** The account's sessions still alive (unexpired, second factor done, not idle too long). */
export async function listLiveSessions(tx: ControlTx, userId: string): Promise<OwnSessionView[]> {
  return tx
    .select({
      id: sessions.id,
      tokenHash: sessions.tokenHash,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      clientIp: sessions.clientIp,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.userId, userId),
        gt(sessions.expiresAt, sql`now()`),
        eq(sessions.mfaPending, false),
        sql`${sessions.lastSeenAt} > now() - make_interval(mins => ${idleMinutesOf(users.id, users.isPlatformAdmin)})`,
      ),
    )
    .orderBy(desc(sessions.lastSeenAt));
}

/** Ends one session of the account; false when the account has no such session. */
export async function deleteOwnSession(tx: ControlTx, userId: string, sessionId: string): Promise<boolean> {
  const rows = await tx
    .delete(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
    .returning({ id: sessions.id });
  return rows.length > 0;
}

/** Ends every session of the account, but the one of `exceptTokenHash` when given; how many. */
export async function deleteUserSessions(
  tx: ControlTx,
  userId: string,
  exceptTokenHash?: string,
): Promise<number> {
  const rows = await tx
    .delete(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        exceptTokenHash === undefined ? undefined : ne(sessions.tokenHash, exceptTokenHash),
      ),
    )
    .returning({ id: sessions.id });
  return rows.length;
}

/** Sets a new password hash and its date. */
export async function setUserPassword(tx: ControlTx, userId: string, passwordHash: string): Promise<void> {
  await tx
    .update(users)
    .set({ passwordHash, passwordChangedAt: sql`now()` })
    .where(eq(users.id, userId));
}

export type PasswordResetRow = typeof passwordResets.$inferSelect;

export async function insertPasswordReset(
  tx: ControlTx,
  r: { tokenHash: string; userId: string; expiresAt: Date },
): Promise<void> {
  await tx.insert(passwordResets).values(r);
}

/** An unused, unexpired reset link; `lock` takes it for the transaction that uses it. */
export async function findOpenPasswordReset(
  tx: ControlTx,
  tokenHash: string,
  o: { lock?: boolean } = {},
): Promise<PasswordResetRow | undefined> {
  const q = tx
    .select()
    .from(passwordResets)
    .where(
      and(
        eq(passwordResets.tokenHash, tokenHash),
        isNull(passwordResets.usedAt),
        gt(passwordResets.expiresAt, sql`now()`),
      ),
    );
  const [row] = o.lock ? await q.for('update') : await q;
  return row;
}

/** Uses up every open reset link of the account (the one just used and any older one). */
export async function closePasswordResets(tx: ControlTx, userId: string): Promise<void> {
  await tx
    .update(passwordResets)
    .set({ usedAt: sql`now()` })
    .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
}

/** Names and slugs of the practices an account belongs to (the password policy's context). */
export async function practiceNamesOf(tx: ControlTx, userId: string): Promise<string[]> {
  const rows = await tx
    .select({ name: tenants.name, slug: tenants.slug })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId));
  return rows.flatMap((r) => [r.name, r.slug]);
}
