import { findTenantById, listTenants, toTenantRef, type Database } from '@rayon/db';
import { generateReportDocuments, remindProvisionalReports } from '@rayon/reporting';
import type { Job } from 'bullmq';
import type { JobData } from '../queue.ts';

/** The job that reminds radiologists of provisional reports, run on a schedule. */
export const REPORT_REMINDER_JOB = 'reports.remind';
export const REPORT_REMINDER_EVERY_MS = 15 * 60 * 1000;

/**
 * report.documents: the PDF/A and CDA of a validated version, stored once (a retry or a second
 * delivery of the message finds them there and stores nothing).
 */
export function reportDocumentsJob(db: Database) {
  return async (job: Job<JobData>) => {
    const { versionId } = job.data.payload as { versionId: string };
    const tenant = job.data.tenantId
      ? await db.platform((tx) => findTenantById(tx, job.data.tenantId!))
      : undefined;
    if (!tenant || tenant.status !== 'active') return { skipped: 'practice not active' };
    const { stored } = await generateReportDocuments(db, toTenantRef(tenant), tenant, versionId);
    return { stored };
  };
}

/** reports.remind: every active practice's provisional reports older than 48 h. */
export function reportRemindersJob(db: Database, now: () => Date = () => new Date()) {
  return async () => {
    let opened = 0;
    for (const tenant of await db.platform(listTenants)) {
      if (tenant.status === 'active')
        opened += await remindProvisionalReports(db, toTenantRef(tenant), now());
    }
    return { opened };
  };
}
