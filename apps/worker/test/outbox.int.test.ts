import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Database, enqueueOutbox, type OutboxTopic } from '@rayon/db';
import { createScratchDatabase } from '@rayon/db/testing';
import type { Job } from 'bullmq';
import pino from 'pino';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createJobsQueue, type JobData } from '../src/queue.ts';
import { startWorkerTier } from '../src/worker.ts';

const repoRoot = join(import.meta.dirname, '../../..');
let url: string;
let db: Database;
let sql: postgres.Sql;
const connection = () => ({ url: inject('redisUrl'), maxRetriesPerRequest: null });

beforeAll(async () => {
  url = await createScratchDatabase(inject('adminDatabaseUrl'), inject('databaseUrl'));
  db = new Database({ url, max: 4 });
  sql = postgres(url, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await sql.end();
  await db.close();
});

async function writeRows(n: number, topic: OutboxTopic): Promise<number[]> {
  return db.platform(async (tx) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(await enqueueOutbox(tx, { topic, tenantId: null, requestId: `req-${i}`, payload: { i } }));
    }
    return ids;
  });
}

/** Runs the worker tier with a handler that counts deliveries per outbox row, until `ids` are all seen. */
async function deliverAll(prefix: string, topic: OutboxTopic, ids: number[]) {
  const seen = new Map<number, number>();
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const tier = await startWorkerTier({
    db,
    connection: connection(),
    prefix,
    logger: pino({ level: 'silent' }),
    concurrency: 8,
    handlers: {
      [topic]: async (job: Job<JobData>) => {
        seen.set(job.data.outboxId, (seen.get(job.data.outboxId) ?? 0) + 1);
        if (ids.every((id) => seen.has(id))) done();
      },
    },
  });
  await Promise.race([
    all,
    new Promise((_, reject) => setTimeout(() => reject(new Error('not all delivered')), 30_000)),
  ]);
  // Leave time for a duplicate to show up, were there one.
  await new Promise((r) => setTimeout(r, 500));
  await tier.stop();
  return seen;
}

// Each test on its own topic (the outbox's own topics: a CHECK refuses any other); no job here
// reaches the worker's real handlers, the tier runs with the test's handler only.
describe('transactional outbox', () => {
  it('a row rolled back with its transaction is never delivered', async () => {
    await expect(
      db.platform(async (tx) => {
        await enqueueOutbox(tx, { topic: 'tenant.provision', payload: {} });
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    const [{ n }] = await sql<
      [{ n: number }]
    >`select count(*)::int as n from platform.outbox where topic = 'tenant.provision'`;
    expect(n).toBe(0);
  });

  it('rows committed while no relay runs are delivered exactly once when it starts, with their ids', async () => {
    const ids = await writeRows(300, 'report.documents');
    const seen = await deliverAll(`{t-${Date.now()}-a}`, 'report.documents', ids);
    expect(ids.filter((id) => seen.get(id) !== 1)).toEqual([]);
    const [{ n }] = await sql<
      [{ n: number }]
    >`select count(*)::int as n from platform.outbox where enqueued_at is null`;
    expect(n).toBe(0);
  });

  it('a relay killed between enqueue and commit: after restart every row is delivered exactly once', async () => {
    const prefix = `{t-${Date.now()}-b}`;
    const ids = await writeRows(250, 'delivery.send');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'apps/worker/test/fixtures/crashing-relay.ts'],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          TEST_DATABASE_URL: url,
          TEST_REDIS_URL: inject('redisUrl'),
          TEST_QUEUE_PREFIX: prefix,
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    const exit = await new Promise<string | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    expect(exit).toBe('SIGKILL');

    // The crash happened at the worst moment: jobs in Redis, rows still pending in PostgreSQL.
    const queue = createJobsQueue(connection(), prefix);
    expect((await queue.getJobCounts('waiting')).waiting).toBe(200);
    const [{ pending }] = await sql<[{ pending: number }]>`
      select count(*)::int as pending from platform.outbox where topic = 'delivery.send' and enqueued_at is null`;
    expect(pending).toBe(250);

    const seen = await deliverAll(prefix, 'delivery.send', ids);
    expect(ids.filter((id) => seen.get(id) !== 1)).toEqual([]);
    expect(seen.size).toBe(250);
    const counts = await queue.getJobCounts('completed', 'waiting', 'active', 'failed');
    expect(counts).toMatchObject({ completed: 250, waiting: 0, active: 0, failed: 0 });
    await queue.obliterate({ force: true });
    await queue.close();
  });
});
