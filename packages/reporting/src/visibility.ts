/**
 * The DMP visibility of a report after it left: a report held for its announcement goes to the DMP
 * invisible to the patient (INVISIBLE_PATIENT); once the announcement is recorded, its DMP entry
 * must become visible — a metadata update of the entry (ITI-57), planned here as a send of its own
 * (action `visibility`), after the publication in the order of the patient's sends.
 */
import {
  DELIVERY_TOPIC,
  enqueueOutbox,
  findReport,
  insertDelivery,
  listReportDeliveries,
  listReportVersions,
  type DeliveryRow,
  type TenantTx,
} from '@rayon/db';
import { deliveryKey } from '@rayon/domain';

/**
 * Plans the DMP visibility update of a report's validated version once its announcement is
 * recorded (in the caller's transaction), when that version's DMP send was made: delivered, or
 * still pending. A publication that has not left yet goes out visible (the sender reads the
 * announcement when it sends); the update, which comes after it, then finds the entry visible
 * and sends nothing — planned anyway so that a publication in flight at this very moment
 * (invisible) is not left invisible for ever. Nothing when the DMP was not sent to (not
 * configured, identity not qualified) or when there is no validated version.
 */
export async function planDmpVisibilityUpdate(
  tx: TenantTx,
  reportId: string,
  requestId: string | null,
): Promise<DeliveryRow | undefined> {
  const report = await findReport(tx, reportId);
  if (!report) return undefined;
  const validated = (await listReportVersions(tx, reportId)).find((v) => v.status === 'validated');
  if (!validated) return undefined;
  const publication = (await listReportDeliveries(tx, reportId)).find(
    (d) =>
      d.versionId === validated.id &&
      d.destination === 'dmp' &&
      (d.action === 'publish' || d.action === 'replace') &&
      (d.status === 'delivered' || d.status === 'pending'),
  );
  if (!publication) return undefined;
  const row = await insertDelivery(tx, {
    reportId,
    versionId: validated.id,
    patientId: publication.patientId,
    destination: 'dmp',
    action: 'visibility',
    idempotencyKey: deliveryKey(validated.id, 'dmp', 'visibility'),
    status: 'pending',
    reason: null,
  });
  if (row) await enqueueOutbox(tx, { topic: DELIVERY_TOPIC, payload: { deliveryId: row.id }, requestId });
  return row;
}
