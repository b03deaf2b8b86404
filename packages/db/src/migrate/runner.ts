import type postgres from 'postgres';
import type { Database, TenantRef } from '../client.ts';
import { platformMigrationsDir, readMigrations, tenantMigrationsDir, type Migration } from './files.ts';
import { ensureTenantRole, grantPlatform, grantTenant, ownerRole, tenantRole } from '../tenancy/roles.ts';

const LEDGER = `create table if not exists _migrations (
  tag text primary key, hash text not null, applied_at timestamptz not null default now())`;

/**
 * Applies the pending migrations inside one schema, in the caller's transaction, with the
 * ledger kept in that schema. An advisory lock serialises concurrent runners on the same schema.
 */
async function applyInSchema(sql: postgres.TransactionSql, schemaName: string, migrations: Migration[]) {
  const [{ ledger }] = await sql<[{ ledger: string | null }]>`
    select pg_advisory_xact_lock(hashtext(${'rayon.migrate.' + schemaName})),
           to_regclass(format('%I._migrations', ${schemaName}::text))::text as ledger`;
  await sql`select set_config('search_path', ${schemaName}, true)`;
  if (ledger === null) await sql.unsafe(LEDGER);
  const rows =
    ledger === null ? [] : await sql<{ tag: string; hash: string }[]>`select tag, hash from _migrations`;
  const done = new Map(rows.map((r) => [r.tag, r.hash]));
  const applied: string[] = [];
  for (const m of migrations) {
    const hash = done.get(m.tag);
    if (hash !== undefined) {
      if (hash !== m.hash)
        throw new Error(`migration ${m.tag} was changed after it was applied in ${schemaName}`);
      continue;
    }
    for (const statement of m.statements) await sql.unsafe(statement);
    await sql`insert into _migrations (tag, hash) values (${m.tag}, ${m.hash})`;
    applied.push(m.tag);
  }
  return applied;
}

/**
 * Whether the practice's role holds what grantTenant gives it: usage of the schema, read and
 * write on every table and view, use of every sequence, nothing on the ledger. A migration that
 * adds none of these (a constraint, a column, an index) needs no grant: it is checked here in one
 * statement instead of granted again in four.
 */
async function tenantGranted(
  sql: postgres.TransactionSql,
  role: string,
  schemaName: string,
): Promise<boolean> {
  const [{ granted }] = await sql<[{ granted: boolean }]>`
    select has_schema_privilege(${role}, ${schemaName}, 'USAGE')
       and not exists (
         select 1 from pg_class c
          where c.relnamespace = ${schemaName}::regnamespace
            and case
                  when c.relname = '_migrations' then has_table_privilege(${role}, c.oid, 'SELECT, INSERT, UPDATE, DELETE')
                  when c.relkind in ('r', 'p', 'v', 'f') then not (
                    has_table_privilege(${role}, c.oid, 'SELECT') and has_table_privilege(${role}, c.oid, 'INSERT')
                    and has_table_privilege(${role}, c.oid, 'UPDATE') and has_table_privilege(${role}, c.oid, 'DELETE'))
                  when c.relkind = 'S' then not (
                    has_sequence_privilege(${role}, c.oid, 'USAGE') and has_sequence_privilege(${role}, c.oid, 'SELECT')
                    and has_sequence_privilege(${role}, c.oid, 'UPDATE'))
                  else false
                end) as granted`;
  return granted;
}

/**
 * Makes the rest of the transaction run as the database's owner role (tenancy/roles.ts), so what
 * migrations create belongs to it and not to the application role. Returns the application role.
 */
async function asOwner(sql: postgres.TransactionSql): Promise<string> {
  const [{ appRole }] = await sql<[{ appRole: string }]>`select session_user as "appRole"`;
  await sql`select set_config('role', ${ownerRole(appRole)}, true)`;
  return appRole;
}

export async function migratePlatform(db: Database): Promise<string[]> {
  const migrations = readMigrations(platformMigrationsDir);
  return db.tenancyTransaction(async (sql) => {
    const appRole = await asOwner(sql);
    await sql`create schema if not exists platform`;
    const applied = await applyInSchema(sql, 'platform', migrations);
    await grantPlatform(sql, appRole);
    return applied;
  });
}

/**
 * Migrates one tenant schema in a single transaction, and keeps the practice's role and its
 * grants on the schema in step (tables a migration adds are granted in the same transaction).
 * The role, when missing, is created before in a short transaction of its own. Only provisioning
 * creates the schema.
 */
export async function migrateTenant(
  db: Database,
  tenant: Pick<TenantRef, 'schemaName'>,
  o: { provisioning?: boolean; migrations?: Migration[] } = {},
): Promise<string[] | 'skipped'> {
  const migrations = o.migrations ?? readMigrations(tenantMigrationsDir);
  const expected = o.provisioning ? 'provisioning' : 'active';
  /** The tenant's status (share-locked when asked) and whether the practice's role exists. */
  const stateOf = async (sql: postgres.TransactionSql, appRole: string, lock: boolean) => {
    const [row] = await sql<{ status: string; roleExists: boolean }[]>`
      select status, exists (select 1 from pg_roles where rolname = ${tenantRole(appRole, tenant.schemaName)}) as "roleExists"
        from platform.tenants where schema_name = ${tenant.schemaName} ${lock ? sql`for share` : sql``}`;
    return row;
  };
  // An existing practice: one transaction. The tenant row is share-locked and must be in the
  // expected status, so a concurrent deprovisioning waits, or wins and is skipped here.
  const migrate = () =>
    db.tenancyTransaction(async (sql, appRole): Promise<string[] | 'skipped' | 'no-role'> => {
      const state = await stateOf(sql, appRole, true);
      if (state?.status !== expected) return 'skipped';
      if (!state.roleExists) return 'no-role';
      await sql`select set_config('role', ${ownerRole(appRole)}, true)`;
      if (o.provisioning) await sql.unsafe(`create schema if not exists "${tenant.schemaName}"`);
      const applied = await applyInSchema(sql, tenant.schemaName, migrations);
      if (!(await tenantGranted(sql, tenantRole(appRole, tenant.schemaName), tenant.schemaName))) {
        await grantTenant(sql, appRole, tenant.schemaName);
      }
      return applied;
    });
  const first = await migrate();
  if (first !== 'no-role') return first;
  // No role yet (provisioning): the practice's role first, committed at once
  // (tenancy/roles.ts: ensureTenantRole), then the migrations in a transaction of their own.
  const ready = await db.tenancyTransaction(async (sql, appRole) => {
    if ((await stateOf(sql, appRole, false))?.status !== expected) return false;
    await ensureTenantRole(sql, await asOwner(sql), tenant.schemaName);
    return true;
  });
  if (!ready) return 'skipped';
  const second = await migrate();
  if (second === 'no-role') throw new Error(`the role of ${tenant.schemaName} vanished while migrating it`);
  return second;
}

export interface TenantMigrationResult {
  slug: string;
  schemaName: string;
  outcome: 'migrated' | 'up-to-date' | 'skipped' | 'failed';
  applied: string[];
  error?: string;
  ms: number;
}

export interface MigrateAllOptions {
  /** Tenants migrated at once (each in its own transaction). */
  concurrency?: number;
  /** Limit the run to the tenants whose slug starts with this (default: every active tenant). */
  slugPrefix?: string;
  onResult?: (result: TenantMigrationResult) => void;
  /**
   * The last migration to apply (its tag); default: every one. Stages a release, e.g. tenants
   * brought to the previous version, then the release's migration timed on its own.
   */
  until?: string;
}

function migrationsUntil(until: string | undefined): Migration[] {
  const migrations = readMigrations(tenantMigrationsDir);
  if (until === undefined) return migrations;
  const last = migrations.findIndex((m) => m.tag === until);
  if (last < 0) throw new Error(`no tenant migration is tagged ${until}`);
  return migrations.slice(0, last + 1);
}

/**
 * Migrates every active tenant: one transaction per tenant, bounded concurrency, idempotent
 * (a second run applies nothing) and resumable (a run killed halfway leaves each tenant either
 * fully migrated or untouched, and the next run finishes the rest). One tenant's failure is
 * reported and does not stop the others.
 */
export async function migrateAllTenants(db: Database, options: MigrateAllOptions = {}) {
  const migrations = migrationsUntil(options.until);
  const tenants = await db.tenancyTransaction(
    (sql) => sql<{ slug: string; schemaName: string }[]>`
      select slug, schema_name as "schemaName" from platform.tenants
      where status = 'active' and starts_with(slug, ${options.slugPrefix ?? ''})
      order by slug`,
  );
  const results: TenantMigrationResult[] = [];
  let next = 0;
  const workers = Array.from(
    { length: Math.max(1, Math.min(options.concurrency ?? 8, tenants.length)) },
    async () => {
      while (next < tenants.length) {
        const tenant = tenants[next++]!;
        const started = performance.now();
        let result: TenantMigrationResult;
        try {
          const applied = await migrateTenant(db, tenant, { migrations });
          result =
            applied === 'skipped'
              ? { ...tenant, outcome: 'skipped', applied: [], ms: 0 }
              : { ...tenant, outcome: applied.length ? 'migrated' : 'up-to-date', applied, ms: 0 };
        } catch (e) {
          result = { ...tenant, outcome: 'failed', applied: [], error: (e as Error).message, ms: 0 };
        }
        result.ms = Math.round(performance.now() - started);
        results.push(result);
        options.onResult?.(result);
      }
    },
  );
  await Promise.all(workers);
  return results.sort((a, b) => a.slug.localeCompare(b.slug));
}
