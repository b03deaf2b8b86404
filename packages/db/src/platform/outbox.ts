import { and, asc, inArray, isNull, sql } from 'drizzle-orm';
import { outbox, type OutboxTopic } from '../schema/platform.ts';
import type { ControlTx } from '../client.ts';

export type { OutboxTopic } from '../schema/platform.ts';

export const OUTBOX_CHANNEL = 'rayon_outbox';

export interface OutboxMessage {
  topic: OutboxTopic;
  payload: Record<string, unknown>;
  tenantId?: string | null;
  requestId?: string | null;
}

/** The transactions that have asked already to wake the relay on commit: once is enough. */
const notifying = new WeakSet<object>();

/**
 * Adds a message to the outbox in the caller's transaction and wakes the relay on commit (one
 * notification per transaction, however many messages; the relay also polls every second).
 */
export async function enqueueOutbox(tx: ControlTx, m: OutboxMessage): Promise<number> {
  const [row] = await tx
    .insert(outbox)
    .values({
      topic: m.topic,
      payload: m.payload,
      tenantId: m.tenantId ?? ('tenant' in tx ? tx.tenant.id : null),
      requestId: m.requestId ?? null,
    })
    .returning({ id: outbox.id });
  if (!notifying.has(tx)) {
    notifying.add(tx);
    await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
  }
  return row!.id;
}

/** Locks up to `limit` committed, not yet enqueued rows (other relays skip them). */
export async function claimPendingOutbox(tx: ControlTx, limit: number) {
  return tx
    .select()
    .from(outbox)
    .where(isNull(outbox.enqueuedAt))
    .orderBy(asc(outbox.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}

export async function markOutboxEnqueued(tx: ControlTx, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(outbox)
    .set({ enqueuedAt: sql`now()` })
    .where(and(inArray(outbox.id, ids), isNull(outbox.enqueuedAt)));
}
