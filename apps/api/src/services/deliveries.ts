import {
  findDelivery,
  findReport,
  getSetting,
  listDeliveries,
  listDeliveryAttempts,
  listReportDeliveries,
  putSetting,
  recordAudit,
  retryDelivery,
  type DeliveryRow,
  type TenantTx,
} from '@rayon/db';
import {
  AppError,
  DEFAULT_DISTRIBUTION,
  DISTRIBUTION_SETTING,
  type DistributionSettings,
} from '@rayon/domain';
import { checkOutboundHost, outboundPolicy } from '@rayon/connectors/outbound';
import { currentActor, currentContext, requireTenant, type Deps } from './deps.ts';

const view = (d: DeliveryRow) => ({
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
});

/** The distribution of validated reports: where each went, what failed, the practice's settings. */
export function createDeliveryService({ db, outbound = outboundPolicy() }: Deps) {
  const inTenant = <T>(fn: (tx: TenantTx) => Promise<T>) => db.withTenant(requireTenant(), fn);
  return {
    /** Each destination of a report's versions, with its state. */
    forReport: (reportId: string) =>
      inTenant(async (tx) => {
        if (!(await findReport(tx, reportId))) throw new AppError('NOT_FOUND', 'report not found');
        return (await listReportDeliveries(tx, reportId)).map(view);
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

    /** Tries a failed send again. */
    retry: (id: string) =>
      inTenant(async (tx) => {
        if (!(await findDelivery(tx, id))) throw new AppError('NOT_FOUND', 'delivery not found');
        if (!(await retryDelivery(tx, id, currentContext().requestId))) {
          throw new AppError('CONFLICT', 'only a failed send can be tried again');
        }
        await recordAudit(tx, {
          actor: currentActor(),
          action: 'delivery.retried',
          target: id,
          requestId: currentContext().requestId,
        });
        return view((await findDelivery(tx, id))!);
      }),

    settings: () =>
      inTenant(async (tx) => ({
        ...DEFAULT_DISTRIBUTION,
        ...(await getSetting<DistributionSettings>(tx, DISTRIBUTION_SETTING)),
      })),

    /**
     * The PFI's host may not be an internal address (loopback, private, link-local, metadata)
     * unless the platform allows it (RAYON_OUTBOUND_ALLOW): checked here, before anything is
     * written (a DNS lookup, outside the transaction), and again by the worker at each send.
     */
    setSettings: async (settings: DistributionSettings) => {
      if (settings.pfi) await checkOutboundHost(settings.pfi.host, outbound, 'pfi.host');
      return inTenant(async (tx) => {
        await putSetting(tx, DISTRIBUTION_SETTING, settings);
        await recordAudit(tx, {
          actor: currentActor(),
          action: 'distribution.settings-changed',
          target: 'settings',
          requestId: currentContext().requestId,
        });
        return settings;
      });
    },
  };
}
