/**
 * Test data written through this package's repositories and the domain's rules only: the db tests
 * stand below the application packages (DESIGN.md, the arrows) and do not borrow their use cases.
 */
import { newIdentity, type StrictTraitsInput } from '@rayon/domain';
import {
  insertIdentityEvent,
  insertOrderWithExams,
  insertPatient,
  patientColumnsOf,
  type TenantTx,
} from '../../src/index.ts';

/** A provisional patient with its « created » history entry, as the desk enters one. */
export async function newPatient(tx: TenantTx, traits: StrictTraitsInput) {
  const { identity, changes } = newIdentity({ traits }, new Date());
  const row = await insertPatient(tx, { ...patientColumnsOf(identity), mergedInto: null });
  await insertIdentityEvent(tx, {
    patientId: row.id,
    actorType: 'system',
    actorId: 'test',
    source: 'desk',
    action: 'created',
    changes,
  });
  return row;
}

/** A new patient with one requested CT exam, as the desk (or an HL7 feed) enters it. */
export async function patientWithOrder(
  tx: TenantTx,
  o: { status?: 'requested' | 'scheduled'; source?: 'desk' | 'hl7' } = {},
) {
  const patient = await newPatient(tx, {
    birthFamilyName: 'ORDRE',
    firstBirthForename: 'Léa',
    birthDate: '1990-01-01',
    sex: 'F',
  });
  return insertOrderWithExams(tx, {
    patientId: patient.id,
    referrerId: null,
    exams: [{ examTypeId: null, modalityType: 'CT', requestedProcedure: 'Scanner' }],
    urgency: 'routine',
    clinicalInfo: null,
    placerOrderNumber: null,
    status: o.status ?? 'requested',
    source: o.source ?? 'desk',
  });
}
