import {
  enqueueOutbox,
  listProvisionalSince,
  listVersionsWithoutDocuments,
  openNotification,
  REPORT_DOCUMENTS_TOPIC,
  requeueStaleDeliveries,
  type Database,
  type TenantRef,
} from '@rayon/db';
import { PROVISIONAL_REMINDER_KIND, PROVISIONAL_REMINDER_MS } from '@rayon/domain';

/**
 * Reminds each radiologist of the provisional reports they wrote more than 48 h ago: one open
 * notification per report, until it is validated (validation resolves it).
 */
export async function remindProvisionalReports(db: Database, tenant: TenantRef, now: Date): Promise<number> {
  return db.withTenant(tenant, async (tx) => {
    let opened = 0;
    for (const r of await listProvisionalSince(tx, new Date(now.getTime() - PROVISIONAL_REMINDER_MS))) {
      const isNew = await openNotification(tx, {
        userId: r.authorId,
        kind: PROVISIONAL_REMINDER_KIND,
        target: r.reportId,
        message: 'Compte rendu préliminaire en attente de validation depuis plus de 48 h',
      });
      if (isNew) opened++;
    }
    return opened;
  });
}

/** A pending send untouched this long, or a validated version without documents, has lost its job. */
export const LOST_JOB_AFTER_MS = 10 * 60 * 1000;
/** Documents missing longer than this are not looked for any more (a person is told by then). */
const LOST_DOCUMENTS_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Hands the practice's lost work (Redis restarted without its data) to the worker again: sends
 * still pending, untouched and due (not claimed by a live lease, their next attempt passed),
 * validated versions whose documents were never made. The jobs are
 * idempotent, so this can only cost a duplicate job, never a duplicate document or send.
 */
export function requeueLostWork(
  db: Database,
  tenant: TenantRef,
  now: Date,
  lostAfterMs = LOST_JOB_AFTER_MS,
): Promise<number> {
  const before = new Date(now.getTime() - lostAfterMs);
  return db.withTenant(tenant, async (tx) => {
    const versions = await listVersionsWithoutDocuments(
      tx,
      new Date(now.getTime() - LOST_DOCUMENTS_WINDOW_MS),
      before,
    );
    for (const v of versions) {
      await enqueueOutbox(tx, { topic: REPORT_DOCUMENTS_TOPIC, payload: v, requestId: null });
    }
    return versions.length + (await requeueStaleDeliveries(tx, before, now));
  });
}
