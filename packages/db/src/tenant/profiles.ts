import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { userProfiles } from '../schema/tenant.ts';
import type { TenantTx } from '../client.ts';

export type UserProfileRow = typeof userProfiles.$inferSelect;

export async function upsertUserProfile(
  tx: TenantTx,
  p: {
    userId: string;
    displayName: string;
    rpps?: string | null;
    title?: string | null;
    civility?: string | null;
    familyName?: string | null;
    givenName?: string | null;
    specialty?: string | null;
    signsReports?: boolean;
  },
): Promise<void> {
  await tx
    .insert(userProfiles)
    .values(p)
    .onConflictDoUpdate({ target: userProfiles.userId, set: { ...p, updatedAt: sql`now()` } });
}

export async function findUserProfile(tx: TenantTx, userId: string): Promise<UserProfileRow | undefined> {
  const [row] = await tx.select().from(userProfiles).where(eq(userProfiles.userId, userId));
  return row;
}

/** Profiles of these users (the staff screen), by user id. */
export async function findUserProfiles(
  tx: TenantTx,
  userIds: string[],
): Promise<Map<string, UserProfileRow>> {
  if (userIds.length === 0) return new Map();
  const rows = await tx
    .select()
    .from(userProfiles)
    .where(inArray(userProfiles.userId, [...new Set(userIds)]));
  return new Map(rows.map((r) => [r.userId, r]));
}

/**
 * The practice's profiles carrying an RPPS number (a platform names its signing radiologist by
 * it). A practice has tens of profiles: the lookup is on the primary table, without an index.
 */
export async function findUserProfilesByRpps(tx: TenantTx, rpps: string): Promise<UserProfileRow[]> {
  return tx.select().from(userProfiles).where(eq(userProfiles.rpps, rpps));
}

/** Display names of the practice's users, by user id (for history and audit screens). */
export async function userDisplayNames(tx: TenantTx, ids: string[]): Promise<Map<string, string>> {
  // Authors may also be API keys (`api_key:<id>`): only user ids are looked up.
  const userIds = ids.filter((id) =>
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id),
  );
  if (userIds.length === 0) return new Map();
  const rows = await tx
    .select({ userId: userProfiles.userId, displayName: userProfiles.displayName })
    .from(userProfiles)
    .where(inArray(userProfiles.userId, [...new Set(userIds)]));
  return new Map(rows.map((r) => [r.userId, r.displayName]));
}

/** The members of the practice with an RPPS number: its health professionals, for PSC rules. */
export async function userIdsWithRpps(tx: TenantTx, userIds?: readonly string[]): Promise<string[]> {
  const rows = await tx
    .select({ userId: userProfiles.userId })
    .from(userProfiles)
    .where(
      and(isNotNull(userProfiles.rpps), userIds ? inArray(userProfiles.userId, [...userIds]) : undefined),
    );
  return rows.map((r) => r.userId);
}
