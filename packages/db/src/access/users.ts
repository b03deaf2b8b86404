import type { TenantRole, TenantStatus } from '@rayon/domain';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { invitations, memberships, sessions, tenants, users } from '../schema/platform.ts';
import type { ControlTx } from '../client.ts';

export type UserRow = typeof users.$inferSelect;

export async function findUserByEmail(tx: ControlTx, email: string): Promise<UserRow | undefined> {
  const [row] = await tx
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`);
  return row;
}

export async function findUserById(tx: ControlTx, id: string): Promise<UserRow | undefined> {
  const [row] = await tx.select().from(users).where(eq(users.id, id));
  return row;
}

export async function upsertUser(
  tx: ControlTx,
  u: { email: string; displayName: string; passwordHash?: string | null; isPlatformAdmin?: boolean },
): Promise<UserRow> {
  const existing = await findUserByEmail(tx, u.email);
  if (existing) {
    const [row] = await tx
      .update(users)
      .set({
        displayName: u.displayName,
        ...(u.passwordHash !== undefined ? { passwordHash: u.passwordHash } : {}),
        ...(u.isPlatformAdmin !== undefined ? { isPlatformAdmin: u.isPlatformAdmin } : {}),
      })
      .where(eq(users.id, existing.id))
      .returning();
    return row!;
  }
  const [row] = await tx
    .insert(users)
    .values({
      email: u.email,
      displayName: u.displayName,
      passwordHash: u.passwordHash ?? null,
      isPlatformAdmin: u.isPlatformAdmin ?? false,
    })
    .returning();
  return row!;
}

export interface MembershipView {
  tenantId: string;
  slug: string;
  schemaName: string;
  name: string;
  status: TenantStatus;
  roles: TenantRole[];
}

/** The user's active memberships (a membership the practice deactivated gives no access). */
export async function listMemberships(tx: ControlTx, userId: string): Promise<MembershipView[]> {
  return tx
    .select({
      tenantId: tenants.id,
      slug: tenants.slug,
      schemaName: tenants.schemaName,
      name: tenants.name,
      status: tenants.status,
      roles: memberships.roles,
    })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(memberships.userId, userId), isNull(memberships.disabledAt)))
    .orderBy(tenants.name);
}

export async function upsertMembership(tx: ControlTx, userId: string, tenantId: string, roles: TenantRole[]) {
  await tx
    .insert(memberships)
    .values({ userId, tenantId, roles })
    .onConflictDoUpdate({ target: [memberships.userId, memberships.tenantId], set: { roles } });
}

export async function deleteSession(tx: ControlTx, tokenHash: string): Promise<void> {
  await tx.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

export type InvitationRow = typeof invitations.$inferSelect;

export async function insertInvitation(
  tx: ControlTx,
  i: typeof invitations.$inferInsert,
): Promise<InvitationRow> {
  const [row] = await tx.insert(invitations).values(i).returning();
  return row!;
}

/** An invitation that can still be accepted (not accepted, cancelled nor expired); locked. */
export async function findOpenInvitation(
  tx: ControlTx,
  tokenHash: string,
): Promise<InvitationRow | undefined> {
  const [row] = await tx
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.tokenHash, tokenHash),
        isNull(invitations.acceptedAt),
        isNull(invitations.cancelledAt),
        gt(invitations.expiresAt, sql`now()`),
      ),
    )
    .for('update');
  return row;
}

export async function markInvitationAccepted(tx: ControlTx, id: string, acceptedBy?: string): Promise<void> {
  await tx
    .update(invitations)
    .set({ acceptedAt: sql`now()`, ...(acceptedBy ? { acceptedBy } : {}) })
    .where(eq(invitations.id, id));
}
