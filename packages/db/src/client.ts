import { sql } from 'drizzle-orm';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle, type PostgresJsDatabase, type PostgresJsTransaction } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as platformSchema from './schema/platform.ts';
import * as tenantSchema from './schema/tenant.ts';
import { ownerRole, tenantRole } from './tenancy/roles.ts';

const schema = { ...platformSchema, ...tenantSchema };
type Schema = typeof schema;
type Tx = PostgresJsTransaction<Schema, ExtractTablesWithRelations<Schema>>;

/** The tenant a unit of work runs for, as resolved from a session, an API key or a listener. */
export interface TenantRef {
  id: string;
  slug: string;
  schemaName: string;
}

declare const tenantBrand: unique symbol;
declare const platformBrand: unique symbol;
/** A transaction whose search_path is one tenant's schema. Repositories of tenant data take only this. */
export type TenantTx = Tx & { readonly [tenantBrand]: true; readonly tenant: TenantRef };
/** A transaction on the control plane (platform schema only; tenant tables are unreachable). */
export type PlatformTx = Tx & { readonly [platformBrand]: true };
/**
 * Control-plane tables are schema-qualified, so their repositories also run inside a tenant
 * transaction: a tenant change and its platform rows (audit, outbox) commit together.
 */
export type ControlTx = PlatformTx | TenantTx;

export interface DatabaseOptions {
  /** The application role's URL (its user name names the tenant roles: tenancy/roles.ts). */
  url: string;
  /** Pool size. */
  max?: number;
  /** Application name shown in pg_stat_activity. */
  applicationName?: string;
  /** Called with each statement sent (its SQL text, never its parameters): e.g. to count reads. */
  onQuery?: (query: string) => void;
}

export const TENANT_SCHEMA = /^t_[a-z0-9_]{3,40}$/;

/**
 * The one handle on PostgreSQL. The drizzle instance stays private: callers get units of work
 * through `withTenant` (tenant data) or `platform` (control plane), never a bare connection.
 * Statements are not prepared (safe behind PgBouncer in transaction mode).
 */
export class Database {
  readonly #client: postgres.Sql;
  readonly #db: PostgresJsDatabase<Schema>;
  readonly #appRole: string;

  constructor(options: DatabaseOptions) {
    this.#appRole = decodeURIComponent(new URL(options.url).username);
    this.#client = postgres(options.url, {
      max: options.max ?? 10,
      prepare: false,
      onnotice: () => {},
      connection: { application_name: options.applicationName ?? 'rayon' },
      ...(options.onQuery ? { debug: (_connection: number, query: string) => options.onQuery!(query) } : {}),
    });
    this.#db = drizzle(this.#client, { schema });
  }

  /**
   * Runs `fn` in a transaction whose first statement points the search_path at the tenant's
   * schema and becomes the tenant's own role (both transaction-local, so the pooled connection is
   * clean afterwards, and safe behind PgBouncer in transaction mode). The role is granted on that
   * schema only: another practice's tables answer "permission denied" (tenancy/roles.ts).
   */
  async withTenant<T>(tenant: TenantRef, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
    if (!TENANT_SCHEMA.test(tenant.schemaName))
      throw new Error(`invalid tenant schema name: ${tenant.schemaName}`);
    const role = tenantRole(this.#appRole, tenant.schemaName);
    const run = () =>
      this.#db.transaction(async (tx) => {
        await tx
          .execute(
            sql`select set_config('search_path', ${tenant.schemaName}, true), set_config('role', ${role}, true)`,
          )
          .catch((e: unknown) => {
            throw new RoleRefused(e);
          });
        return fn(Object.assign(tx, { tenant }) as unknown as TenantTx);
      });
    try {
      return await run();
    } catch (e) {
      if (!(e instanceof RoleRefused)) throw e;
      // `fn` never ran: after the heal below, the transaction is tried once more.
      if (await this.#healRoleRefusal(e, role)) return run().catch(RoleRefused.unwrap);
      throw e.cause;
    }
  }

  /**
   * "permission denied to set role" was seen right after practices were provisioned in parallel,
   * while another connection found the role granted (`pg_has_role` … 'SET' true): a pooled
   * server process kept a stale role-membership cache. When the grant is there, the role's
   * catalogue row is rewritten (ALTER ROLE … NOLOGIN, as the owner), which makes every server
   * process drop that cache, and the caller tries again. Otherwise the error says what the
   * catalogue shows (read on another connection). Answers whether to try again.
   */
  async #healRoleRefusal(e: RoleRefused, role: string): Promise<boolean> {
    if (!e.pgError) return false;
    try {
      const [row] = await this.#client<{ exists: boolean; canSet: boolean | null }[]>`
        select exists (select 1 from pg_roles where rolname = ${role}) as exists,
          (select pg_has_role(session_user, r.oid, 'SET') from pg_roles r where r.rolname = ${role}) as "canSet"`;
      if (row?.canSet) {
        await this.#client.begin(async (sql) => {
          await sql`select set_config('role', ${ownerRole(this.#appRole)}, true)`;
          await sql.unsafe(`alter role ${role} nologin`);
        });
        return true;
      }
      e.pgError.message += ` (seen again on another connection: role exists ${row?.exists}, may set it ${row?.canSet})`;
    } catch {
      // The explanation is best effort; the original error stands.
    }
    return false;
  }

  /** A control-plane transaction. The role's default search_path holds no tenant table. */
  async platform<T>(fn: (tx: PlatformTx) => Promise<T>): Promise<T> {
    return this.#db.transaction(async (tx) => fn(tx as unknown as PlatformTx));
  }

  /**
   * A transaction on the bare connection, for the tenancy machinery of this package only
   * (schema creation, migrations), told the application role (the session user) too. It is not
   * exported from the package index.
   */
  async tenancyTransaction<T>(fn: (sql: postgres.TransactionSql, appRole: string) => Promise<T>): Promise<T> {
    return (await this.#client.begin((sql) => fn(sql, this.#appRole))) as T;
  }

  /** LISTEN on a channel (used to wake the outbox relay). */
  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const sub = await this.#client.listen(channel, onNotify);
    return () => sub.unlisten();
  }

  async ping(): Promise<void> {
    await this.#client`select 1`;
  }

  async close(): Promise<void> {
    await this.#client.end({ timeout: 5 });
  }
}

/** The first statement of a tenant transaction failed: `cause` is what the server said. */
class RoleRefused extends Error {
  /** The server's "permission denied to set role" (drizzle wraps it), if that is what it was. */
  readonly pgError: (Error & { code: string }) | undefined;
  constructor(cause: unknown) {
    super('the tenant transaction could not start', { cause });
    this.pgError = [(cause as { cause?: unknown }).cause, cause].find(
      (x): x is Error & { code: string } => (x as { code?: string } | undefined)?.code === '42501',
    );
  }
  static unwrap(e: unknown): never {
    throw e instanceof RoleRefused ? e.cause : e;
  }
}
