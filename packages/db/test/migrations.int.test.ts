import { spawn } from 'node:child_process';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tenantSchemaName } from '@rayon/domain';
import { sql as q } from 'drizzle-orm';
import { Database, migrateAllTenants, migrateTenant } from '../src/index.ts';
import { readMigrations, tenantMigrationsDir } from '../src/migrate/files.ts';
import { createTestTenant, uniqueSlug } from '../src/testing.ts';

const TENANTS = 200;
const prefix = `${uniqueSlug('mig')}-`;
let db: Database;
let sql: postgres.Sql;

const migrateCli = join(import.meta.dirname, '../scripts/migrate.ts');
const repoRoot = join(import.meta.dirname, '../../..');

/** Starts the migration command; `done` resolves with its output once it exits. */
function startCli() {
  // `node --import tsx` (not the tsx CLI, which runs the script in a grandchild that SIGKILL would miss).
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', migrateCli, '--concurrency', '4', '--slug-prefix', prefix],
    {
      cwd: repoRoot,
      env: { ...process.env, RAYON_DATABASE_URL: inject('databaseUrl') },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: string[] = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  const done = new Promise<{ lines: string[]; code: number | null; signal: string | null }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve({ lines, code, signal }));
    },
  );
  return { child, done };
}

async function until(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const ledgerCount = async () => {
  const rows = await sql<{ n: number }[]>`
    select count(*)::int as n from pg_catalog.pg_tables
    where tablename = '_migrations' and starts_with(schemaname, ${tenantSchemaName(prefix + 'x').slice(0, -1)})`;
  return rows[0]!.n;
};

beforeAll(async () => {
  db = new Database({ url: inject('databaseUrl'), max: 4 });
  sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
  // 200 tenants whose schemas exist but have none of the tenant migrations yet (version 0).
  await sql.begin(async (tx) => {
    await tx`select set_config('role', 'rayon_app_owner', true)`; // schemas belong to the owner role
    for (let i = 0; i < TENANTS; i++) {
      const slug = `${prefix}${String(i).padStart(3, '0')}`;
      await tx.unsafe(`create schema "${tenantSchemaName(slug)}"`);
      await tx`insert into platform.tenants (slug, schema_name, name, status) values (${slug}, ${tenantSchemaName(slug)}, ${slug}, 'active')`;
    }
  });
}, 120_000);

afterAll(async () => {
  await sql.end();
  await db.close();
});

describe('tenant migration runner', () => {
  it('resumes after being killed halfway, then a second run does nothing', async () => {
    // Hold the second half of the tenants locked, so the run stops halfway, then kill it there.
    const HALF = TENANTS / 2;
    const locker = await sql.reserve();
    await locker`begin`;
    await locker`select 1 from platform.tenants where starts_with(slug, ${prefix}) and slug >= ${prefix + String(HALF).padStart(3, '0')} for update`;
    const first = startCli();
    await until(async () => (await ledgerCount()) === HALF, 'the first half to be migrated');
    await until(async () => {
      const [{ n }] = await sql<[{ n: number }]>`
        select count(*)::int as n from pg_stat_activity where application_name = 'rayon-migrate' and wait_event_type = 'Lock'`;
      return n === 4;
    }, 'the runner to block on the locked half');
    first.child.kill('SIGKILL');
    const killed = await first.done;
    await locker`rollback`;
    locker.release();
    expect(killed.signal).toBe('SIGKILL');
    await until(async () => {
      const [{ n }] = await sql<[{ n: number }]>`
        select count(*)::int as n from pg_stat_activity where application_name = 'rayon-migrate'`;
      return n === 0;
    }, 'the killed runner backends to end');
    const doneBeforeKill = await ledgerCount();
    expect(doneBeforeKill).toBe(HALF);

    const resumed = await startCli().done;
    expect(resumed.code).toBe(0);
    const tenantLines = resumed.lines.filter((l) => l.startsWith('tenant '));
    expect(tenantLines).toHaveLength(TENANTS);
    const migrated = tenantLines.filter((l) => l.includes(': migrated')).length;
    expect(migrated).toBe(TENANTS - doneBeforeKill);
    expect(tenantLines.filter((l) => l.includes(': up-to-date')).length).toBe(doneBeforeKill);
    expect(resumed.lines.at(-1)).toMatch(
      new RegExp(
        `summary: ${TENANTS} tenants, ${migrated} migrated, ${doneBeforeKill} up-to-date, 0 skipped, 0 failed`,
      ),
    );
    expect(await ledgerCount()).toBe(TENANTS);

    const again = await migrateAllTenants(db, { slugPrefix: prefix, concurrency: 8 });
    expect(again).toHaveLength(TENANTS);
    expect(again.every((r) => r.outcome === 'up-to-date' && r.applied.length === 0)).toBe(true);
    // Every tenant schema now has the tenant tables.
    const [{ n }] = await sql<[{ n: number }]>`
      select count(*)::int as n from pg_catalog.pg_tables
      where tablename = 'sites' and starts_with(schemaname, ${tenantSchemaName(prefix + 'x').slice(0, -1)})`;
    expect(n).toBe(TENANTS);
  });

  it('migrates up to a named migration, then only the rest', async () => {
    const staged = uniqueSlug('stage');
    await sql.begin(async (tx) => {
      await tx`select set_config('role', 'rayon_app_owner', true)`;
      await tx.unsafe(`create schema "${tenantSchemaName(staged)}"`);
      await tx`insert into platform.tenants (slug, schema_name, name, status) values (${staged}, ${tenantSchemaName(staged)}, ${staged}, 'active')`;
    });
    const tags = readMigrations(tenantMigrationsDir).map((m) => m.tag);
    const [before] = await migrateAllTenants(db, { slugPrefix: staged, until: tags.at(-2)! });
    expect(before!.applied).toEqual(tags.slice(0, -1));
    const [release] = await migrateAllTenants(db, { slugPrefix: staged });
    expect(release!.applied).toEqual(tags.slice(-1));
    await expect(migrateAllTenants(db, { slugPrefix: staged, until: 'no-such-tag' })).rejects.toThrow(
      /no tenant migration is tagged no-such-tag/,
    );
  });

  it("grants a table a migration adds to the practice's role; a migration adding none grants nothing", async () => {
    const statements: string[] = [];
    const counted = new Database({ url: inject('databaseUrl'), max: 2, onQuery: (s) => statements.push(s) });
    try {
      const tenant = await createTestTenant(counted);
      const all = readMigrations(tenantMigrationsDir);
      const addTable = {
        tag: '9998_probe_table',
        hash: 'probe-table',
        statements: ['create table probe_added (id int)'],
      };
      const addComment = {
        tag: '9999_probe_comment',
        hash: 'probe-comment',
        statements: ["comment on table probe_added is 'probe'"],
      };
      statements.length = 0;
      expect(await migrateTenant(counted, tenant, { migrations: [...all, addTable] })).toEqual([
        addTable.tag,
      ]);
      expect(statements.filter((s) => /^grant /.test(s)).length).toBeGreaterThan(0);
      await counted.withTenant(tenant, (tx) => tx.execute(q`insert into probe_added values (1)`));
      statements.length = 0;
      expect(await migrateTenant(counted, tenant, { migrations: [...all, addTable, addComment] })).toEqual([
        addComment.tag,
      ]);
      expect(statements.filter((s) => /^(grant|revoke) /.test(s))).toEqual([]);
      const [row] = await counted.withTenant(tenant, (tx) =>
        tx.execute(q`select count(*)::int as n from probe_added`),
      );
      expect(row).toEqual({ n: 1 });
      // The ledger stays the owner's business.
      await expect(
        counted.withTenant(tenant, (tx) => tx.execute(q`select count(*) from _migrations`)),
      ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/permission denied/) } });
    } finally {
      await counted.close();
    }
  });

  it('reports a failing tenant and migrates the others', async () => {
    const slug = `${prefix}zzz`;
    await sql.begin(async (tx) => {
      await tx`select set_config('role', 'rayon_app_owner', true)`;
      await tx.unsafe(`create schema "${tenantSchemaName(slug)}"`);
      await tx.unsafe(`create table "${tenantSchemaName(slug)}".sites (id int)`); // conflicts with the migration
      await tx`insert into platform.tenants (slug, schema_name, name, status) values (${slug}, ${tenantSchemaName(slug)}, ${slug}, 'active')`;
    });
    const results = await migrateAllTenants(db, { slugPrefix: prefix });
    const failed = results.filter((r) => r.outcome === 'failed');
    expect(failed.map((r) => r.slug)).toEqual([slug]);
    expect(failed[0]!.error).toMatch(/already exists/);
    expect(results.filter((r) => r.outcome === 'up-to-date')).toHaveLength(TENANTS);
  });
});
