import { listTenants, REPORT_DOCUMENTS_TOPIC, systemContext, toTenantRef, type Database } from '@rayon/db';
import { createReporting } from '@rayon/reporting';
import type { Job } from 'bullmq';
import { jobPayload } from '../payloads.ts';
import type { JobData } from '../queue.ts';
import { jobContext } from './practice.ts';

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
    const practice = await jobContext(db, job);
    if (!practice) return { skipped: 'practice not active' };
    const { ctx, tenant } = practice;
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
