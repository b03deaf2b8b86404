/** Each process boots on its env, and stops cleanly (exit 0) on SIGTERM. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const repoRoot = join(import.meta.dirname, '../../..');

function start(app: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`], {
    cwd: repoRoot,
    env: {
      ...process.env,
      RAYON_DATABASE_URL: inject('databaseUrl'),
      RAYON_REDIS_URL: inject('redisUrl'),
      RAYON_QUEUE_PREFIX: `{lifecycle-${Date.now()}}`,
      RAYON_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  const waitFor = async (text: string) => {
    // Up to 45 s (the test has 60): tsx compiles the process at boot, slow on a loaded 2-core machine.
    for (let i = 0; i < 450 && !output.includes(text); i++) await new Promise((r) => setTimeout(r, 100));
    if (!output.includes(text)) {
      child.kill('SIGKILL'); // never left running after a failed test
      throw new Error(`${app} never logged "${text}":\n${output}`);
    }
  };
  return { child, exited, waitFor, output: () => output };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('process lifecycle', () => {
  it('the worker stops cleanly on SIGTERM', async () => {
    const w = start('worker');
    await w.waitFor('worker started');
    w.child.kill('SIGTERM');
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(w.output()).toContain('worker stopped');
  });

  it('the gateway boots and stops cleanly on SIGTERM', async () => {
    const g = start('gateway', { RAYON_HL7_PORT: '0', RAYON_DICOM_PORT: '0' });
    await g.waitFor('gateway started');
    g.child.kill('SIGTERM');
    expect(await g.exited).toEqual({ code: 0, signal: null });
  });

  it('the API serves, then stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const a = start('api', { RAYON_API_PORT: String(port) });
    await a.waitFor('api listening');
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    a.child.kill('SIGTERM');
    expect(await a.exited).toEqual({ code: 0, signal: null });
  });

  it('a process with a bad configuration refuses to start and names the variable', async () => {
    const w = start('worker', { RAYON_REDIS_URL: 'not a url' });
    const { code } = await w.exited;
    expect(code).not.toBe(0);
    expect(w.output()).toContain('RAYON_REDIS_URL');
  });
});
