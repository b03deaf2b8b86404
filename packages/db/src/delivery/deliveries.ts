import { and, asc, desc, eq, gt, inArray, isNotNull, lt, or, sql } from 'drizzle-orm';
import {
  deliveries,
  deliveryAttempts,
  deliveryCircuits,
  orders,
  patients,
  reports,
  reportVersions,
  type DeliveryAttemptOutcome,
} from '../schema/tenant.ts';
import type { Circuit, DeliveryStatus, Destination } from '@rayon/domain';
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
  > & { patientId?: string | null | undefined },
): Promise<DeliveryRow | undefined> {
  const [row] = await tx.insert(deliveries).values(d).onConflictDoNothing().returning();
  return row;
}

/** Plans several sends at once (see insertDelivery): the new ones, those planned already left out. */
export async function insertDeliveries(
  tx: TenantTx,
  rows: Parameters<typeof insertDelivery>[1][],
): Promise<DeliveryRow[]> {
  if (rows.length === 0) return [];
  return tx.insert(deliveries).values(rows).onConflictDoNothing().returning();
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
  destinations: readonly Destination[],
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
      | 'action'
      | 'nextAttemptAt'
      | 'claimToken'
      | 'claimedUntil'
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
    outcome: DeliveryAttemptOutcome;
    detail: string | null;
    durationMs: number;
    /** When the attempt happened (a call: when it started); unset: now, the transaction's time. */
    at?: Date | undefined;
  },
): Promise<void> {
  const { at, ...rest } = a;
  await tx.insert(deliveryAttempts).values(at ? { ...rest, at } : rest);
}

export async function listReportDeliveries(tx: TenantTx, reportId: string): Promise<DeliveryRow[]> {
  return tx
    .select()
    .from(deliveries)
    .where(eq(deliveries.reportId, reportId))
    .orderBy(asc(deliveries.createdAt), asc(deliveries.destination));
}

/** Deliveries of some statuses, most recent first, with their patient (the dead-letter list: failed). */
export async function listDeliveries(tx: TenantTx, statuses: DeliveryStatus[], limit = 200) {
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
 * The withdrawal of a version: its sends not gone yet are cancelled (nothing is withdrawn where
 * nothing was delivered); for each destination where it was delivered and that can take a
 * withdrawal back (the DMP, the PFI), one send, planned once, handed to the worker.
 */
export async function planWithdrawals(
  tx: TenantTx,
  reportId: string,
  versionId: string,
  requestId: string | null,
  cancelReason = "Compte rendu retiré avant l'envoi : il n'est plus envoyé",
): Promise<DeliveryRow[]> {
  await cancelVersionDeliveries(tx, [versionId], cancelReason, requestId);
  const all = await listReportDeliveries(tx, reportId);
  const patientId = all.find((d) => d.patientId)?.patientId ?? null;
  const delivered = all.filter(
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
      patientId: d.patientId ?? patientId,
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
  await updateDelivery(tx, id, { status: 'pending', reason: null, nextAttemptAt: null });
  await enqueueOutbox(tx, { topic: DELIVERY_TOPIC, payload: { deliveryId: id }, requestId });
  return true;
}

/** When a send was last failed for good (a person may have sent it again since); null if never. */
export async function lastFailedAt(tx: TenantTx, deliveryId: string): Promise<Date | null> {
  const [row] = await tx
    .select({ at: sql<Date | null>`max(${deliveryAttempts.at})`.mapWith((v) => (v ? new Date(v) : null)) })
    .from(deliveryAttempts)
    .where(and(eq(deliveryAttempts.deliveryId, deliveryId), eq(deliveryAttempts.outcome, 'failed')));
  return row?.at ?? null;
}

/** The status of a send's version (validated, replaced, withdrawn) and its number. */
export async function deliveryVersionState(
  tx: TenantTx,
  versionId: string,
): Promise<{ status: string; version: number } | undefined> {
  const [row] = await tx
    .select({ status: reportVersions.status, version: reportVersions.version })
    .from(reportVersions)
    .where(eq(reportVersions.id, versionId));
  return row;
}

/**
 * Claims a pending send for one remote call: `token` is the caller's, `until` the lease (longer
 * than the longest call). Only a send that is pending and not claimed by a live lease is taken.
 */
export async function claimDelivery(
  tx: TenantTx,
  id: string,
  token: string,
  until: Date,
  now: Date,
): Promise<boolean> {
  const rows = await tx
    .update(deliveries)
    .set({ claimToken: token, claimedUntil: until, updatedAt: sql`now()` })
    .where(
      and(
        eq(deliveries.id, id),
        eq(deliveries.status, 'pending'),
        or(sql`${deliveries.claimedUntil} is null`, lt(deliveries.claimedUntil, now)),
      ),
    )
    .returning({ id: deliveries.id });
  return rows.length === 1;
}

/**
 * The sends that end a person's or the system's interest in a version (it was replaced or
 * withdrawn): those not gone yet (pending, failed, or held back for the announcement) are
 * cancelled with `reason`; each cancelled send lets the next one of its patient go.
 */
export async function cancelVersionDeliveries(
  tx: TenantTx,
  versionIds: string[],
  reason: string,
  requestId: string | null,
): Promise<number> {
  if (versionIds.length === 0) return 0;
  const rows = await tx
    .update(deliveries)
    .set({ status: 'cancelled', reason, nextAttemptAt: null, updatedAt: sql`now()` })
    .where(
      and(
        inArray(deliveries.versionId, versionIds),
        inArray(deliveries.action, ['publish', 'replace', 'visibility']),
        or(
          inArray(deliveries.status, ['pending', 'failed']),
          and(eq(deliveries.status, 'not_sent'), eq(deliveries.reason, HELD_FOR_ANNOUNCEMENT)),
        ),
      ),
    )
    .returning();
  for (const d of rows) await wakeNextOfPatient(tx, d, requestId);
  return rows.length;
}

/** The reason of the sends held until the announcement (@rayon/domain NOT_SENT_REASONS). */
const HELD_FOR_ANNOUNCEMENT = "Annonce en attente : rien n'est envoyé au patient avant l'annonce";

/** A pending send cancelled by a person (its claim, if a call is in flight, is left to record). */
export async function cancelDelivery(
  tx: TenantTx,
  id: string,
  reason: string,
  requestId: string | null,
): Promise<boolean> {
  const d = await findDelivery(tx, id, { forUpdate: true });
  if (!d || d.status !== 'pending') return false;
  await updateDelivery(tx, id, { status: 'cancelled', reason, nextAttemptAt: null });
  await wakeNextOfPatient(tx, d, requestId);
  return true;
}

/** The pending sends of a send's patient to its destination (the per-patient order). */
const pendingOfPatient = (d: Pick<DeliveryRow, 'destination'> & { patientId: string }) =>
  and(
    eq(deliveries.patientId, d.patientId),
    eq(deliveries.destination, d.destination),
    eq(deliveries.status, 'pending'),
  );

/** Whether an older send of the same patient to the same destination is still pending. */
export async function olderPendingDelivery(tx: TenantTx, d: DeliveryRow): Promise<boolean> {
  if (!d.patientId) return false;
  const [row] = await tx
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(pendingOfPatient({ ...d, patientId: d.patientId }), lt(deliveries.createdAt, d.createdAt)))
    .limit(1);
  return !!row;
}

/**
 * A send of a patient left the pending state: the next pending one of that patient to that
 * destination (if any) is handed to the worker, so a backlog drains in the order it was made.
 */
export async function wakeNextOfPatient(
  tx: TenantTx,
  d: Pick<DeliveryRow, 'patientId' | 'destination' | 'createdAt'>,
  requestId: string | null,
): Promise<void> {
  if (!d.patientId) return;
  const [next] = await tx
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(pendingOfPatient({ ...d, patientId: d.patientId }), gt(deliveries.createdAt, d.createdAt)))
    .orderBy(asc(deliveries.createdAt))
    .limit(1);
  if (next) await enqueueOutbox(tx, { topic: DELIVERY_TOPIC, payload: { deliveryId: next.id }, requestId });
}

/**
 * A circuit closed: the sends of its destinations that were waiting for it are due now and
 * handed to the worker (each still waits for the older sends of its patient).
 */
export async function wakeWaitingDeliveries(
  tx: TenantTx,
  destinations: readonly Destination[],
): Promise<number> {
  const rows = await tx
    .update(deliveries)
    .set({ nextAttemptAt: null, updatedAt: sql`now()` })
    .where(
      and(
        inArray(deliveries.destination, [...destinations]),
        eq(deliveries.status, 'pending'),
        isNotNull(deliveries.nextAttemptAt),
      ),
    )
    .returning({ id: deliveries.id });
  for (const r of rows) {
    await enqueueOutbox(tx, { topic: DELIVERY_TOPIC, payload: { deliveryId: r.id }, requestId: null });
  }
  return rows.length;
}

export type DeliveryCircuitRow = typeof deliveryCircuits.$inferSelect;

export async function findCircuit(
  tx: TenantTx,
  destination: Circuit,
  o: { forUpdate?: boolean } = {},
): Promise<DeliveryCircuitRow | undefined> {
  const q = tx.select().from(deliveryCircuits).where(eq(deliveryCircuits.destination, destination));
  const [row] = o.forUpdate ? await q.for('update') : await q;
  return row;
}

export async function listCircuits(tx: TenantTx): Promise<DeliveryCircuitRow[]> {
  return tx.select().from(deliveryCircuits);
}

export async function saveCircuit(tx: TenantTx, c: DeliveryCircuitRow): Promise<void> {
  await tx
    .insert(deliveryCircuits)
    .values(c)
    .onConflictDoUpdate({
      target: deliveryCircuits.destination,
      set: {
        openedAt: c.openedAt,
        lastFailureAt: c.lastFailureAt,
        failures: c.failures,
        nextProbeAt: c.nextProbeAt,
        reason: c.reason,
      },
    });
}

/** Closes a circuit; true when it was open. */
export async function closeCircuit(tx: TenantTx, destination: Circuit): Promise<boolean> {
  const rows = await tx
    .delete(deliveryCircuits)
    .where(eq(deliveryCircuits.destination, destination))
    .returning({ d: deliveryCircuits.destination });
  return rows.length === 1;
}

/**
 * Pending sends nobody touched since `before` whose turn has come (their job was lost, e.g.
 * Redis restarted without its data): handed to the worker again. A send claimed by a live lease
 * or not due yet is left; a send already delivered is skipped by its job, so this can only cost
 * a duplicate job, never a duplicate send.
 */
export async function requeueStaleDeliveries(tx: TenantTx, before: Date, now = new Date()): Promise<number> {
  const stale = await tx
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.status, 'pending'),
        sql`${deliveries.updatedAt} < ${before.toISOString()}::timestamptz`,
        or(sql`${deliveries.claimedUntil} is null`, lt(deliveries.claimedUntil, now)),
        or(sql`${deliveries.nextAttemptAt} is null`, lt(deliveries.nextAttemptAt, now)),
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
