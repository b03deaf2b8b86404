/**
 * The use cases of the delivery area, built once with what they need (`createDelivery(deps)`),
 * each taking the explicit context of its caller first: the portal's and the public API's views
 * and actions on the sends (where each went, what failed, retry, cancel, the practice's settings),
 * and the worker's work (one attempt of a send, the reading of a practice's MSSanté mailbox).
 */
import {
  audit,
  cancelDelivery,
  deliveryVersionState,
  findDelivery,
  findReport,
  listCircuits,
  listDeliveries,
  listDeliveryAttempts,
  listReportDeliveries,
  lockMailboxReading,
  putSetting,
  retryDelivery,
  userDisplayNames,
  type Database,
  type DeliveryCircuitRow,
  type DeliveryRow,
  type UseCaseContext,
} from '@rayon/db';
import {
  AppError,
  CIRCUIT_OF,
  DELIVERY_REASONS,
  DISTRIBUTION_SETTING,
  supersededSend,
  type Destination,
  type DistributionSettings,
  type RetryPolicy,
} from '@rayon/domain';
import { checkOutboundHost, outboundPolicy, type OutboundPolicy } from '@rayon/connectors/outbound';
import { attemptDelivery, distributionSettings, type DeliverySender } from './deliveries.ts';
import { mailboxCursor, recordMailboxMessage, type MailboxReader } from './receipts.ts';

export interface DeliveryDeps {
  db: Database;
  /** Where practices' own destinations (the PFI) may be (RAYON_OUTBOUND_ALLOW); unset: nothing internal. */
  outbound?: OutboundPolicy | undefined;
  /** The senders of the destinations this deployment reaches (DMP, MSSanté, PFI): the worker's. */
  senders?: Partial<Record<Destination, DeliverySender>> | undefined;
  /** How long sends are retried (backoff cap, horizon); unset: DEFAULT_RETRY_POLICY. */
  policy?: RetryPolicy | undefined;
  /** The lease of a send's claim; unset: DELIVERY_LEASE_MS. */
  leaseMs?: number | undefined;
  /** The reader of the practices' MSSanté mailboxes (DSN/MDN), when this deployment sends mails. */
  mailbox?: MailboxReader | undefined;
}

/** Why a pending send waits: its destination's circuit is open (unavailable since, next probe). */
const waitingOf = (d: DeliveryRow, circuits: DeliveryCircuitRow[]) => {
  if (d.status !== 'pending') return null;
  const circuit = circuits.find((c) => c.destination === CIRCUIT_OF[d.destination]);
  return circuit
    ? {
        circuit: circuit.destination,
        unavailableSince: circuit.openedAt.toISOString(),
        nextProbeAt: circuit.nextProbeAt.toISOString(),
      }
    : null;
};

const view = (d: DeliveryRow, circuits: DeliveryCircuitRow[] = []) => ({
  id: d.id,
  reportId: d.reportId,
  versionId: d.versionId,
  destination: d.destination,
  action: d.action,
  status: d.status,
  reason: d.reason,
  attempts: d.attempts,
  lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
  receipt: d.receipt,
  receiptAt: d.receiptAt?.toISOString() ?? null,
  /** A pending send's next attempt (null: as soon as its turn comes). */
  nextAttemptAt: d.status === 'pending' ? (d.nextAttemptAt?.toISOString() ?? null) : null,
  /** A pending send waiting for its destination to come back. */
  waiting: waitingOf(d, circuits),
});

/** A refusal of a send's action, with its stable reason key for the portal. */
const refused = (
  message: string,
  reason: 'delivery.version_replaced' | 'delivery.version_withdrawn' | 'delivery.not_pending',
) => new AppError('CONFLICT', message, { reason });

/** The distribution of validated reports: where each went, what failed, the practice's settings. */
export function createDelivery({
  db,
  outbound = outboundPolicy(),
  senders = {},
  policy,
  leaseMs,
  mailbox,
}: DeliveryDeps) {
  return {
    /** Each destination of a report's versions, with its state. */
    forReport: (ctx: UseCaseContext, reportId: string) =>
      db.withTenant(ctx.tenant, async (tx) => {
        if (!(await findReport(tx, reportId)))
          throw new AppError('NOT_FOUND', 'report not found', { reason: 'reporting.report.not_found' });
        const circuits = await listCircuits(tx);
        return (await listReportDeliveries(tx, reportId)).map((d) => view(d, circuits));
      }),

    /** The sends that need a person: failed for good (the dead-letter list). */
    failed: (ctx: UseCaseContext) =>
      db.withTenant(ctx.tenant, async (tx) =>
        (await listDeliveries(tx, ['failed'])).map((r) => ({
          ...view(r.delivery),
          accessionNumber: r.accessionNumber,
          patient: r.patient,
        })),
      ),

    /** Every attempt of one send: when, outcome, the remote answer. */
    attempts: (ctx: UseCaseContext, id: string) =>
      db.withTenant(ctx.tenant, async (tx) => {
        if (!(await findDelivery(tx, id))) throw new AppError('NOT_FOUND', 'delivery not found');
        return (await listDeliveryAttempts(tx, id)).map((a) => ({
          at: a.at.toISOString(),
          outcome: a.outcome,
          detail: a.detail,
          durationMs: a.durationMs,
        }));
      }),

    /** Tries a failed send again; never a send of a version replaced or withdrawn since. */
    retry: (ctx: UseCaseContext, id: string) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const d = await findDelivery(tx, id);
        if (!d) throw new AppError('NOT_FOUND', 'delivery not found');
        const version = await deliveryVersionState(tx, d.versionId);
        if (version && supersededSend(version.status, d.action)) {
          throw refused(
            `the version of this send was ${version.status === 'withdrawn' ? 'withdrawn' : 'replaced'}: it is never sent again`,
            version.status === 'withdrawn' ? 'delivery.version_withdrawn' : 'delivery.version_replaced',
          );
        }
        if (!(await retryDelivery(tx, id, ctx.requestId))) {
          throw new AppError('CONFLICT', 'only a failed send can be tried again');
        }
        await audit(ctx, tx, 'delivery.retried', id);
        return view((await findDelivery(tx, id))!);
      }),

    /** Cancels one pending send (« Annuler l'envoi »): it is never sent; who and why are kept. */
    cancel: (ctx: UseCaseContext, id: string, reason?: string | undefined) =>
      db.withTenant(ctx.tenant, async (tx) => {
        if (!(await findDelivery(tx, id))) throw new AppError('NOT_FOUND', 'delivery not found');
        const actor = ctx.actor;
        const who =
          (actor.type === 'user' && actor.id
            ? (await userDisplayNames(tx, [actor.id])).get(actor.id)
            : undefined) ?? (actor.type === 'api_key' ? 'une clé d’API' : 'un membre du cabinet');
        const why = reason?.trim() || null;
        if (!(await cancelDelivery(tx, id, DELIVERY_REASONS.cancelledBy(who, why), ctx.requestId))) {
          throw refused('only a pending send can be cancelled', 'delivery.not_pending');
        }
        await audit(ctx, tx, 'delivery.cancelled', id, why ? { reason: why } : undefined);
        return view((await findDelivery(tx, id))!);
      }),

    settings: (ctx: UseCaseContext) => db.withTenant(ctx.tenant, distributionSettings),

    /**
     * The PFI's host may not be an internal address (loopback, private, link-local, metadata)
     * unless the platform allows it (RAYON_OUTBOUND_ALLOW): checked here, before anything is
     * written (a DNS lookup, outside the transaction), and again by the worker at each send.
     */
    setSettings: async (ctx: UseCaseContext, settings: DistributionSettings) => {
      if (settings.pfi) await checkOutboundHost(settings.pfi.host, outbound, 'pfi.host');
      return db.withTenant(ctx.tenant, async (tx) => {
        await putSetting(tx, DISTRIBUTION_SETTING, settings);
        await audit(ctx, tx, 'distribution.settings-changed', 'settings');
        return settings;
      });
    },

    /**
     * One attempt of one send (see attemptDelivery): claimed with what it says (the version's
     * documents and frozen description), sent outside any transaction by the sender of its
     * destination, recorded.
     */
    send: (ctx: UseCaseContext, deliveryId: string) =>
      attemptDelivery(db, ctx.tenant, deliveryId, { senders, policy, leaseMs, now: ctx.now }),

    /**
     * Reads the practice's applicative mailbox (when it sends by MSSanté) in one transaction: each
     * notification past the cursor updates its send (see receipts.ts). Returns the messages read.
     */
    readMailbox: (ctx: UseCaseContext) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const settings = await distributionSettings(tx);
        if (!mailbox || !settings.mssante.enabled || !settings.mssante.mailbox) return 0;
        // Another reading of this mailbox is under way (a slow one overlapping): it does the work.
        if (!(await lockMailboxReading(tx))) return 0;
        const since = await mailboxCursor(tx);
        const r = await mailbox(
          ctx.tenant,
          settings.mssante.mailbox,
          since,
          ({ uid, uidValidity, notification }) =>
            recordMailboxMessage(tx, { uidValidity, lastUid: uid }, notification, ctx.now()).then(
              () => undefined,
            ),
        );
        return r.read;
      }),
  };
}
