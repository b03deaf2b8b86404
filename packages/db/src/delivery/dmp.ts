import type { DmpStatus } from '@rayon/domain';
import { eq, sql } from 'drizzle-orm';
import type { TenantTx } from '../client.ts';
import { patients } from '../schema/tenant.ts';
import { recordAudit } from '../platform/audit.ts';
import { insertIdentityEvent } from '../identity/patients.ts';

/** What the DMP said of a patient at the last TD0.2 (null: never asked). */
export async function patientDmpStatus(
  tx: TenantTx,
  patientId: string,
): Promise<{ status: string | null; checkedAt: Date | null } | undefined> {
  const [row] = await tx
    .select({ status: patients.dmpStatus, checkedAt: patients.dmpCheckedAt })
    .from(patients)
    .where(eq(patients.id, patientId));
  return row;
}

/** Records TD0.2's answer for a patient (exists, none, opposed, closed). */
export async function recordDmpStatus(
  tx: TenantTx,
  patientId: string,
  status: DmpStatus,
  at: Date,
): Promise<void> {
  await tx
    .update(patients)
    .set({ dmpStatus: status, dmpCheckedAt: at, updatedAt: sql`now()` })
    .where(eq(patients.id, patientId));
}

/**
 * Traces an identity difference the DMP reported (TD0.2: the DMP holds the patient under another
 * INS): a line in the patient's identity history (what the practice sees, with both INS) and an
 * audit event (ids only). The identity itself is not changed: a person checks it.
 */
export async function traceDmpIdentityDifference(
  tx: TenantTx,
  o: { patientId: string; deliveryId: string; localIns: string; reportedIns: string; at: Date },
): Promise<void> {
  await insertIdentityEvent(tx, {
    patientId: o.patientId,
    at: o.at,
    actorType: 'system',
    actorId: 'delivery',
    source: 'dmp',
    action: 'dmp-identity-difference',
    changes: [{ field: 'ins.matricule', from: o.localIns, to: o.reportedIns }],
    note: "Le DMP (test d'existence TD0.2) connaît ce patient sous une autre INS : envoi au DMP suspendu, identité à vérifier.",
  });
  await recordAudit(tx, {
    actor: { type: 'system', id: 'delivery' },
    action: 'patient.dmp-identity-difference',
    target: o.patientId,
    details: { delivery: o.deliveryId },
  });
}
