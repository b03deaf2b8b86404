import type { DescribedDocument, DescribedPatient } from '../report-description.ts';

/**
 * What the MSSanté builders read of a report description. Structurally a subset of
 * `ReportDocument` (packages/documents/src/input.ts): the connectors do not depend on the
 * documents package (DESIGN.md, arrows point down), so a `ReportDocument` is passed as is.
 */
export interface MssanteCoded {
  code: string;
  label: string;
}

export interface MssanteProfessional {
  rpps: string;
  familyName: string;
  givenName?: string | undefined;
  prefix?: string | undefined;
  suffix?: string | undefined;
}

/** A referrer: RPPS, ADELI, both or neither (known by name only). */
export interface MssanteReferrer extends Omit<MssanteProfessional, 'rpps'> {
  rpps?: string | undefined;
  adeli?: string | undefined;
  specialty?: string | undefined;
}

export interface MssanteDescription {
  document: DescribedDocument;
  organisation: {
    name: string;
    idNat: string;
    address: { lines: string[]; postalCode: string; city: string };
    phone?: string | undefined;
    facilityType: MssanteCoded;
    practiceSetting: 'AMBULATOIRE' | 'ETABLISSEMENT';
  };
  patient: DescribedPatient;
  exams: {
    studyInstanceUid: string;
    accessionNumber: string;
    label: string;
    modality: string;
    regions: MssanteCoded[];
    startedAt: string;
    endedAt?: string | undefined;
  }[];
  order?: { placerOrderNumber: string; placerAuthority: string } | undefined;
  accessionAuthority: string;
  /** The referrer as the documents name them: by RPPS, by ADELI, or by name only. */
  referrer?: MssanteReferrer | undefined;
  radiologist: MssanteProfessional & { specialty: MssanteCoded };
  validatedAt: string;
}

/** The INS travels (documents, X-MSS-INS, patient mailbox) only with a qualified identity. */
export function qualifiedIns(description: MssanteDescription): { matricule: string; oid: string } | null {
  const p = description.patient;
  return p.identityStatus === 'qualifiee' && p.ins ? p.ins : null;
}
