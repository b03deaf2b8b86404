import {
  listProvisionalSince,
  openNotification,
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

/** A pending send untouched this long has lost its job (see requeueStaleDeliveries). */
export const STALE_DELIVERY_MS = 10 * 60 * 1000;

/** Hands the practice's lost sends to the worker again; returns how many. */
export function requeueLostDeliveries(db: Database, tenant: TenantRef, now: Date): Promise<number> {
  return db.withTenant(tenant, (tx) =>
    requeueStaleDeliveries(tx, new Date(now.getTime() - STALE_DELIVERY_MS)),
  );
}
