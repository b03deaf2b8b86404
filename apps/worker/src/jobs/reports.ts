import {
  findOrder,
  findReport,
  findTenantById,
  listReferrers,
  listReportDeliveries,
  listReportDocumentContents,
  listTenants,
  toTenantRef,
  type Database,
} from '@rayon/db';
import {
  attemptDelivery,
  distributionSettings,
  generateReportDocuments,
  planReportDeliveries,
  remindProvisionalReports,
  requeueLostWork,
  reportDocumentOf,
  type DeliverySender,
} from '@rayon/reporting';
import type { Destination } from '@rayon/domain';
import type { Job } from 'bullmq';
import type { JobData } from '../queue.ts';

/** The job that reminds radiologists of provisional reports, run on a schedule. */
export const REPORT_REMINDER_JOB = 'reports.remind';
export const REPORT_REMINDER_EVERY_MS = 15 * 60 * 1000;

/**
 * report.documents: the PDF/A and CDA of a validated version, stored once (a retry or a second
 * delivery of the message finds them there and stores nothing), and in the same transaction its
 * sends planned (once each) and handed to delivery.send jobs: a version has both or neither, so
 * the maintenance job, looking for versions without documents, finds any lost half-way.
 */
export function reportDocumentsJob(db: Database) {
  return async (job: Job<JobData>) => {
    const { versionId } = job.data.payload as { versionId: string };
    const tenant = job.data.tenantId
      ? await db.platform((tx) => findTenantById(tx, job.data.tenantId!))
      : undefined;
    if (!tenant || tenant.status !== 'active') return { skipped: 'practice not active' };
    const ref = toTenantRef(tenant);
    let planned = 0;
    const { stored } = await generateReportDocuments(db, ref, tenant, versionId, async (tx, description) => {
      planned = (await planReportDeliveries(tx, versionId, description, job.data.requestId)).length;
    });
    return { stored, planned };
  };
}

/**
 * reports.remind, every 15 minutes for every active practice: reminds radiologists of their
 * provisional reports older than 48 h, and hands work whose job was lost (Redis restarted without
 * its data: a send, a version's documents) back to the worker.
 */
export function reportRemindersJob(
  db: Database,
  o: { now?: () => Date; lostAfterMs?: number | undefined } = {},
) {
  const now = o.now ?? (() => new Date());
  return async () => {
    let opened = 0;
    let requeued = 0;
    for (const tenant of await db.platform(listTenants)) {
      if (tenant.status !== 'active') continue;
      opened += await remindProvisionalReports(db, toTenantRef(tenant), now());
      requeued += await requeueLostWork(db, toTenantRef(tenant), now(), o.lostAfterMs);
    }
    return { opened, requeued };
  };
}

/**
 * delivery.send: one attempt of one send (DMP, MSSanté, PFI). Retried by the queue with
 * exponential backoff and jitter while the failure is one a retry can fix.
 */
export function deliverySendJob(db: Database, senders: Partial<Record<Destination, DeliverySender>>) {
  return async (job: Job<JobData>) => {
    const { deliveryId } = job.data.payload as { deliveryId: string };
    const tenant = job.data.tenantId
      ? await db.platform((tx) => findTenantById(tx, job.data.tenantId!))
      : undefined;
    if (!tenant || tenant.status !== 'active') return { skipped: 'practice not active' };
    return attemptDelivery(db, toTenantRef(tenant), deliveryId, {
      senders,
      attempt: job.attemptsMade + 1,
      ...(job.opts.attempts ? { maxAttempts: job.opts.attempts } : {}),
      async load(tx, delivery) {
        const description = await reportDocumentOf(tx, tenant, delivery.versionId);
        const docs = await listReportDocumentContents(tx, delivery.versionId);
        const content = (kind: string) => {
          const doc = docs.find((d) => d.kind === kind);
          if (!doc) throw new Error(`the ${kind} of the version is not generated yet`);
          return doc.content;
        };
        const report = (await findReport(tx, delivery.reportId))!;
        const order = (await findOrder(tx, report.orderId))!;
        const referrer = order.referrerId
          ? (await listReferrers(tx)).find((r) => r.id === order.referrerId)
          : undefined;
        const previous = (await listReportDeliveries(tx, report.id)).findLast(
          (d) =>
            d.destination === delivery.destination &&
            d.versionId !== delivery.versionId &&
            d.status === 'delivered' &&
            d.action !== 'withdraw',
        );
        return {
          description,
          cda: content('cda'),
          pdf: content('pdf'),
          settings: await distributionSettings(tx),
          hiddenFromPatient: report.announcementRequired && report.announcedAt === null,
          referrerMailbox: referrer?.mssanteAddress ?? null,
          previousRemoteId: previous?.remoteId ?? null,
        };
      },
    });
  };
}
