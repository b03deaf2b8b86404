/**
 * The distribution of a validated version: what to send where (the pure plan of @rayon/domain,
 * with the practice's settings and the report's facts), each send planned once and handed to the
 * worker through the outbox; then each send itself, with its attempts recorded.
 */
import {
  DELIVERY_TOPIC,
  enqueueOutbox,
  findDelivery,
  findOrder,
  findReport,
  findReportVersionById,
  getSetting,
  insertDelivery,
  insertDeliveryAttempt,
  listReferrers,
  updateDelivery,
  type Database,
  type DeliveryRow,
  type TenantRef,
  type TenantTx,
} from '@rayon/db';
import type { ReportDocument } from '@rayon/documents';
import {
  DEFAULT_DISTRIBUTION,
  DELIVERY_MAX_ATTEMPTS,
  DISTRIBUTION_SETTING,
  deliveryKey,
  planDistribution,
  type Destination,
  type DistributionSettings,
} from '@rayon/domain';

export async function distributionSettings(tx: TenantTx): Promise<DistributionSettings> {
  return { ...DEFAULT_DISTRIBUTION, ...(await getSetting<DistributionSettings>(tx, DISTRIBUTION_SETTING)) };
}

/** Plans the sends of a validated version (once per destination and action); returns the new ones. */
export async function planReportDeliveries(
  tx: TenantTx,
  versionId: string,
  description: ReportDocument,
  requestId: string | null,
): Promise<DeliveryRow[]> {
  const version = (await findReportVersionById(tx, versionId))!;
  const report = (await findReport(tx, version.reportId))!;
  const order = (await findOrder(tx, report.orderId))!;
  const referrer = order.referrerId
    ? (await listReferrers(tx)).find((r) => r.id === order.referrerId)
    : undefined;
  const plan = planDistribution({
    settings: await distributionSettings(tx),
    version: version.version,
    insQualified: description.patient.ins !== undefined,
    announcementPending: report.announcementRequired && report.announcedAt === null,
    referrerMailbox: referrer?.mssanteAddress ?? null,
  });
  const created: DeliveryRow[] = [];
  for (const p of plan) {
    const row = await insertDelivery(tx, {
      reportId: report.id,
      versionId,
      destination: p.destination,
      action: p.action,
      idempotencyKey: deliveryKey(versionId, p.destination, p.action),
      status: p.status,
      reason: p.reason,
    });
    if (!row) continue;
    created.push(row);
    if (row.status === 'pending') {
      await enqueueOutbox(tx, { topic: DELIVERY_TOPIC, payload: { deliveryId: row.id }, requestId });
    }
  }
  return created;
}

/** What a sender gets: the send, the report's description and its stored documents. */
export interface DeliveryContext {
  tenant: TenantRef;
  /** The attempt's transaction (it holds the send's row): for the sender's own reads and audit. */
  tx: TenantTx;
  delivery: DeliveryRow;
  description: ReportDocument;
  cda: Buffer;
  pdf: Buffer;
  settings: DistributionSettings;
  /** An announcement is pending: the document must stay invisible to the patient. */
  hiddenFromPatient: boolean;
  /** The referring professional's MSSanté address. */
  referrerMailbox: string | null;
  /** The remote id the previous version got at this destination (a correction refers to it). */
  previousRemoteId: string | null;
}

/** A destination's sender: resolves with the remote id, or throws (a DeliveryError says how). */
export type DeliverySender = (
  ctx: DeliveryContext,
) => Promise<{ remoteId: string | null; detail: string | null }>;

/** The error a connector throws: whether a retry can help, and why in plain French. */
interface DeliveryFailure {
  retryable: boolean;
  reason: string;
  remote?: string | undefined;
}
const asDeliveryFailure = (e: unknown): DeliveryFailure | null =>
  e &&
  typeof e === 'object' &&
  typeof (e as DeliveryFailure).retryable === 'boolean' &&
  typeof (e as DeliveryFailure).reason === 'string'
    ? (e as DeliveryFailure)
    : null;

export const DELIVERY_REASONS = {
  notConfigured: "Cette destination n'est pas configurée sur ce déploiement",
  internal: "Erreur interne lors de l'envoi",
  gaveUp: 'Envoi abandonné après plusieurs tentatives',
} as const;

/**
 * One attempt of one send. Delivered or refused for good: recorded, done. A failure a retry can
 * fix: recorded, then thrown so the queue retries (exponential backoff with jitter) until the
 * last attempt, after which the send is failed and waits for a person (the portal's list).
 *
 * The attempt holds its send's row (FOR UPDATE) from the check to the record, in one transaction
 * that the sender also uses (its certificate's audit commits with the outcome): a second job for
 * the same send (a duplicate, or one handed back by the maintenance) skips it while it is in
 * flight and finds it delivered afterwards. If the worker dies mid-way, the transaction rolls
 * back with its connection and the queue's retry finds the send pending again.
 */
export async function attemptDelivery(
  db: Database,
  tenant: TenantRef,
  deliveryId: string,
  o: {
    senders: Partial<Record<Destination, DeliverySender>>;
    load: (
      tx: TenantTx,
      delivery: DeliveryRow,
    ) => Promise<Omit<DeliveryContext, 'tenant' | 'tx' | 'delivery'>>;
    attempt: number;
    maxAttempts?: number;
  },
): Promise<{ status: string }> {
  const outcome = await db.withTenant(tenant, async (tx) => {
    const delivery = await findDelivery(tx, deliveryId, { skipLocked: true });
    if (!delivery) return { status: 'in flight or missing' };
    if (delivery.status !== 'pending') return { status: delivery.status };
    const started = Date.now();
    const record = async (
      outcome: 'delivered' | 'retry' | 'failed',
      detail: string | null,
      fields: Parameters<typeof updateDelivery>[2],
    ) => {
      await insertDeliveryAttempt(tx, { deliveryId, outcome, detail, durationMs: Date.now() - started });
      await updateDelivery(tx, deliveryId, {
        attempts: delivery.attempts + 1,
        lastAttemptAt: new Date(),
        ...fields,
      });
    };
    const sender = o.senders[delivery.destination as Destination];
    if (!sender) {
      await record('failed', null, { status: 'failed', reason: DELIVERY_REASONS.notConfigured });
      return { status: 'failed' };
    }
    try {
      const context = await o.load(tx, delivery);
      const { remoteId, detail } = await sender({ tenant, tx, delivery, ...context });
      await record('delivered', detail, {
        status: 'delivered',
        remoteId,
        deliveredAt: new Date(),
        reason: null,
      });
      return { status: 'delivered' };
    } catch (e) {
      const failure = asDeliveryFailure(e);
      const last = o.attempt >= (o.maxAttempts ?? DELIVERY_MAX_ATTEMPTS);
      if (failure && !failure.retryable) {
        await record('failed', failure.remote ?? null, { status: 'failed', reason: failure.reason });
        return { status: 'failed' };
      }
      if (last) {
        await record('failed', failure?.remote ?? null, {
          status: 'failed',
          reason: failure
            ? `${failure.reason} — ${DELIVERY_REASONS.gaveUp.toLowerCase()}`
            : DELIVERY_REASONS.gaveUp,
        });
        return { status: 'failed' };
      }
      await record('retry', failure?.remote ?? failure?.reason ?? DELIVERY_REASONS.internal, {});
      // Thrown once the attempt is committed: the queue retries it.
      return { status: 'retry', error: e };
    }
  });
  if ('error' in outcome) throw outcome.error;
  return outcome;
}
