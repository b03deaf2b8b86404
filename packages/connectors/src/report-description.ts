/**
 * The parts of a report's description every connector reads the same way. Structurally subsets
 * of `ReportDocument` (packages/documents/src/input.ts): the connectors do not depend on the
 * documents package, so a `ReportDocument` is passed as is.
 */
export interface DescribedDocument {
  id: string;
  setId: string;
  version: number;
  replaces?: string | undefined;
  title: string;
  effectiveTime: string;
  confidentiality: 'N' | 'R' | 'V';
}

export interface DescribedPatient {
  identityStatus: 'provisoire' | 'recuperee' | 'validee' | 'qualifiee';
  ins?: { matricule: string; oid: string } | undefined;
  localId?: { root: string; extension: string } | undefined;
  birthFamilyName: string;
  firstBirthForename: string;
  birthDate: string;
  sex: 'F' | 'M' | 'U';
}
