/**
 * The inbound pipeline's contracts, straight on PostgreSQL: one transaction per message (raw,
 * effects and ACK stored together), the stored ACK answered to a message sent again (also
 * concurrently), and nothing lost when the transaction fails for a reason other than the content.
 */
import {
  Database,
  findHl7MessageByKey,
  findPatientByIdentifier,
  listIdentityEvents,
  type TenantRef,
  type TenantTx,
} from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createInbound } from '../src/index.ts';

let db: Database;
let tenant: TenantRef;
const statements: string[] = [];

let control = 0;
function a28(ipp: string, o: { birth?: string } = {}) {
  const id = `IN${Date.now()}${control++}`;
  const text =
    `MSH|^~\\&|GAM|CHU-IN|RAYON|RADIO|20261121101010||ADT^A28^ADT_A05|${id}|P|2.5^FRA^2.11|||||FRA|UNICODE UTF-8\r` +
    `EVN||20261121101010\r` +
    `PID|1||${ipp}^^^IN-TEST&1.2.250.1.999.7&ISO^PI||NOËL^Gwénaëlle^Gwénaëlle^^^^L||${o.birth ?? '19840229'}|F|||||||||||||||||||||||||PROV\r`;
  return { id, raw: Buffer.from(text) };
}

const key = (controlId: string) => ({ sendingApplication: 'GAM', sendingFacility: 'CHU-IN', controlId });
const stored = (controlId: string) => db.withTenant(tenant, (tx) => findHl7MessageByKey(tx, key(controlId)));
const patient = (ipp: string) => db.withTenant(tenant, (tx) => findPatientByIdentifier(tx, 'IN-TEST', ipp));

/** The real database, whose tenant transactions fail once after their work (as a lost connection would). */
function failingOnce(): Database {
  let armed = true;
  return {
    withTenant: (t: TenantRef, fn: (tx: TenantTx) => Promise<unknown>) => {
      if (!armed) return db.withTenant(t, fn);
      armed = false;
      return db.withTenant(t, async (tx) => {
        await fn(tx);
        throw new Error('connection lost');
      });
    },
  } as unknown as Database;
}

beforeAll(async () => {
  db = new Database({ url: inject('databaseUrl'), max: 4, onQuery: (q) => statements.push(q) });
  tenant = await createTestTenant(db);
});
afterAll(async () => {
  await db.close();
});

describe('inbound HL7 pipeline', () => {
  it('applies a message, stores its raw bytes and its ACK in one transaction', async () => {
    const m = a28('ONE-1');
    statements.length = 0;
    const result = await createInbound({ db }).receive(tenant, m.raw);
    expect(result.status).toBe('processed');
    expect(statements.filter((s) => /^begin/i.test(s))).toHaveLength(1);
    expect(statements.filter((s) => /^commit/i.test(s))).toHaveLength(1);
    const row = (await stored(m.id))!;
    expect(row).toMatchObject({ status: 'processed', attempts: 1, id: result.messageId });
    expect(row.raw.equals(m.raw)).toBe(true);
    expect(row.ack!.equals(result.ack)).toBe(true);
    expect(row.patientId).toBe((await patient('ONE-1'))!.id);
    expect(result.ack.toString()).toContain(`MSA|AA|${m.id}`);
  });

  it('the same message delivered twice at once is applied once; both get the stored ACK', async () => {
    const m = a28('TWICE-1');
    const inbound = createInbound({ db });
    const results = await Promise.all([inbound.receive(tenant, m.raw), inbound.receive(tenant, m.raw)]);
    expect(results.map((r) => r.status).sort()).toEqual(['duplicate', 'processed']);
    expect(results[0]!.ack.equals(results[1]!.ack)).toBe(true);
    const p = (await patient('TWICE-1'))!;
    expect(await db.withTenant(tenant, (tx) => listIdentityEvents(tx, p.id))).toHaveLength(1);
  });

  it('a content fault is stored with its AE and answered the same when sent again', async () => {
    const m = a28('BAD-DATE-1', { birth: '19790231' });
    const inbound = createInbound({ db });
    const first = await inbound.receive(tenant, m.raw);
    expect(first.status).toBe('failed');
    expect(first.ack.toString()).toMatch(new RegExp(`MSA\\|AE\\|${m.id}`));
    expect(await stored(m.id)).toMatchObject({
      status: 'failed',
      errorLocation: expect.stringMatching(/^PID-7/),
    });
    expect(await patient('BAD-DATE-1')).toBeUndefined();
    const again = await inbound.receive(tenant, m.raw);
    expect(again.status).toBe('duplicate');
    expect(again.ack.equals(first.ack)).toBe(true);
  });

  it('messages arriving together share a transaction; a failing one undoes none of the others', async () => {
    const inbound = createInbound({ db });
    const good = Array.from({ length: 12 }, (_, i) => a28(`GROUP-${i}`));
    const bad = a28('GROUP-BAD', { birth: '19790231' });
    const messages = [...good.slice(0, 6), bad, good[2]!, ...good.slice(6)];
    statements.length = 0;
    const results = await Promise.all(messages.map((m) => inbound.receive(tenant, m.raw)));
    results.forEach((r, i) =>
      expect(r.ack.toString()).toMatch(new RegExp(`MSA\\|A[AE]\\|${messages[i]!.id}[|\r]`)),
    );
    expect(results.map((r) => r.status)).toEqual([
      ...Array(6).fill('processed'),
      'failed',
      'duplicate',
      ...Array(6).fill('processed'),
    ]);
    expect(results[7]!.ack.equals(results[2]!.ack)).toBe(true);
    for (const [i, m] of good.entries()) {
      expect(await stored(m.id), m.id).toMatchObject({ status: 'processed' });
      expect(await patient(`GROUP-${i}`)).toBeDefined();
    }
    expect(await patient('GROUP-BAD')).toBeUndefined();
    expect(await stored(bad.id)).toMatchObject({ status: 'failed' });

    // Without a failure, the first two messages start a transaction each (two at a time per
    // practice), and the eight waiting while those ran commit together.
    const more = Array.from({ length: 10 }, (_, i) => a28(`GROUP2-${i}`));
    statements.length = 0;
    const after = await Promise.all(more.map((m) => inbound.receive(tenant, m.raw)));
    expect(after.every((r) => r.status === 'processed')).toBe(true);
    expect(statements.filter((s) => /^commit/i.test(s))).toHaveLength(3);
  });

  it('a transaction failing for another reason: nothing applied, the raw kept, no ACK; the resend is processed', async () => {
    const m = a28('LOST-1');
    await expect(createInbound({ db: failingOnce() }).receive(tenant, m.raw)).rejects.toThrow(
      'connection lost',
    );
    expect(await patient('LOST-1')).toBeUndefined();
    const kept = (await stored(m.id))!;
    expect(kept.status).toBe('received');
    expect(kept.raw.equals(m.raw)).toBe(true);

    const resent = await createInbound({ db }).receive(tenant, m.raw);
    expect(resent).toMatchObject({ status: 'processed', messageId: kept.id });
    expect(resent.ack.toString()).toContain(`MSA|AA|${m.id}`);
    expect(await patient('LOST-1')).toBeDefined();
  });

  it('when the database does not answer at all, the error propagates and nothing is half-written', async () => {
    const m = a28('DOWN-1');
    const down = {
      withTenant: () => Promise.reject(new Error('database down')),
    } as unknown as Database;
    await expect(createInbound({ db: down }).receive(tenant, m.raw)).rejects.toThrow('database down');
    expect(await stored(m.id)).toBeUndefined();
  });
});
