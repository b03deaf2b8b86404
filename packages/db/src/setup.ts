import postgres from 'postgres';
import { prepareRoles } from './tenancy/roles.ts';

export interface SetupOptions {
  /** A superuser (or CREATEROLE + CREATEDB) connection, to the maintenance database. */
  adminUrl: string;
  database: string;
  appRole: string;
  appPassword: string;
}

// The application role names the roles derived from it (`<app>_owner`, `<app>_t_<slug>`…).
const ROLE = /^[a-z_][a-z0-9_]{0,19}$/;
const DATABASE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates the application role and database when missing. The role's default search_path
 * names no schema at all, so any query that did not go through `withTenant` (or name the
 * platform schema) fails with "relation does not exist" instead of reading someone's data.
 * The database and everything in it belong to `<app>_owner`, not to the application role
 * (tenancy/roles.ts).
 */
export async function setupDatabase(o: SetupOptions): Promise<void> {
  if (!DATABASE.test(o.database) || !ROLE.test(o.appRole)) throw new Error('invalid database or role name');
  const admin = postgres(o.adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [role] = await admin`select 1 from pg_roles where rolname = ${o.appRole}`;
    const password = o.appPassword.replaceAll("'", "''");
    if (!role) await admin.unsafe(`create role ${o.appRole} login password '${password}'`);
    else await admin.unsafe(`alter role ${o.appRole} login password '${password}'`);
    await admin.unsafe(`alter role ${o.appRole} set search_path to ''`);
    const [db] = await admin`select 1 from pg_database where datname = ${o.database}`;
    if (!db) await admin.unsafe(`create database ${o.database}`);
    await admin.unsafe(`revoke all on database ${o.database} from public`);
  } finally {
    await admin.end();
  }
  const url = new URL(o.adminUrl);
  url.pathname = `/${o.database}`;
  await prepareDatabase(url.toString(), o.appRole);
}

/** What every Rayon database needs, done as the administrator inside it. Idempotent. */
export async function prepareDatabase(adminDatabaseUrl: string, appRole: string): Promise<void> {
  if (!ROLE.test(appRole)) throw new Error('invalid role name');
  const owner = postgres(adminDatabaseUrl, { max: 1, onnotice: () => {} });
  try {
    // Nothing of ours lives in public; the app role must not be able to create there either.
    await owner.unsafe(`revoke create on schema public from public`);
    // btree_gist lets an exclusion constraint combine "same modality" (uuid =) with
    // "overlapping period" (range &&): no double booking, enforced by PostgreSQL.
    await owner.unsafe(`create schema if not exists extensions`);
    await owner.unsafe(`grant usage on schema extensions to ${appRole}`);
    await owner.unsafe(`create extension if not exists btree_gist with schema extensions`);
    const database = decodeURIComponent(new URL(adminDatabaseUrl).pathname.slice(1));
    if (!DATABASE.test(database)) throw new Error('invalid database name');
    await prepareRoles(owner, database, appRole);
  } finally {
    await owner.end();
  }
}
