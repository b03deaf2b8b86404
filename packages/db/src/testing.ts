/** Helpers for the integration tests: throw-away tenants on the test database. */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { tenantSchemaName } from '@rayon/domain';
import type { Database, TenantRef } from './client.ts';
import { Database as DatabaseClass } from './client.ts';
import { migratePlatform } from './migrate/runner.ts';
import { prepareDatabase } from './setup.ts';
import { insertTenant, toTenantRef } from './onboarding/tenants.ts';
import { provisionTenant } from './onboarding/provision.ts';

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
  o: { slug?: string; name?: string; firstSite?: string; finess?: string } = {},
): Promise<TenantRef> {
  const slug = o.slug ?? uniqueSlug();
  const row = await db.platform((tx) =>
    insertTenant(tx, {
      slug,
      schemaName: tenantSchemaName(slug),
      name: o.name ?? `Cabinet ${slug}`,
      finess: o.finess ?? null,
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

/**
 * A database of its own (same server, same application role, platform migrated), for tests
 * of the outbox: its relay claims every pending row, and its notifications are heard
 * database-wide; neither may be other files'.
 */
export async function createScratchDatabase(adminUrl: string, appUrl: string): Promise<string> {
  const name = `rayon_scratch_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} owner ${new URL(appUrl).username}`);
  } finally {
    await admin.end();
  }
  const adminDb = new URL(adminUrl);
  adminDb.pathname = `/${name}`;
  await prepareDatabase(adminDb.toString(), new URL(appUrl).username);
  const url = new URL(appUrl);
  url.pathname = `/${name}`;
  const db = new DatabaseClass({ url: url.toString(), max: 1 });
  try {
    await migratePlatform(db);
  } finally {
    await db.close();
  }
  return url.toString();
}

/** Polls `fn` until `ok` holds (at most ~10 s), and returns the value that satisfied it. */
export async function until<T>(
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  what = 'the condition',
): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
