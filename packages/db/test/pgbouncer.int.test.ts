/**
 * `withTenant` behind PgBouncer in transaction mode, as production may run it: the search_path
 * and the practice's role are transaction-local, so the one server connection PgBouncer shares
 * between every client below comes back to the application role after each transaction.
 * Needs Debian's pgbouncer (`.ci/run` and `infra/scripts/bootstrap.sh` install it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { Database, insertSite, listSites, type TenantRef } from '../src/index.ts';
import { createTestTenant, until } from '../src/testing.ts';

let bouncer: ChildProcess;
let direct: Database;
let pooled: Database;
let a: TenantRef;
let b: TenantRef;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  const which = spawnSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' });
  if (which.status !== 0) throw new Error('pgbouncer is not installed: apt-get install pgbouncer');
  const app = new URL(inject('databaseUrl'));
  const dir = mkdtempSync(join(tmpdir(), 'rayon-pgbouncer-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  writeFileSync(join(dir, 'users.txt'), `"${app.username}" "${decodeURIComponent(app.password)}"\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `${app.pathname.slice(1)} = host=${app.hostname} port=${app.port} dbname=${app.pathname.slice(1)}`,
      '[pgbouncer]',
      `listen_addr = 127.0.0.1`,
      `listen_port = ${port}`,
      `unix_socket_dir =`,
      `auth_type = trust`,
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      // One server connection for every client: each transaction reuses the previous one's.
      'default_pool_size = 1',
      'max_client_conn = 20',
      'ignore_startup_parameters = application_name',
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root; the postgres system user runs it then.
  const asRoot = process.getuid?.() === 0;
  bouncer = spawn('pgbouncer', [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], {
    stdio: 'ignore',
  });
  const url = new URL(app);
  url.port = String(port);
  direct = new Database({ url: app.toString(), max: 2 });
  pooled = new Database({ url: url.toString(), max: 6 });
  await until(
    () =>
      pooled.ping().then(
        () => true,
        () => false,
      ),
    (ok) => ok,
    'pgbouncer to accept connections',
  );
  a = await createTestTenant(direct, { name: 'Cabinet A' });
  b = await createTestTenant(direct, { name: 'Cabinet B' });
  await direct.withTenant(a, (tx) => insertSite(tx, { name: 'Site de A' }));
  await direct.withTenant(b, (tx) => insertSite(tx, { name: 'Site de B' }));
});

afterAll(async () => {
  await pooled?.close();
  await direct?.close();
  bouncer?.kill('SIGTERM');
});

it('keeps each practice in its role and schema, and the shared connection clean after each transaction', async () => {
  const whoAmI = (rows: unknown) => (rows as [{ role: string; path: string; pid: number }])[0];
  const probe = sql`select current_user as role, current_setting('search_path') as path, pg_backend_pid() as pid`;
  const results = await Promise.all(
    Array.from({ length: 60 }, async (_, i) => {
      const kind = i % 3;
      if (kind === 2) return { kind, ...whoAmI(await pooled.platform((tx) => tx.execute(probe))) };
      const tenant = kind === 0 ? a : b;
      return pooled.withTenant(tenant, async (tx) => {
        const me = whoAmI(await tx.execute(probe));
        const sites = await listSites(tx);
        return { kind, ...me, sites: sites.map((s) => s.name) };
      });
    }),
  );
  // Every transaction went through the one server connection.
  expect(new Set(results.map((r) => r.pid)).size).toBe(1);
  for (const r of results) {
    if (r.kind === 2) expect(r).toMatchObject({ role: 'rayon_app', path: '""' });
    else {
      const tenant = r.kind === 0 ? a : b;
      expect(r).toMatchObject({
        role: `rayon_app_${tenant.schemaName}`,
        path: tenant.schemaName,
        sites: [r.kind === 0 ? 'Site de A' : 'Site de B'],
      });
    }
  }
  // And from a practice's transaction on that shared connection, the other's tables stay closed.
  const refused = await pooled
    .withTenant(a, (tx) => tx.execute(sql.raw(`select * from "${b.schemaName}".sites`)))
    .then(
      () => 'read',
      (e: Error & { cause?: Error }) => e.cause?.message ?? e.message,
    );
  expect(refused).toMatch(/permission denied/);
});
