/** Test-only: a DMP-eligible description shaped like packages/documents/examples/qualified-ins.json. */
import type { DmpDocumentDescription } from './metadata.ts';

export function sampleDescription(overrides: Partial<DmpDocumentDescription> = {}): DmpDocumentDescription {
  return {
    document: {
      id: '1.2.250.1.999.1.1.20261122.1',
      setId: '1.2.250.1.999.1.2.20261122.1',
      version: 1,
      title: "Compte rendu d'imagerie médicale",
      effectiveTime: '2026-11-22T11:02:00+01:00',
      confidentiality: 'N',
    },
    organisation: {
      name: 'Imagerie Démo Paris-Est',
      idNat: '1750712184',
      facilityType: { code: 'SA08', label: 'Cabinet de groupe' },
      practiceSetting: 'AMBULATOIRE',
    },
    patient: {
      identityStatus: 'qualifiee',
      ins: { matricule: '279035121518989', oid: '1.2.250.1.213.1.4.10' },
      localId: { root: '1.2.250.1.999.1.3', extension: 'IPP101' },
      birthFamilyName: 'PAT-TROIS',
      firstBirthForename: 'DOMINIQUE',
      birthDate: '1979-03-28',
      sex: 'F',
    },
    exams: [
      {
        studyInstanceUid: '1.2.250.1.999.1.4.1876350',
        accessionNumber: 'A000000123',
        regions: [{ code: '72696002', label: 'genou' }],
        startedAt: '2026-11-22T10:05:00+01:00',
        endedAt: '2026-11-22T10:25:00+01:00',
      },
    ],
    order: { placerOrderNumber: 'OPN101', placerAuthority: '1.2.250.1.748.12345678.12' },
    accessionAuthority: '1.2.250.1.999.1.5',
    radiologist: { rpps: '10001234567', familyName: 'BIDEAULT', givenName: 'Jacques' },
    ...overrides,
  };
}
