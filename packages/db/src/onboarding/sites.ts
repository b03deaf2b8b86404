import { asc, eq, sql } from 'drizzle-orm';
import { sites } from '../schema/tenant.ts';
import type { TenantTx } from '../client.ts';

export type SiteRow = typeof sites.$inferSelect;
export type NewSite = Omit<typeof sites.$inferInsert, 'createdAt' | 'updatedAt'>;

export async function listSites(tx: TenantTx): Promise<SiteRow[]> {
  return tx.select().from(sites).orderBy(asc(sites.name), asc(sites.id));
}

export async function findSite(tx: TenantTx, id: string): Promise<SiteRow | undefined> {
  const [row] = await tx.select().from(sites).where(eq(sites.id, id));
  return row;
}

/** The site a report's documents are issued by: its own, else the practice's first. */
export async function findReportSite(tx: TenantTx, siteId: string | null): Promise<SiteRow | undefined> {
  const own = siteId ? await findSite(tx, siteId) : undefined;
  if (own) return own;
  const [first] = await tx.select().from(sites).orderBy(asc(sites.name), asc(sites.id)).limit(1);
  return first;
}

export async function insertSite(tx: TenantTx, site: NewSite): Promise<SiteRow> {
  const [row] = await tx.insert(sites).values(site).returning();
  return row!;
}

export async function updateSite(
  tx: TenantTx,
  id: string,
  patch: Partial<Omit<NewSite, 'id'>>,
): Promise<SiteRow | undefined> {
  const [row] = await tx
    .update(sites)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(sites.id, id))
    .returning();
  return row;
}

export async function countSites(tx: TenantTx): Promise<number> {
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(sites);
  return row!.n;
}
