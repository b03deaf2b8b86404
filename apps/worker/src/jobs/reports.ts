import {
  DELIVERY_TOPIC,
  findReport,
  findTenantById,
  listReportDocumentContents,
  listTenants,
  REPORT_DOCUMENTS_TOPIC,
  systemContext,
  toTenantRef,
  type Database,
} from '@rayon/db';
import {
  asOriginal,
  attemptDelivery,
  createReporting,
  distributionSettings,
  frozenDescriptionOf,
  type DeliverySender,
} from '@rayon/reporting';
import type { Destination, RetryPolicy } from '@rayon/domain';
import { DelayedError, type Job } from 'bullmq';
import { jobPayload } from '../payloads.ts';
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
  const reporting = createReporting({ db });
  return async (job: Job<JobData>) => {
    const { versionId } = jobPayload(job, REPORT_DOCUMENTS_TOPIC);
    const tenant = job.data.tenantId
      ? await db.platform((tx) => findTenantById(tx, job.data.tenantId!))
      : undefined;
    if (!tenant || tenant.status !== 'active') return { skipped: 'practice not active' };
    // Work handed back by the maintenance carries no request id: the job's own names it.
    const ctx = systemContext(job.data.requestId ?? `job:${job.id}`, toTenantRef(tenant));
    return reporting.generateDocuments(ctx, tenant, versionId);
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
  const reporting = createReporting({ db });
  return async (job?: Job<JobData>) => {
    let opened = 0;
    let requeued = 0;
    for (const tenant of await db.platform(listTenants)) {
      if (tenant.status !== 'active') continue;
      const ctx = systemContext(`job:${job?.id ?? REPORT_REMINDER_JOB}`, toTenantRef(tenant));
      const done = await reporting.remind(o.now ? { ...ctx, now: o.now } : ctx, o);
      opened += done.opened;
      requeued += done.requeued;
    }
    return { opened, requeued };
  };
}

/**
 * delivery.send: one attempt of one send (DMP, MSSanté, PFI), claimed, called outside any
 * transaction, recorded (see attemptDelivery). A send that must wait (its circuit open, its next
 * attempt later, another worker's claim) puts its job back, delayed until then, without spending
 * one of the queue's attempts; the maintenance hands back any due send whose job was lost.
 */
export function deliverySendJob(
  db: Database,
  senders: Partial<Record<Destination, DeliverySender>>,
  o: { policy?: RetryPolicy | undefined; leaseMs?: number | undefined } = {},
) {
  return async (job: Job<JobData>, token?: string) => {
    const { deliveryId } = jobPayload(job, DELIVERY_TOPIC);
    const tenant = job.data.tenantId
      ? await db.platform((tx) => findTenantById(tx, job.data.tenantId!))
      : undefined;
    if (!tenant || tenant.status !== 'active') return { skipped: 'practice not active' };
    const result = await attemptDelivery(db, toTenantRef(tenant), deliveryId, {
      senders,
      policy: o.policy,
      leaseMs: o.leaseMs,
      async load(tx, delivery) {
        // What was frozen with the version's documents, never the live data.
        const docs = await listReportDocumentContents(tx, delivery.versionId);
        const frozen = await frozenDescriptionOf(tx, tenant, delivery.versionId, docs);
        const content = (kind: string) => {
          const doc = docs.find((d) => d.kind === kind);
          if (!doc) throw new Error(`the ${kind} of the version is not generated yet`);
          return doc.content;
        };
        // Read when the send goes: announced meanwhile, it goes visible to the patient.
        const report = (await findReport(tx, delivery.reportId))!;
        const pdf = content('pdf');
        let description = frozen.description;
        let cda = content('cda');
        // A correction going as an original (the earlier version never arrived there): no
        // reference to a document the destination does not have, in the metadata or the CDA.
        if (delivery.action === 'publish' && description.document.replaces) {
          ({ description, cda } = asOriginal(description, pdf));
        }
        return {
          description,
          cda,
          pdf,
          settings: await distributionSettings(tx),
          hiddenFromPatient: report.announcementRequired && report.announcedAt === null,
          referrerMailbox: frozen.routing.referrerMailbox,
        };
      },
    });
    if (result.retryAt && token) {
      // Back in the queue until its turn, without spending an attempt of the queue.
      await job.moveToDelayed(result.retryAt.getTime(), token);
      throw new DelayedError();
    }
    return result;
  };
}
