import {
  cancelDelivery,
  deliveryVersionState,
  findDelivery,
  findReport,
  listCircuits,
  listDeliveries,
  listDeliveryAttempts,
  listReportDeliveries,
  putSetting,
  retryDelivery,
  userDisplayNames,
  type DeliveryCircuitRow,
  type DeliveryRow,
  type TenantTx,
} from '@rayon/db';
import {
  AppError,
  CIRCUIT_OF,
  DELIVERY_REASONS,
  DISTRIBUTION_SETTING,
  supersededSend,
  type Destination,
  type DistributionSettings,
} from '@rayon/domain';
import { checkOutboundHost, outboundPolicy } from '@rayon/connectors/outbound';
import { distributionSettings } from '@rayon/reporting';
import { audit, currentActor, currentContext, requireTenant, type Deps } from './deps.ts';

/** Why a pending send waits: its destination's circuit is open (unavailable since, next probe). */
const waitingOf = (d: DeliveryRow, circuits: DeliveryCircuitRow[]) => {
  if (d.status !== 'pending') return null;
  const circuit = circuits.find((c) => c.destination === CIRCUIT_OF[d.destination as Destination]);
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
export function createDeliveryService({ db, outbound = outboundPolicy() }: Deps) {
  const inTenant = <T>(fn: (tx: TenantTx) => Promise<T>) => db.withTenant(requireTenant(), fn);
  return {
    /** Each destination of a report's versions, with its state. */
    forReport: (reportId: string) =>
      inTenant(async (tx) => {
        if (!(await findReport(tx, reportId)))
          throw new AppError('NOT_FOUND', 'report not found', { reason: 'reporting.report.not_found' });
        const circuits = await listCircuits(tx);
        return (await listReportDeliveries(tx, reportId)).map((d) => view(d, circuits));
      }),

    /** The sends that need a person: failed for good (the dead-letter list). */
    failed: () =>
      inTenant(async (tx) =>
        (await listDeliveries(tx, ['failed'])).map((r) => ({
          ...view(r.delivery),
          accessionNumber: r.accessionNumber,
          patient: r.patient,
        })),
      ),

    /** Every attempt of one send: when, outcome, the remote answer. */
    attempts: (id: string) =>
      inTenant(async (tx) => {
        if (!(await findDelivery(tx, id))) throw new AppError('NOT_FOUND', 'delivery not found');
        return (await listDeliveryAttempts(tx, id)).map((a) => ({
          at: a.at.toISOString(),
          outcome: a.outcome,
          detail: a.detail,
          durationMs: a.durationMs,
        }));
      }),

    /** Tries a failed send again; never a send of a version replaced or withdrawn since. */
    retry: (id: string) =>
      inTenant(async (tx) => {
        const d = await findDelivery(tx, id);
        if (!d) throw new AppError('NOT_FOUND', 'delivery not found');
        const version = await deliveryVersionState(tx, d.versionId);
        if (version && supersededSend(version.status, d.action)) {
          throw refused(
            `the version of this send was ${version.status === 'withdrawn' ? 'withdrawn' : 'replaced'}: it is never sent again`,
            version.status === 'withdrawn' ? 'delivery.version_withdrawn' : 'delivery.version_replaced',
          );
        }
        if (!(await retryDelivery(tx, id, currentContext().requestId))) {
          throw new AppError('CONFLICT', 'only a failed send can be tried again');
        }
        await audit(tx, 'delivery.retried', id);
        return view((await findDelivery(tx, id))!);
      }),

    /** Cancels one pending send (« Annuler l'envoi »): it is never sent; who and why are kept. */
    cancel: (id: string, reason?: string | undefined) =>
      inTenant(async (tx) => {
        if (!(await findDelivery(tx, id))) throw new AppError('NOT_FOUND', 'delivery not found');
        const actor = currentActor();
        const who =
          (actor.type === 'user' && actor.id
            ? (await userDisplayNames(tx, [actor.id])).get(actor.id)
            : undefined) ?? (actor.type === 'api_key' ? 'une clé d’API' : 'un membre du cabinet');
        const why = reason?.trim() || null;
        if (
          !(await cancelDelivery(tx, id, DELIVERY_REASONS.cancelledBy(who, why), currentContext().requestId))
        ) {
          throw refused('only a pending send can be cancelled', 'delivery.not_pending');
        }
        await audit(tx, 'delivery.cancelled', id, why ? { reason: why } : undefined);
        return view((await findDelivery(tx, id))!);
      }),

    settings: () => inTenant(distributionSettings),

    /**
     * The PFI's host may not be an internal address (loopback, private, link-local, metadata)
     * unless the platform allows it (RAYON_OUTBOUND_ALLOW): checked here, before anything is
     * written (a DNS lookup, outside the transaction), and again by the worker at each send.
     */
    setSettings: async (settings: DistributionSettings) => {
      if (settings.pfi) await checkOutboundHost(settings.pfi.host, outbound, 'pfi.host');
      return inTenant(async (tx) => {
        await putSetting(tx, DISTRIBUTION_SETTING, settings);
        await audit(tx, 'distribution.settings-changed', 'settings');
        return settings;
      });
    },
  };
}
