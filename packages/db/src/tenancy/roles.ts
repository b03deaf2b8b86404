/**
 * PostgreSQL roles of a Rayon database, defence in depth under `withTenant`:
 *
 * - the application role (LOGIN, NOINHERIT) owns nothing and holds only what it needs on the
 *   control plane (`platform` schema); it may SET ROLE to the roles below, never inherit them;
 * - `<app>_owner` (NOLOGIN, CREATEROLE) owns the database, the platform schema and every tenant
 *   schema: migrations and provisioning run as it (`set local role`);
 * - `<app>_tenants` (NOLOGIN): the control-plane rights a tenant transaction needs (its audit
 *   events, outbox rows, its tenant row…), inherited by every tenant role;
 * - `<app>_<schema>` (NOLOGIN), one per practice, granted only on its own schema: `withTenant`
 *   runs `set local role` to it, so from a tenant transaction another practice's tables answer
 *   "permission denied".
 *
 * Audit events are append-only for all of them: no UPDATE, DELETE nor TRUNCATE grant, and a
 * trigger refuses those to the owner too (migration platform/0003).
 */
import type postgres from 'postgres';

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

export const ownerRole = (appRole: string) => checked(`${appRole}_owner`);
export const tenantsRole = (appRole: string) => checked(`${appRole}_tenants`);
export const tenantRole = (appRole: string, schemaName: string) => checked(`${appRole}_${schemaName}`);

function checked(name: string): string {
  if (!IDENT.test(name)) throw new Error(`invalid PostgreSQL role name: ${name}`);
  return name;
}

type Sql = postgres.Sql | postgres.TransactionSql;

/** PostgreSQL 16 split membership into INHERIT and SET options; 15 has the role attribute only. */
async function membershipOptions(sql: Sql): Promise<string> {
  const [row] = await sql<{ v: number }[]>`select current_setting('server_version_num')::int as v`;
  return row!.v >= 160000 ? ' with inherit false, set true' : '';
}

/**
 * Creates the owner and tenants roles and hands the database over to the owner. Run by an
 * administrator (superuser or CREATEROLE) inside the database; idempotent, and it moves an
 * existing installation (where the application role owned everything) to this layout.
 */
export async function prepareRoles(admin: Sql, database: string, appRole: string): Promise<void> {
  const owner = ownerRole(appRole);
  const tenants = tenantsRole(appRole);
  const options = await membershipOptions(admin);
  for (const role of [owner, tenants]) {
    const [exists] = await admin`select 1 from pg_roles where rolname = ${role}`;
    if (!exists) await admin.unsafe(`create role ${role} nologin`);
  }
  await admin.unsafe(`alter role ${owner} nologin createrole`);
  await admin.unsafe(`alter role ${appRole} noinherit`);
  await admin.unsafe(`grant ${owner} to ${appRole}${options}`);
  await admin.unsafe(`grant ${tenants} to ${owner} with admin option`);
  // What the application role created before this layout now belongs to the owner.
  await admin.unsafe(`reassign owned by ${appRole} to ${owner}`);
  await admin.unsafe(`alter database ${database} owner to ${owner}`);
  await admin.unsafe(`grant connect, temporary on database ${database} to ${appRole}`);
  await admin.unsafe(`grant usage on schema extensions to ${owner}, ${tenants}`);
}

/**
 * The application's and the tenants' rights on the control plane, after each platform migration
 * (run as the owner). Audit events: read and append only.
 */
export async function grantPlatform(sql: Sql, appRole: string): Promise<void> {
  const grantees = `${appRole}, ${tenantsRole(appRole)}`;
  await sql.unsafe(`grant usage on schema platform to ${grantees}`);
  await sql.unsafe(`grant select, insert, update, delete on all tables in schema platform to ${grantees}`);
  await sql.unsafe(`grant usage, select on all sequences in schema platform to ${grantees}`);
  await sql.unsafe(`revoke update, delete, truncate on platform.audit_events from ${grantees}`);
  // The ledger of migrations is the owner's business.
  await sql.unsafe(`revoke all on platform._migrations from ${grantees}`);
}

/**
 * The practice's role, created when missing, in a short transaction of its own: granting a role
 * membership locks `pg_auth_members` until commit, which inside the long migration transactions
 * would make concurrent migrations wait for one another. Answers whether it was created.
 */
export async function ensureTenantRole(sql: Sql, appRole: string, schemaName: string): Promise<boolean> {
  const role = tenantRole(appRole, schemaName);
  const [exists] = await sql`select 1 from pg_roles where rolname = ${role}`;
  if (exists) return false;
  await sql.unsafe(`create role ${role} nologin`);
  await sql.unsafe(`grant ${tenantsRole(appRole)} to ${role}`);
  await sql.unsafe(`grant ${role} to ${appRole}${await membershipOptions(sql)}`);
  return true;
}

/**
 * The practice's rights on its own schema only; run as the owner after the schema's migrations,
 * so tables added by a migration are granted in the same transaction.
 */
export async function grantTenant(sql: Sql, appRole: string, schemaName: string): Promise<void> {
  const role = tenantRole(appRole, schemaName);
  await sql.unsafe(`grant usage on schema "${schemaName}" to ${role}`);
  await sql.unsafe(`grant select, insert, update, delete on all tables in schema "${schemaName}" to ${role}`);
  await sql.unsafe(`grant usage, select, update on all sequences in schema "${schemaName}" to ${role}`);
  await sql.unsafe(`revoke all on "${schemaName}"._migrations from ${role}`);
}
