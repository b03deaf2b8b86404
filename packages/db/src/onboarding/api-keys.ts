import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { apiKeys, tenants } from '../schema/platform.ts';
import type { ControlTx } from '../client.ts';

export type ApiKeyRow = typeof apiKeys.$inferSelect;
/** What may leave the database about a key: never its hash. */
export type ApiKeyView = Omit<ApiKeyRow, 'secretHash'>;

const view = {
  id: apiKeys.id,
  tenantId: apiKeys.tenantId,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  scopes: apiKeys.scopes,
  createdBy: apiKeys.createdBy,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

export async function insertApiKey(tx: ControlTx, k: typeof apiKeys.$inferInsert): Promise<ApiKeyView> {
  const [row] = await tx.insert(apiKeys).values(k).returning(view);
  return row!;
}

export async function listApiKeys(tx: ControlTx, tenantId: string): Promise<ApiKeyView[]> {
  return tx.select(view).from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).orderBy(desc(apiKeys.createdAt));
}

export async function revokeApiKey(
  tx: ControlTx,
  tenantId: string,
  id: string,
): Promise<ApiKeyView | undefined> {
  const [row] = await tx
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.tenantId, tenantId)))
    .returning(view);
  return row;
}

/** The key with this prefix, if it is not revoked and its tenant is active, with its tenant. */
export async function findActiveApiKey(tx: ControlTx, prefix: string) {
  const [row] = await tx
    .select({ key: apiKeys, tenant: { id: tenants.id, slug: tenants.slug, schemaName: tenants.schemaName } })
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .where(and(eq(apiKeys.prefix, prefix), isNull(apiKeys.revokedAt), eq(tenants.status, 'active')));
  return row;
}

/** Records use, at most once a minute per key, to keep reads cheap. */
export async function touchApiKey(tx: ControlTx, id: string): Promise<void> {
  await tx
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiKeys.id, id),
        or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`)),
      ),
    );
}
