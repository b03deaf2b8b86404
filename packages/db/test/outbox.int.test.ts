/**
 * The outbox wakes its relay from the insert itself (pg_notify in RETURNING): one notification
 * per committed transaction, however many messages it adds, and none for a rolled back one.
 * Notifications are heard database-wide, so this file has a database of its own: the other test
 * files' transactions notify theirs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  Database,
  enqueueOutbox,
  enqueueOutboxMessages,
  markOutboxEnqueued,
  OUTBOX_CHANNEL,
} from '../src/index.ts';
import { createScratchDatabase } from '../src/testing.ts';

let db: Database;
let heard = 0;
let unlisten: () => Promise<void>;

beforeAll(async () => {
  const url = await createScratchDatabase(inject('adminDatabaseUrl'), inject('databaseUrl'));
  db = new Database({ url, max: 4 });
  unlisten = await db.listen(OUTBOX_CHANNEL, () => heard++);
}, 60_000);
afterAll(async () => {
  await unlisten();
  await db.close();
});

/** Notifications heard once the transaction's outcome has had time to arrive. */
async function heardAfter(work: () => Promise<unknown>): Promise<number> {
  await sleep(100);
  const before = heard;
  await work().catch(() => {});
  // A committed transaction's notification arrives within milliseconds; wait for a second one too.
  for (let i = 0; i < 20 && heard === before; i++) await sleep(25);
  await sleep(200);
  return heard - before;
}

describe('outbox wake-up', () => {
  it('one notification for a committed transaction of several messages', async () => {
    const n = await heardAfter(() =>
      db.platform(async (tx) => {
        const first = await enqueueOutbox(tx, { topic: 'tenant.provision', payload: { test: 1 } });
        const more = await enqueueOutboxMessages(tx, [
          { topic: 'tenant.provision', payload: { test: 2 } },
          { topic: 'tenant.provision', payload: { test: 3 } },
        ]);
        await markOutboxEnqueued(tx, [first, ...more]);
      }),
    );
    expect(n).toBe(1);
  });

  it('none for a transaction rolled back after adding messages', async () => {
    const n = await heardAfter(() =>
      db.platform(async (tx) => {
        await enqueueOutboxMessages(tx, [{ topic: 'tenant.provision', payload: { test: 4 } }]);
        throw new Error('rolled back');
      }),
    );
    expect(n).toBe(0);
  });

  it('nothing to add: no statement, no notification', async () => {
    expect(await heardAfter(() => db.platform((tx) => enqueueOutboxMessages(tx, [])))).toBe(0);
  });
});
