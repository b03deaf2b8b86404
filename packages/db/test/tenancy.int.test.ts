import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  Database,
  deprovisionTenant,
  findSite,
  findTenantBySlug,
  findUserProfile,
  getSetting,
  putSetting,
  upsertUserProfile,
  insertSite,
  listSites,
  updateSite,
  type TenantRef,
} from '../src/index.ts';
import { createTestTenant } from '../src/testing.ts';

let db: Database;
let a: TenantRef;
let b: TenantRef;
/** drizzle wraps driver errors ("Failed query: …"); PostgreSQL's own message is the cause. */
async function pgError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { cause?: Error };
    return err.cause?.message ?? err.message;
  }
  throw new Error('expected a failure');
}

const sharedId = '00000000-0000-4000-8000-000000000001';

beforeAll(async () => {
  db = new Database({ url: inject('databaseUrl'), max: 8 });
  a = await createTestTenant(db, { name: 'Cabinet A' });
  b = await createTestTenant(db, { name: 'Cabinet B' });
  // Identical ids inside both tenants.
  await db.withTenant(a, (tx) => insertSite(tx, { id: sharedId, name: 'Site de A' }));
  await db.withTenant(b, (tx) => insertSite(tx, { id: sharedId, name: 'Site de B' }));
});
afterAll(() => db.close());

describe('withTenant', () => {
  it('reads and writes only the tenant it was given, even for identical ids', async () => {
    expect((await db.withTenant(a, (tx) => findSite(tx, sharedId)))?.name).toBe('Site de A');
    expect((await db.withTenant(b, (tx) => findSite(tx, sharedId)))?.name).toBe('Site de B');
    await db.withTenant(a, (tx) => updateSite(tx, sharedId, { city: 'Lyon' }));
    expect((await db.withTenant(b, (tx) => findSite(tx, sharedId)))?.city).toBeNull();
    const bOnly = await db.withTenant(b, (tx) => insertSite(tx, { name: 'Seulement B' }));
    expect(await db.withTenant(a, (tx) => findSite(tx, bOnly.id))).toBeUndefined();
    expect(await db.withTenant(a, (tx) => updateSite(tx, bOnly.id, { name: 'x' }))).toBeUndefined();
  });

  it('keeps profiles and settings with identical keys apart', async () => {
    const userId = '00000000-0000-4000-8000-0000000000aa';
    await db.withTenant(a, (tx) =>
      upsertUserProfile(tx, { userId, displayName: 'Dr A', rpps: '10000000001' }),
    );
    await db.withTenant(b, (tx) => upsertUserProfile(tx, { userId, displayName: 'Dr B' }));
    await db.withTenant(a, (tx) => putSetting(tx, 'reports.rgpdNotice', 'Mentions A'));
    await db.withTenant(b, (tx) => putSetting(tx, 'reports.rgpdNotice', 'Mentions B'));
    expect((await db.withTenant(a, (tx) => findUserProfile(tx, userId)))?.displayName).toBe('Dr A');
    expect((await db.withTenant(b, (tx) => findUserProfile(tx, userId)))?.rpps).toBeNull();
    expect(await db.withTenant(a, (tx) => getSetting(tx, 'reports.rgpdNotice'))).toBe('Mentions A');
    expect(await db.withTenant(b, (tx) => getSetting(tx, 'reports.rgpdNotice'))).toBe('Mentions B');
  });

  it('fails loudly for a tenant query outside withTenant', async () => {
    expect(await pgError(db.platform((tx) => tx.execute(sql`select * from sites`)))).toMatch(
      /relation "sites" does not exist/,
    );
    expect(await pgError(db.platform((tx) => listSites(tx as never)))).toMatch(
      /relation "sites" does not exist/,
    );
  });

  it('leaves no search_path behind on the pooled connection', async () => {
    const one = new Database({ url: inject('databaseUrl'), max: 1 });
    try {
      await one.withTenant(a, (tx) => listSites(tx));
      expect(await pgError(one.platform((tx) => listSites(tx as never)))).toMatch(/does not exist/);
    } finally {
      await one.close();
    }
  });

  it('never mixes tenants under hundreds of interleaved units of work on one pool', async () => {
    const runs = Array.from({ length: 400 }, (_, i) => {
      const t = i % 2 === 0 ? a : b;
      return db.withTenant(t, async (tx) => {
        const [{ schema }] = (await tx.execute(sql`select current_schema() as schema`)) as unknown as [
          { schema: string },
        ];
        if (i % 7 === 0) await tx.execute(sql`select pg_sleep(0.002)`);
        const site = await findSite(tx, sharedId);
        return { expected: t, schema, name: site?.name };
      });
    });
    const results = await Promise.all(runs);
    for (const r of results) {
      expect(r.schema).toBe(r.expected.schemaName);
      expect(r.name).toBe(r.expected === a ? 'Site de A' : 'Site de B');
    }
  });

  it('refuses a schema name that is not a tenant schema', async () => {
    await expect(db.withTenant({ ...a, schemaName: 'platform' }, listSites)).rejects.toThrow(
      /invalid tenant schema/,
    );
  });
});

describe('provisioning', () => {
  it('creates the schema with its migrations and first site, and deprovisioning drops it', async () => {
    const t = await createTestTenant(db, { firstSite: 'Site principal' });
    expect((await db.withTenant(t, listSites)).map((s) => s.name)).toEqual(['Site principal']);
    const row = await db.platform((tx) => findTenantBySlug(tx, t.slug));
    expect(row?.status).toBe('active');
    await deprovisionTenant(db, t.id, { actor: { type: 'system', id: 'test' } });
    const after = await db.platform((tx) => findTenantBySlug(tx, t.slug));
    expect(after?.status).toBe('deprovisioned');
    expect(await pgError(db.withTenant(t, listSites))).toMatch(/does not exist/);
  });
});
