/**
 * Final statuses of orders and exams: the repositories refuse to leave them (the domain's rule,
 * CONFLICT), and the database refuses it too (migration 0011's trigger, check_violation) when a
 * statement bypasses the repositories.
 */
import { sql } from 'drizzle-orm';
import { patientWithOrder } from './support/patients.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  Database,
  findExam,
  findOrder,
  setExamStatus,
  setOrderStatus,
  updateOrder,
  type TenantRef,
} from '../src/index.ts';
import { createTestTenant } from '../src/testing.ts';

let db: Database;
let t: TenantRef;

/** The PostgreSQL error under drizzle's wrapper. */
async function pgError(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { cause?: Error & { code?: string } };
    return { code: err.cause?.code, message: err.cause?.message ?? err.message };
  }
  throw new Error('expected a failure');
}

const order = (status: 'requested' | 'scheduled' = 'requested') =>
  db.withTenant(t, (tx) => patientWithOrder(tx, { status }));

beforeAll(async () => {
  db = new Database({ url: inject('databaseUrl'), max: 4 });
  t = await createTestTenant(db);
});
afterAll(() => db.close());

describe('final statuses of orders and exams', () => {
  it('the repositories refuse to move an order or an exam out of a final status (CONFLICT), and change nothing', async () => {
    for (const final of ['completed', 'cancelled'] as const) {
      const o = await order();
      await db.withTenant(t, (tx) => setOrderStatus(tx, o.id, final));
      for (const next of [
        'requested',
        'scheduled',
        final === 'completed' ? 'cancelled' : 'completed',
      ] as const) {
        await expect(db.withTenant(t, (tx) => setOrderStatus(tx, o.id, next))).rejects.toMatchObject({
          code: 'CONFLICT',
          message: `an order cannot go from ${final} to ${next}`,
        });
        await expect(db.withTenant(t, (tx) => updateOrder(tx, o.id, { status: next }))).rejects.toMatchObject(
          {
            code: 'CONFLICT',
          },
        );
      }
      // Staying there is no move.
      await db.withTenant(t, (tx) => setOrderStatus(tx, o.id, final));
      expect((await db.withTenant(t, (tx) => findOrder(tx, o.id)))!.status).toBe(final);
    }
    for (const final of ['completed', 'discontinued', 'cancelled'] as const) {
      const o = await order('scheduled');
      const examId = o.exams[0]!.id;
      await db.withTenant(t, (tx) => setExamStatus(tx, examId, final));
      for (const next of ['requested', 'scheduled', 'in_progress', 'no_show'] as const) {
        await expect(db.withTenant(t, (tx) => setExamStatus(tx, examId, next))).rejects.toMatchObject({
          code: 'CONFLICT',
          message: `an exam cannot go from ${final} to ${next}`,
        });
      }
      expect((await db.withTenant(t, (tx) => findExam(tx, examId)))!.status).toBe(final);
    }
  });

  it('the database itself refuses it when a statement bypasses the repositories (check_violation)', async () => {
    const o = await order();
    await db.withTenant(t, async (tx) => {
      await setExamStatus(tx, o.exams[0]!.id, 'cancelled');
      await setOrderStatus(tx, o.id, 'cancelled');
    });
    const orderUpdate = await pgError(
      db.withTenant(t, (tx) => tx.execute(sql`update orders set status = 'completed' where id = ${o.id}`)),
    );
    expect(orderUpdate.code).toBe('23514');
    expect(orderUpdate.message).toMatch(/final status: orders .* cannot go from cancelled to completed/);
    const examUpdate = await pgError(
      db.withTenant(t, (tx) =>
        tx.execute(sql`update exams set status = 'scheduled' where id = ${o.exams[0]!.id}`),
      ),
    );
    expect(examUpdate.code).toBe('23514');
    expect(examUpdate.message).toMatch(/final status: exams .* cannot go from cancelled to scheduled/);
    expect((await db.withTenant(t, (tx) => findOrder(tx, o.id)))!.status).toBe('cancelled');
    expect((await db.withTenant(t, (tx) => findExam(tx, o.exams[0]!.id)))!.status).toBe('cancelled');
    // A non-final status still changes freely, and a final one may be written again.
    const open = await order();
    await db.withTenant(t, (tx) =>
      tx.execute(sql`update orders set status = 'scheduled' where id = ${open.id}`),
    );
    await db.withTenant(t, (tx) =>
      tx.execute(sql`update orders set status = 'cancelled' where id = ${open.id}`),
    );
    await db.withTenant(t, (tx) =>
      tx.execute(sql`update orders set status = 'cancelled' where id = ${open.id}`),
    );
  });
});
