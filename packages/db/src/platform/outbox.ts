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

/**
 * Adds messages to the outbox in the caller's transaction, in one statement, and wakes the relay
 * on commit: the notification is sent by the insert itself (PostgreSQL delivers one per
 * transaction for the same channel and payload, however many rows ask; the relay also polls
 * every second). Returns the rows' ids, in order.
 */
export async function enqueueOutboxMessages(tx: ControlTx, messages: OutboxMessage[]): Promise<number[]> {
  if (messages.length === 0) return [];
  const rows = await tx
    .insert(outbox)
    .values(
      messages.map((m) => ({
        topic: m.topic,
        payload: m.payload,
        tenantId: m.tenantId ?? ('tenant' in tx ? tx.tenant.id : null),
        requestId: m.requestId ?? null,
      })),
    )
    .returning({ id: outbox.id, notified: sql`pg_notify(${OUTBOX_CHANNEL}, '')` });
  return rows.map((r) => r.id);
}

/** Adds a message to the outbox in the caller's transaction (see enqueueOutboxMessages). */
export async function enqueueOutbox(tx: ControlTx, m: OutboxMessage): Promise<number> {
  return (await enqueueOutboxMessages(tx, [m]))[0]!;
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
