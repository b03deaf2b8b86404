/**
 * A job whose payload does not have its topic's shape is refused by name: it fails at its first
 * attempt (no retry, nothing done), its reason naming the job and the malformed field.
 */
import { Database, enqueueOutbox } from '@rayon/db';
import { createScratchDatabase, until } from '@rayon/db/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { outboxJobId } from '../src/outbox/relay.ts';
import { defaultHandlers } from '../src/processor.ts';
import { startWorkerTier } from '../src/worker.ts';

const silent = pino({ level: 'silent' });
let db: Database;
let tier: Awaited<ReturnType<typeof startWorkerTier>>;

beforeAll(async () => {
  const url = await createScratchDatabase(inject('adminDatabaseUrl'), inject('databaseUrl'));
  db = new Database({ url, max: 4 });
  tier = await startWorkerTier({
    db,
    connection: { url: inject('redisUrl'), maxRetriesPerRequest: null },
    prefix: `{payloads-${Date.now()}}`,
    logger: silent,
    handlers: defaultHandlers(db, { secretsKey: Buffer.alloc(32), insi: undefined }, silent),
  });
});
afterAll(async () => {
  await tier.queue.obliterate({ force: true });
  await tier.stop();
  await db.close();
});

describe('job payloads', () => {
  it('a malformed payload is refused by name at the first attempt, and not retried', async () => {
    const [send, documents] = await db.platform(async (tx) => [
      await enqueueOutbox(tx, { topic: 'delivery.send', tenantId: null, payload: { deliveryId: 42 } }),
      await enqueueOutbox(tx, { topic: 'report.documents', tenantId: null, payload: { reportId: 'r' } }),
    ]);
    for (const [id, field] of [
      [send!, 'deliveryId'],
      [documents!, 'versionId'],
    ] as const) {
      const job = await until(
        () => tier.queue.getJob(outboxJobId(id)),
        (j) => j?.finishedOn !== undefined,
      );
      expect(await job!.getState()).toBe('failed');
      expect(job!.attemptsMade).toBe(1);
      expect(job!.failedReason).toMatch(
        new RegExp(
          `^job ${job!.name.replace('.', '\\.')} \\(outbox-${id}\\): payload is malformed: ${field}: `,
        ),
      );
    }
  });
});
