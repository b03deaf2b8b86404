/**
 * The database isolates practices too (tenancy/roles.ts), checked as an attacker holding the
 * application role's credentials would: with psql, the real PostgreSQL client (Debian's
 * postgresql-client), and from inside a tenant transaction. The audit trail is append-only and
 * hash-chained (migration platform/0003): tampering by someone above the application shows.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  Database,
  deprovisionTenant,
  insertSite,
  recordAudit,
  verifyAuditChains,
  type TenantRef,
} from '../src/index.ts';
import { prepareDatabase } from '../src/setup.ts';
import { createTestTenant } from '../src/testing.ts';

let db: Database;
let admin: postgres.Sql;
let a: TenantRef;
let b: TenantRef;

/** Runs SQL through psql as the application role; answers its exit code and what it printed. */
function psql(statement: string): { code: number | null; out: string } {
  const r = spawnSync(
    'psql',
    [inject('databaseUrl'), '-X', '-v', 'ON_ERROR_STOP=1', '-At', '-c', statement],
    {
      encoding: 'utf8',
    },
  );
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

async function pgError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { cause?: Error };
    return err.cause?.message ?? err.message;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  db = new Database({ url: inject('databaseUrl'), max: 4 });
  admin = postgres(inject('adminDatabaseUrl'), { max: 1, onnotice: () => {} });
  a = await createTestTenant(db, { name: 'Cabinet A' });
  b = await createTestTenant(db, { name: 'Cabinet B' });
  await db.withTenant(b, (tx) => insertSite(tx, { name: 'Site secret de B' }));
});

afterAll(async () => {
  await admin.end();
  await db.close();
});

describe('one PostgreSQL role per practice', () => {
  it("refuses another practice's table from a tenant transaction", async () => {
    const message = await pgError(
      db.withTenant(a, (tx) => tx.execute(sql.raw(`select name from "${b.schemaName}".sites`))),
    );
    expect(message).toMatch(/permission denied/);
    // Its own tables and the control plane stay reachable.
    await db.withTenant(a, async (tx) => {
      await insertSite(tx, { name: 'Site de A' });
      await recordAudit(tx, { actor: { type: 'system', id: 'test' }, action: 'test.roles' });
    });
  });

  it("runs each practice's transactions as its own role", async () => {
    const [row] = (await db.withTenant(a, (tx) =>
      tx.execute(sql`select current_user as "user", session_user as "session"`),
    )) as unknown as [{ user: string; session: string }];
    expect(row.user).toBe(`rayon_app_${a.schemaName}`);
    expect(row.session).toBe('rayon_app');
    // Back on the pool, the connection is the application role again.
    const [after] = (await db.platform((tx) =>
      tx.execute(sql`select current_user as "user"`),
    )) as unknown as [{ user: string }];
    expect(after.user).toBe('rayon_app');
  });

  it('gives the application role itself no tenant data, no ownership and no way to inherit', () => {
    const read = psql(`select name from "${b.schemaName}".sites`);
    expect(read.code).not.toBe(0);
    expect(read.out).toMatch(/permission denied for schema/);
    const owned = psql(`
      select (select count(*) from pg_class where relowner = r.oid)
           + (select count(*) from pg_namespace where nspowner = r.oid)
           + (select count(*) from pg_database where datdba = r.oid)
           + (select count(*) from pg_proc where proowner = r.oid)
      from pg_roles r where r.rolname = current_user`);
    expect(owned).toEqual({ code: 0, out: '0\n' });
    const createSchema = psql('create schema intruder');
    expect(createSchema.code).not.toBe(0);
    expect(createSchema.out).toMatch(/permission denied/);
  });

  it('keeps the platform tables the application needs', () => {
    expect(psql('select count(*) > 0 from platform.tenants')).toEqual({ code: 0, out: 't\n' });
    expect(psql('select count(*) from platform._migrations').out).toMatch(/permission denied/);
  });

  it('moves an installation made before the roles: the owner role takes everything over', async () => {
    // As it was: a database owned by the application role, which created the schemas itself.
    const name = `rayon_old_${Date.now().toString(36)}`;
    await admin.unsafe(`create database ${name} owner rayon_app`);
    const appUrl = new URL(inject('databaseUrl'));
    appUrl.pathname = `/${name}`;
    const old = postgres(appUrl.toString(), { max: 1, onnotice: () => {} });
    try {
      await old.unsafe('create schema platform; create table platform.tenants (id int)');
      await old.unsafe(
        "create schema t_old_practice; create table t_old_practice.sites (name text); insert into t_old_practice.sites values ('Site secret')",
      );
      const adminUrl = new URL(inject('adminDatabaseUrl'));
      adminUrl.pathname = `/${name}`;
      await prepareDatabase(adminUrl.toString(), 'rayon_app');
      const [owned] = await old<[{ n: number }]>`
        select ((select count(*) from pg_class where relowner = r.oid)
          + (select count(*) from pg_namespace where nspowner = r.oid)
          + (select count(*) from pg_database where datdba = r.oid))::int as n
        from pg_roles r where r.rolname = current_user`;
      expect(owned.n).toBe(0);
      expect(await pgError(old`select name from t_old_practice.sites`)).toMatch(/permission denied/);
    } finally {
      await old.end();
      await admin.unsafe(`drop database ${name} with (force)`);
    }
  });

  it('says what the catalogue shows when a practice role is refused', async () => {
    // A schema name whose role exists but was never granted to the application role.
    const ref = { ...a, schemaName: `t_refused_${Date.now().toString(36)}` };
    await admin.unsafe(`create role rayon_app_${ref.schemaName} nologin`);
    try {
      const error = await db
        .withTenant(ref, async () => 'entered')
        .catch((e: Error & { cause?: Error }) => `${e.message} ${e.cause?.message}`);
      expect(error).toMatch(/permission denied to set role/);
      expect(error).toMatch(/role exists true, may set it false/);
    } finally {
      await admin.unsafe(`drop role rayon_app_${ref.schemaName}`);
    }
  });

  it("drops the practice's role with its schema", async () => {
    const c = await createTestTenant(db);
    const role = `rayon_app_${c.schemaName}`;
    const roleExists = async () => (await admin`select 1 from pg_roles where rolname = ${role}`).length === 1;
    expect(await roleExists()).toBe(true);
    await deprovisionTenant(db, c.id, { actor: { type: 'system', id: 'test' } });
    expect(await roleExists()).toBe(false);
  });
});

describe('the audit trail', () => {
  it('is append-only for the application role', async () => {
    await db.withTenant(a, (tx) =>
      recordAudit(tx, { actor: { type: 'system', id: 'test' }, action: 'test.append-only' }),
    );
    for (const statement of [
      `update platform.audit_events set action = 'forged' where tenant_id = '${a.id}'`,
      `delete from platform.audit_events where tenant_id = '${a.id}'`,
      'truncate platform.audit_events',
    ]) {
      const r = psql(statement);
      expect(r.code, statement).not.toBe(0);
      expect(r.out, statement).toMatch(/permission denied/);
    }
  });

  it('refuses rewriting even to the owner role', () => {
    const r = psql(
      `set role rayon_app_owner; update platform.audit_events set action = 'forged' where tenant_id = '${a.id}'`,
    );
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/append-only: UPDATE refused/);
  });

  it("chains each practice's events, and the check finds a rewritten or removed one", async () => {
    const c = await createTestTenant(db);
    for (const action of ['one', 'two', 'three', 'four']) {
      await db.withTenant(c, (tx) =>
        recordAudit(tx, { actor: { type: 'user', id: 'u1' }, action: `test.${action}` }),
      );
    }
    const chainOf = async () =>
      (await db.platform((tx) => verifyAuditChains(tx))).find((x) => x.tenantId === c.id)!;
    // Provisioning wrote the first event of the chain.
    expect(await chainOf()).toEqual({ tenantId: c.id, events: 5 });
    const seqs = await admin<{ seq: string; prev: string | null; hash: string }[]>`
      select seq, prev_hash as prev, hash from platform.audit_events where tenant_id = ${c.id} order by seq`;
    expect(seqs.map((s) => Number(s.seq))).toEqual([1, 2, 3, 4, 5]);
    expect(seqs[0]!.prev).toBeNull();
    expect(seqs[2]!.prev).toBe(seqs[1]!.hash);

    // A superuser who goes around the triggers: the chain shows it.
    await admin.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update platform.audit_events set actor_id = 'someone-else' where tenant_id = ${c.id} and seq = 3`;
    });
    expect((await chainOf()).broken).toMatchObject({ seq: 3, reason: 'rewritten' });

    const d = await createTestTenant(db);
    for (const action of ['one', 'two']) {
      await db.withTenant(d, (tx) =>
        recordAudit(tx, { actor: { type: 'user', id: 'u1' }, action: `test.${action}` }),
      );
    }
    await admin.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`delete from platform.audit_events where tenant_id = ${d.id} and seq = 2`;
    });
    const chains = await db.platform((tx) => verifyAuditChains(tx));
    expect(chains.find((x) => x.tenantId === d.id)!.broken).toMatchObject({
      seq: 3,
      reason: 'missing-before',
    });
    // Other practices' chains are untouched.
    expect(chains.find((x) => x.tenantId === a.id)!.broken).toBeUndefined();

    // The check command says it too, and fails.
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'packages/db/scripts/audit-check.ts'], {
      cwd: join(import.meta.dirname, '../../..'),
      env: { ...process.env, RAYON_DATABASE_URL: inject('databaseUrl') },
      encoding: 'utf8',
    });
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain(`chain ${c.id}: BROKEN at event #3`);
    expect(cli.stdout).toContain(`chain ${d.id}: BROKEN at event #3`);
    expect(cli.stdout).toContain(`chain ${a.id}: `);
    expect(cli.stdout).toMatch(/summary: \d+ chains, [1-9]\d* broken/);
  });

  it('numbers concurrent events of one practice without gaps', async () => {
    const e = await createTestTenant(db);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.withTenant(e, (tx) =>
          recordAudit(tx, { actor: { type: 'system', id: 'test' }, action: `test.c${i}` }),
        ),
      ),
    );
    const chain = (await db.platform((tx) => verifyAuditChains(tx))).find((x) => x.tenantId === e.id)!;
    expect(chain).toEqual({ tenantId: e.id, events: 21 });
  });
});
