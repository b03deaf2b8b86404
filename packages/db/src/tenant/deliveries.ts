import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { deliveries, deliveryAttempts, orders, patients, reports } from '../schema/tenant.ts';
import type { TenantTx } from '../client.ts';
import { enqueueOutbox } from '../platform/outbox.ts';

export type DeliveryRow = typeof deliveries.$inferSelect;
export type DeliveryAttemptRow = typeof deliveryAttempts.$inferSelect;

/** Plans a send once: a second call with the same idempotency key returns nothing new. */
export async function insertDelivery(
  tx: TenantTx,
  d: Pick<
    typeof deliveries.$inferInsert,
    'reportId' | 'versionId' | 'destination' | 'action' | 'idempotencyKey' | 'status' | 'reason'
  >,
): Promise<DeliveryRow | undefined> {
  const [row] = await tx.insert(deliveries).values(d).onConflictDoNothing().returning();
  return row;
}

export async function findDelivery(
  tx: TenantTx,
  id: string,
  o: { forUpdate?: boolean; skipLocked?: boolean } = {},
): Promise<DeliveryRow | undefined> {
  const q = tx.select().from(deliveries).where(eq(deliveries.id, id));
  const [row] = o.skipLocked
    ? await q.for('update', { skipLocked: true })
    : o.forUpdate
      ? await q.for('update')
      : await q;
  return row;
}

/** The sends of some destinations known remotely by `remoteId` (e.g. a mail's Message-ID), locked. */
export async function findDeliveriesByRemoteId(
  tx: TenantTx,
  remoteId: string,
  destinations: readonly string[],
): Promise<DeliveryRow[]> {
  return tx
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.remoteId, remoteId), inArray(deliveries.destination, [...destinations])))
    .for('update');
}

export async function updateDelivery(
  tx: TenantTx,
  id: string,
  fields: Partial<
    Pick<
      DeliveryRow,
      | 'status'
      | 'reason'
      | 'attempts'
      | 'remoteId'
      | 'lastAttemptAt'
      | 'deliveredAt'
      | 'receipt'
      | 'receiptAt'
    >
  >,
): Promise<void> {
  await tx
    .update(deliveries)
    .set({ ...fields, updatedAt: sql`now()` })
    .where(eq(deliveries.id, id));
}

export async function insertDeliveryAttempt(
  tx: TenantTx,
  a: {
    deliveryId: string;
    outcome: 'delivered' | 'retry' | 'failed' | 'notification';
    detail: string | null;
    durationMs: number;
  },
): Promise<void> {
  await tx.insert(deliveryAttempts).values(a);
}

export async function listReportDeliveries(tx: TenantTx, reportId: string): Promise<DeliveryRow[]> {
  return tx
    .select()
    .from(deliveries)
    .where(eq(deliveries.reportId, reportId))
    .orderBy(asc(deliveries.createdAt), asc(deliveries.destination));
}

/** Deliveries of some statuses, most recent first, with their patient (the dead-letter list: failed). */
export async function listDeliveries(tx: TenantTx, statuses: string[], limit = 200) {
  return tx
    .select({
      delivery: deliveries,
      accessionNumber: orders.accessionNumber,
      patient: {
        id: patients.id,
        birthFamilyName: patients.birthFamilyName,
        usedFamilyName: patients.usedFamilyName,
        firstBirthForename: patients.firstBirthForename,
        birthDate: patients.birthDate,
      },
    })
    .from(deliveries)
    .innerJoin(reports, eq(reports.id, deliveries.reportId))
    .innerJoin(orders, eq(orders.id, reports.orderId))
    .innerJoin(patients, eq(patients.id, orders.patientId))
    .where(inArray(deliveries.status, statuses))
    .orderBy(desc(deliveries.updatedAt))
    .limit(limit);
}

export async function listDeliveryAttempts(tx: TenantTx, deliveryId: string): Promise<DeliveryAttemptRow[]> {
  return tx
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, deliveryId))
    .orderBy(asc(deliveryAttempts.at));
}

/** The deliveries of a report kept back for a reason (e.g. the announcement), to release them. */
export async function listHeldDeliveries(
  tx: TenantTx,
  reportId: string,
  reason: string,
): Promise<DeliveryRow[]> {
  return tx
    .select()
    .from(deliveries)
    .where(
      and(
        eq(deliveries.reportId, reportId),
        eq(deliveries.status, 'not_sent'),
        eq(deliveries.reason, reason),
      ),
    );
}

/**
 * Releases the sends of a report kept back for `reason` (e.g. the announcement now recorded):
 * pending again, each handed to the worker through the outbox, in the caller's transaction.
 */
export async function releaseHeldDeliveries(
  tx: TenantTx,
  reportId: string,
  reason: string,
  requestId: string | null,
): Promise<number> {
  const held = await listHeldDeliveries(tx, reportId, reason);
  for (const d of held) {
    await updateDelivery(tx, d.id, { status: 'pending', reason: null });
    await enqueueOutbox(tx, { topic: DELIVERY_TOPIC, payload: { deliveryId: d.id }, requestId });
  }
  return held.length;
}

/** The outbox topic (and job name) of one send. */
export const DELIVERY_TOPIC = 'delivery.send';

/**
 * The withdrawal of a version: for each destination where it was delivered and that can take a
 * withdrawal back (the DMP, the PFI), one send, planned once, handed to the worker.
 */
export async function planWithdrawals(
  tx: TenantTx,
  reportId: string,
  versionId: string,
  requestId: string | null,
): Promise<DeliveryRow[]> {
  const delivered = (await listReportDeliveries(tx, reportId)).filter(
    (d) =>
      d.versionId === versionId &&
      d.status === 'delivered' &&
      (d.destination === 'dmp' || d.destination === 'pfi'),
  );
  const planned: DeliveryRow[] = [];
  for (const d of delivered) {
    const row = await insertDelivery(tx, {
      reportId,
      versionId,
      destination: d.destination,
      action: 'withdraw',
      idempotencyKey: `${versionId}:${d.destination}:withdraw`,
      status: 'pending',
      reason: null,
    });
    if (!row) continue;
    planned.push(row);
    await enqueueOutbox(tx, { topic: DELIVERY_TOPIC, payload: { deliveryId: row.id }, requestId });
  }
  return planned;
}

/** A failed send tried again from the portal: pending, attempts kept, handed to the worker. */
export async function retryDelivery(tx: TenantTx, id: string, requestId: string | null): Promise<boolean> {
  const d = await findDelivery(tx, id, { forUpdate: true });
  if (!d || d.status !== 'failed') return false;
  await updateDelivery(tx, id, { status: 'pending', reason: null });
  await enqueueOutbox(tx, { topic: DELIVERY_TOPIC, payload: { deliveryId: id }, requestId });
  return true;
}

/**
 * Pending sends nobody touched since `before` (their job was lost, e.g. Redis restarted without
 * its data): handed to the worker again. An attempt holds its send's row for its whole length and
 * a send already delivered is skipped, so this can only cost a duplicate job, never a duplicate send.
 */
export async function requeueStaleDeliveries(tx: TenantTx, before: Date): Promise<number> {
  // A send being attempted holds its row: alive, skipped.
  const stale = await tx
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.status, 'pending'),
        sql`${deliveries.updatedAt} < ${before.toISOString()}::timestamptz`,
      ),
    )
    .for('update', { skipLocked: true });
  for (const d of stale) {
    await updateDelivery(tx, d.id, {});
    await enqueueOutbox(tx, { topic: DELIVERY_TOPIC, payload: { deliveryId: d.id }, requestId: null });
  }
  return stale.length;
}

/**
 * Takes the practice's MSSanté mailbox for this transaction (false when another reading holds
 * it): one reading at a time, whatever the number of workers.
 */
export async function lockMailboxReading(tx: TenantTx): Promise<boolean> {
  const rows = await tx.execute<{ locked: boolean }>(
    sql`select pg_try_advisory_xact_lock(hashtext(${`rayon.mailbox.${tx.tenant.id}`})) as locked`,
  );
  return rows[0]?.locked === true;
}
