/**
 * `pnpm bench:tenancy`: prints
 *   - the time to provision one tenant (schema, migrations, first site), over several tenants;
 *   - the time to migrate 500 tenant schemas with the migration runner: from version 0 to the
 *     previous release, then the latest migration alone (a release), then with nothing to apply;
 *   - p50/p99 latency of a tenant-scoped read through the API (GET /api/v1/sites over HTTP,
 *     API key auth, withTenant) with 1 tenant and with 500 tenants, and their ratio.
 * It runs its own PostgreSQL and Redis (.rayon/bench, ports RAYON_PORT_BASE+2/+3, default 4602/4603).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createApp, createServices } from '@rayon/api';
import {
  Database,
  insertSite,
  migrateAllTenants,
  migratePlatform,
  setupDatabase,
  upsertUser,
} from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { tenantSchemaName } from '@rayon/domain';
import { portBase, repoRoot, startPostgres, startRedis } from '../scripts/services.ts';
import { describeSetting, machine, postgresDurability, saveResults } from './results.ts';

const TENANTS = 500;
const REQUESTS = 6000;
const CONCURRENCY = 4;

const base = portBase(4600);
const pg = await startPostgres('bench', base + 2);
const redisService = await startRedis('bench', base + 3);
const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
await admin.unsafe('drop database if exists rayon_bench with (force)');
await admin.end();
await setupDatabase({
  adminUrl: pg.url,
  database: 'rayon_bench',
  appRole: 'rayon_app',
  appPassword: 'bench',
});
const url = new URL(pg.url);
Object.assign(url, { username: 'rayon_app', password: 'bench', pathname: '/rayon_bench' });
const db = new Database({ url: url.toString(), max: 10 });
await migratePlatform(db);
const redis = new Redis(redisService.url);
const deps = {
  db,
  redis,
  logger: pino({ level: 'silent' }),
  portalUrl: 'http://127.0.0.1',
  secretsKey: randomBytes(32),
};
const app = createApp(deps);
const services = createServices(deps);
const server = serve({ fetch: app.fetch, port: base + 1, hostname: '127.0.0.1' });
const apiUrl = `http://127.0.0.1:${base + 1}`;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const ms = (x: number) => `${x.toFixed(2)} ms`;

const adminUser = await db.platform((tx) =>
  upsertUser(tx, { email: 'bench@rayon.local', displayName: 'bench', isPlatformAdmin: true }),
);
async function keyFor(slug: string) {
  const ctx = {
    actor: { type: 'user' as const, id: adminUser.id },
    requestId: 'bench',
    now: () => new Date(),
  };
  return (await services.onboarding.createApiKey(ctx, slug, { name: 'bench', scopes: ['sites:read'] }))
    .secret;
}

async function readLatencies(keys: string[], count: number) {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const key = keys[next++ % keys.length]!;
        const started = performance.now();
        const res = await fetch(`${apiUrl}/api/v1/sites`, { headers: { authorization: `Bearer ${key}` } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`read failed: ${res.status}`);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

// 1. Provisioning one tenant.
const provisionTimes: number[] = [];
const firstTenants = [];
for (let i = 0; i < 10; i++) {
  const started = performance.now();
  firstTenants.push(await createTestTenant(db, { slug: `bench-p${i}`, firstSite: 'Site principal' }));
  provisionTimes.push(performance.now() - started);
}
// 2. One tenant holding data and a key (its reads are measured below, beside the 500's).
const oneKey = await keyFor(firstTenants[0]!.slug);

// 3. Migrating 500 tenant schemas from version 0.
const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
await sql.begin(async (tx) => {
  await tx`select set_config('role', 'rayon_app_owner', true)`; // schemas belong to the owner role
  for (let i = 0; i < TENANTS; i++) {
    const slug = `bench-m${String(i).padStart(3, '0')}`;
    await tx.unsafe(`create schema "${tenantSchemaName(slug)}"`);
    await tx`insert into platform.tenants (slug, schema_name, name, status) values (${slug}, ${tenantSchemaName(slug)}, ${slug}, 'active')`;
  }
});
await sql.end();
// From version 0 to the previous release, then the latest migration alone (a release's deploy),
// then once more with nothing to apply (a deploy without tenant migrations).
const tags = (
  JSON.parse(readFileSync(join(repoRoot, 'packages/db/migrations/tenant/meta/_journal.json'), 'utf8')) as {
    entries: { idx: number; tag: string }[];
  }
).entries
  .sort((a, b) => a.idx - b.idx)
  .map((e) => e.tag);
const latest = tags.at(-1)!;
async function timedMigration(until?: string) {
  const started = performance.now();
  const results = await migrateAllTenants(db, {
    slugPrefix: 'bench-m',
    concurrency: 8,
    ...(until ? { until } : {}),
  });
  return { results, ms: performance.now() - started };
}
const fromZero = await timedMigration(tags.at(-2));
const release = await timedMigration();
const upToDate = await timedMigration();
const results = release.results;
if (
  fromZero.results.some((r) => r.outcome !== 'migrated') ||
  release.results.some((r) => r.applied.join() !== latest) ||
  upToDate.results.some((r) => r.outcome !== 'up-to-date')
) {
  throw new Error('a tenant did not migrate as expected');
}

// 4. Read latency with 500 tenants, requests spread over all of them.
const manyKeys: string[] = [];
for (const r of results) {
  await db.withTenant({ id: '', slug: r.slug, schemaName: r.schemaName }, (tx) =>
    insertSite(tx, { name: `Site ${r.slug}` }),
  );
  manyKeys.push(await keyFor(r.slug));
}
// The 1-tenant and 500-tenant reads alternate in rounds, so that the machine's drift during the
// run (other processes, caches, GC) weighs on both alike.
const ROUNDS = 6;
const one: number[] = [];
const many: number[] = [];
await readLatencies([oneKey], REQUESTS / ROUNDS); // warm-up
await readLatencies(manyKeys, REQUESTS / ROUNDS);
for (let round = 0; round < ROUNDS; round++) {
  one.push(...(await readLatencies([oneKey], REQUESTS / ROUNDS)));
  many.push(...(await readLatencies(manyKeys, REQUESTS / ROUNDS)));
}

const host = machine();
const durability = await postgresDurability(pg.url);
console.log(`
Rayon tenancy benchmark (${describeSetting(host, durability)})
PostgreSQL embedded, loopback HTTP, ${CONCURRENCY} concurrent clients
  provision one tenant       p50 ${ms(quantile(provisionTimes, 0.5))}   max ${ms(Math.max(...provisionTimes))}   (${provisionTimes.length} tenants)
  migrate ${TENANTS} tenants, version 0 → ${tags.at(-2)} (${tags.length - 1} migrations)   ${ms(fromZero.ms)}   (${ms(fromZero.ms / TENANTS)} per tenant, concurrency 8)
  migrate ${TENANTS} tenants, the release ${latest} alone   ${ms(release.ms)}   (${ms(release.ms / TENANTS)} per tenant)
  migrate ${TENANTS} tenants, nothing to apply   ${ms(upToDate.ms)}
  read, 1 tenant             p50 ${ms(quantile(one, 0.5))}   p99 ${ms(quantile(one, 0.99))}   (${one.length} requests)
  read, ${TENANTS} tenants           p50 ${ms(quantile(many, 0.5))}   p99 ${ms(quantile(many, 0.99))}   (${many.length} requests over ${TENANTS} tenants, in ${ROUNDS} rounds alternating with the 1-tenant reads)
  ratio ${TENANTS}/1               p50 ×${(quantile(many, 0.5) / quantile(one, 0.5)).toFixed(2)}   p99 ×${(quantile(many, 0.99) / quantile(one, 0.99)).toFixed(2)}
`);
const ratio = (q: number) => quantile(many, q) / quantile(one, q);
const saved = saveResults('tenancy', {
  machine: host,
  postgres: durability,
  parameters: { tenants: TENANTS, requests: REQUESTS, concurrency: CONCURRENCY, rounds: ROUNDS },
  figures: {
    provisionP50: { value: quantile(provisionTimes, 0.5), unit: 'ms' },
    migrateFromZero: { value: fromZero.ms, unit: 'ms' },
    migrateRelease: { value: release.ms, unit: 'ms', goal: '< 5000' },
    migrateUpToDate: { value: upToDate.ms, unit: 'ms' },
    readOneP50: { value: quantile(one, 0.5), unit: 'ms' },
    readOneP99: { value: quantile(one, 0.99), unit: 'ms' },
    readManyP50: { value: quantile(many, 0.5), unit: 'ms' },
    readManyP99: { value: quantile(many, 0.99), unit: 'ms' },
  },
  ratios: { readP50: ratio(0.5), readP99: ratio(0.99) },
});
console.log(`results: ${saved}`);

server.close();
redis.disconnect();
await db.close();
await redisService.stop();
await pg.stop();
process.exit(0);
