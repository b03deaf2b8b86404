/** The reporting area's use cases, each taking the caller's explicit context first. */
import type { UseCaseContext } from '@rayon/db';
import { planReportDeliveries } from '@rayon/delivery';
import { generateReportDocuments, type PracticeIdentity } from './documents.ts';
import { readingUseCases, type ReportingDeps } from './reading.ts';
import { remindProvisionalReports, requeueLostWork } from './reminders.ts';
import { settingsUseCases } from './settings.ts';
import { validationUseCases } from './validation.ts';
import { writingUseCases } from './writing.ts';

/** What happens to a report outside a request (the worker's jobs). */
function backgroundUseCases({ db }: ReportingDeps) {
  return {
    /**
     * The PDF/A and CDA of a validated version, stored once, and in the same transaction its
     * sends planned (once each): a version has both or neither.
     */
    generateDocuments: async (ctx: UseCaseContext, practice: PracticeIdentity, versionId: string) => {
      let planned = 0;
      const { stored } = await generateReportDocuments(
        db,
        ctx.tenant,
        practice,
        versionId,
        async (tx, description, routing) => {
          planned = (await planReportDeliveries(tx, versionId, description, ctx.requestId, routing)).length;
        },
      );
      return { stored, planned };
    },

    /**
     * Reminds radiologists of their provisional reports older than 48 h, and hands the practice's
     * work whose job was lost (a send, a version's documents) back to the worker.
     */
    remind: async (ctx: UseCaseContext, o: { lostAfterMs?: number | undefined } = {}) => ({
      opened: await remindProvisionalReports(db, ctx.tenant, ctx.now()),
      requeued: await requeueLostWork(db, ctx.tenant, ctx.now(), o.lostAfterMs),
    }),
  };
}

/** Comptes rendus: writing, validation, versions, corrections, withdrawal, documents. */
export function createReporting(deps: ReportingDeps) {
  return {
    ...readingUseCases(deps),
    ...writingUseCases(deps),
    ...validationUseCases(deps),
    ...settingsUseCases(deps),
    ...backgroundUseCases(deps),
  };
}
export type { ReportingDeps } from './reading.ts';
