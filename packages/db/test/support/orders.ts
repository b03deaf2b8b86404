import { insertOrderWithExams, type TenantTx } from '@rayon/db';
import { createPatient } from '@rayon/identity';

/** A new patient with one requested CT exam, as the desk (or an HL7 feed) enters it. */
export async function patientWithOrder(
  tx: TenantTx,
  o: { status?: 'requested' | 'scheduled'; source?: 'desk' | 'hl7' } = {},
) {
  const source = o.source ?? 'desk';
  const patient = await createPatient(
    tx,
    { traits: { birthFamilyName: 'ORDRE', firstBirthForename: 'Léa', birthDate: '1990-01-01', sex: 'F' } },
    { actor: { type: 'system', id: 'test' }, source, now: new Date() },
  );
  return insertOrderWithExams(tx, {
    patientId: patient.id,
    referrerId: null,
    exams: [{ examTypeId: null, modalityType: 'CT', requestedProcedure: 'Scanner' }],
    urgency: 'routine',
    clinicalInfo: null,
    placerOrderNumber: null,
    status: o.status ?? 'requested',
    source,
  });
}
