import { DELIVERY_TOPIC, findReport, listReportDocumentContents, type Database } from '@rayon/db';
import { createDelivery, distributionSettings, type DeliverySender } from '@rayon/delivery';
import type { Destination, RetryPolicy } from '@rayon/domain';
import { asOriginal, frozenDescriptionOf } from '@rayon/reporting';
import { DelayedError, type Job } from 'bullmq';
import { jobPayload } from '../payloads.ts';
import type { JobData } from '../queue.ts';
import { jobContext } from './practice.ts';

/**
 * delivery.send: one attempt of one send (DMP, MSSanté, PFI), claimed, called outside any
 * transaction, recorded (see attemptDelivery in @rayon/delivery). A send that must wait (its
 * circuit open, its next attempt later, another worker's claim) puts its job back, delayed until
 * then, without spending one of the queue's attempts; the maintenance hands back any due send
 * whose job was lost.
 */
export function deliverySendJob(
  db: Database,
  senders: Partial<Record<Destination, DeliverySender>>,
  o: { policy?: RetryPolicy | undefined; leaseMs?: number | undefined } = {},
) {
  const useCases = createDelivery({ db, senders, policy: o.policy, leaseMs: o.leaseMs });
  return async (job: Job<JobData>, token?: string) => {
    const { deliveryId } = jobPayload(job, DELIVERY_TOPIC);
    const practice = await jobContext(db, job);
    if (!practice) return { skipped: 'practice not active' };
    const { ctx, tenant } = practice;
    const result = await useCases.send(ctx, deliveryId, async (tx, delivery) => {
      // What was frozen with the version's documents (the reporting area's), never the live data.
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
    });
    if (result.retryAt && token) {
      // Back in the queue until its turn, without spending an attempt of the queue.
      await job.moveToDelayed(result.retryAt.getTime(), token);
      throw new DelayedError();
    }
    return result;
  };
}
