/** Helpers for the integration tests: throw-away tenants on the test database. */
import { randomBytes } from 'node:crypto';
import { tenantSchemaName } from '@rayon/domain';
import type { Database, TenantRef } from './client.ts';
import { insertTenant, toTenantRef } from './platform/tenants.ts';
import { provisionTenant } from './tenancy/provision.ts';

declare module 'vitest' {
  /** What infra/scripts/test-setup.ts provides to every integration test file. */
  export interface ProvidedContext {
    databaseUrl: string;
    adminDatabaseUrl: string;
    redisUrl: string;
  }
}

export function uniqueSlug(prefix = 'test'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Creates and provisions a tenant (schema, migrations, first site) and returns it. */
export async function createTestTenant(
  db: Database,
  o: { slug?: string; name?: string; firstSite?: string } = {},
): Promise<TenantRef> {
  const slug = o.slug ?? uniqueSlug();
  const row = await db.platform((tx) =>
    insertTenant(tx, {
      slug,
      schemaName: tenantSchemaName(slug),
      name: o.name ?? `Cabinet ${slug}`,
      finess: null,
      siret: null,
      provisioning: {
        step: 'queued',
        percent: 0,
        ...(o.firstSite ? { firstSite: { name: o.firstSite, finess: null, city: null } } : {}),
      },
    }),
  );
  if (!row) throw new Error(`tenant ${slug} exists`);
  await provisionTenant(db, row.id, { actor: { type: 'system', id: 'test' } });
  return toTenantRef(row);
}
