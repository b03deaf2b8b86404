import type { TenantStatus } from '@rayon/domain';
import { asc, eq, sql } from 'drizzle-orm';
import { tenants, type ProvisioningState } from '../schema/platform.ts';
import type { ControlTx, TenantRef } from '../client.ts';

export type TenantRow = typeof tenants.$inferSelect;

export async function insertTenant(
  tx: ControlTx,
  t: {
    slug: string;
    schemaName: string;
    name: string;
    finess: string | null;
    siret: string | null;
    provisioning: ProvisioningState;
  },
): Promise<TenantRow | undefined> {
  const [row] = await tx.insert(tenants).values(t).onConflictDoNothing().returning();
  return row;
}

export async function listTenants(tx: ControlTx): Promise<TenantRow[]> {
  return tx.select().from(tenants).orderBy(asc(tenants.name));
}

export async function findTenantBySlug(tx: ControlTx, slug: string): Promise<TenantRow | undefined> {
  const [row] = await tx.select().from(tenants).where(eq(tenants.slug, slug));
  return row;
}

export async function findTenantById(tx: ControlTx, id: string): Promise<TenantRow | undefined> {
  const [row] = await tx.select().from(tenants).where(eq(tenants.id, id));
  return row;
}

export async function updateTenantState(
  tx: ControlTx,
  id: string,
  patch: { status?: TenantStatus; provisioning?: ProvisioningState },
): Promise<void> {
  await tx
    .update(tenants)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(tenants.id, id));
}

export function toTenantRef(row: Pick<TenantRow, 'id' | 'slug' | 'schemaName'>): TenantRef {
  return { id: row.id, slug: row.slug, schemaName: row.schemaName };
}
