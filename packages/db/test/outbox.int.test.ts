/**
 * The outbox wakes its relay from the insert itself (pg_notify in RETURNING): one notification
 * per committed transaction, however many messages it adds, and none for a rolled back one.
 * Notifications are heard database-wide, so this file has a database of its own: the other test
 * files' transactions notify theirs.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  Database,
  migratePlatform,
  setupDatabase,
  enqueueOutbox,
  enqueueOutboxMessages,
  markOutboxEnqueued,
  OUTBOX_CHANNEL,
} from '../src/index.ts';

let db: Database;
let heard = 0;
let unlisten: () => Promise<void>;

const database = `rayon_outbox_${randomBytes(4).toString('hex')}`;
const adminUrl = inject('adminDatabaseUrl');

beforeAll(async () => {
  const appPassword = randomBytes(12).toString('hex');
  await setupDatabase({ adminUrl, database, appRole: 'rayon_outbox_probe', appPassword });
  const url = new URL(adminUrl);
  Object.assign(url, { username: 'rayon_outbox_probe', password: appPassword, pathname: `/${database}` });
  db = new Database({ url: url.toString(), max: 4 });
  await migratePlatform(db);
  unlisten = await db.listen(OUTBOX_CHANNEL, () => heard++);
}, 60_000);
afterAll(async () => {
  await unlisten();
  await db.close();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${database} with (force)`);
  await admin.end();
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
