/**
 * Patient identity as the RNIV (Référentiel national d'identitovigilance) and the INS reference
 * define it. Shared vocabulary of the identity business area: the rules live next to this file.
 */

/** Sexe as the INS uses it (administrative gender M / F; U only for a provisional identity). */
export const SEXES = ['M', 'F', 'U'] as const;
export type Sex = (typeof SEXES)[number];

/** Traits stricts: the only data required to create an identity. */
export interface StrictTraits {
  /** Nom de naissance, as written on the identity document or returned by INSi. */
  birthFamilyName: string;
  /** Premier prénom de naissance. */
  firstBirthForename: string;
  /** Liste des prénoms de naissance, space separated as INSi returns it (ListePrenom). */
  birthForenames: string;
  /** Date de naissance, ISO `YYYY-MM-DD`. */
  birthDate: string;
  sex: Sex;
  /** Code officiel géographique (COG, INSEE) of the birth place: 5 characters (e.g. 63220, 2B020, 99xxx abroad). */
  birthPlaceCode: string | null;
}

/** Traits complémentaires: never required, never blocking. */
export interface ComplementaryTraits {
  /** Nom utilisé. */
  usedFamilyName?: string | null;
  /** Prénom utilisé. */
  usedForename?: string | null;
}

/** Statuts de confiance of an identity (RNIV [EXI SI 07]). */
export const IDENTITY_STATUSES = ['provisoire', 'recuperee', 'validee', 'qualifiee'] as const;
export type IdentityStatus = (typeof IDENTITY_STATUSES)[number];

/** HL7 PID-32 / FR Core codes of the statuses. */
export const IDENTITY_STATUS_CODES: Record<IdentityStatus, 'PROV' | 'RECUP' | 'VALI' | 'QUAL'> = {
  provisoire: 'PROV',
  recuperee: 'RECUP',
  validee: 'VALI',
  qualifiee: 'QUAL',
};

export const IDENTITY_STATUS_LABELS: Record<IdentityStatus, string> = {
  provisoire: 'Identité provisoire',
  recuperee: 'Identité récupérée',
  validee: 'Identité validée',
  qualifiee: 'Identité qualifiée',
};

/** Attributs: independent of the status. */
export interface IdentityAttributes {
  douteuse: boolean;
  fictive: boolean;
  homonyme: boolean;
}

/** OIDs of the INS assigning authorities. */
export const INS_OIDS = {
  nir: '1.2.250.1.213.1.4.8',
  nia: '1.2.250.1.213.1.4.9',
  test: '1.2.250.1.213.1.4.10',
  demo: '1.2.250.1.213.1.4.11',
} as const;
export type InsOid = (typeof INS_OIDS)[keyof typeof INS_OIDS];
/** The INS authorities' OIDs as a list (the stored OID's CHECK, membership tests). */
export const INS_OID_VALUES = Object.values(INS_OIDS) as [InsOid, ...InsOid[]];

/**
 * The namespace naming an INS authority where a message carries it as text beside the OID (HL7
 * PID-3 CX.4.1, DICOM Issuer of Patient ID): the ANS examples and the DRIMbox KOS write
 * ASIP-SANTE-INS-NIR, also with the test OID; ASIP-SANTE-INS-NIA for the NIA.
 */
export const insNamespace = (oid: string): string =>
  oid === INS_OIDS.nia ? 'ASIP-SANTE-INS-NIA' : 'ASIP-SANTE-INS-NIR';

/** INS: matricule (NIR or NIA, 15 characters with its 2-digit key) + OID of its authority. */
export interface Ins {
  matricule: string;
  oid: InsOid;
}

/** Kind of identity document seen at the desk. */
export const IDENTITY_DOCUMENT_TYPES = [
  'carte_identite',
  'passeport',
  'titre_sejour',
  'livret_famille',
  'acte_naissance',
  'carte_vitale',
  'autre',
] as const;
export type IdentityDocumentType = (typeof IDENTITY_DOCUMENT_TYPES)[number];

/** What a kept copy of an identity document may be (a scan or photo, or a PDF). */
export const IDENTITY_DOCUMENT_CONTENT_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type IdentityDocumentContentType = (typeof IDENTITY_DOCUMENT_CONTENT_TYPES)[number];

/** The practice's settings key: copies of identity documents are kept (optional per practice). */
export const KEEP_DOCUMENT_COPIES_SETTING = 'identity.keepDocumentCopies';

/**
 * High-trust identity documents ("dispositifs d'identification à haut niveau de confiance",
 * RNIV volet 1 §3.3): passport, national identity card, residence permit. A livret de famille
 * or a birth certificate extract only for a minor, together with a parent's (or legal
 * guardian's) high-trust document (RNIV 2024, §3.3.3 special cases). The Carte Vitale is NOT an
 * identity document and `autre` (driving licence, …) is not high trust: both are refused.
 */
export const HIGH_TRUST_DOCUMENT_TYPES = ['carte_identite', 'passeport', 'titre_sejour'] as const;
export const MINOR_ONLY_DOCUMENT_TYPES = ['livret_famille', 'acte_naissance'] as const;

/** Where an identity change came from (kept in the identity history). */
export const IDENTITY_SOURCES = ['desk', 'api', 'hl7', 'insi', 'merge'] as const;
export type IdentitySource = (typeof IDENTITY_SOURCES)[number];

/**
 * The sources a line of the identity history may name: those of an identity change, and the DMP
 * (a difference of INS it reported, traced without changing the identity).
 */
export const IDENTITY_EVENT_SOURCES = [...IDENTITY_SOURCES, 'dmp'] as const;

/** What a line of the identity history records (`identity_events.action`). */
export const IDENTITY_EVENT_ACTIONS = [
  'created',
  'updated',
  'identifiers-added',
  'traits-changed',
  'complementary-changed',
  'document-checked',
  'attributes-changed',
  'merged',
  'absorbed',
  'insi-answer',
  'dmp-identity-difference',
] as const;
export type IdentityEventAction = (typeof IDENTITY_EVENT_ACTIONS)[number];

/** A local patient identifier (IPP) with the authority that assigned it (e.g. HL7 PID-3 CX.4). */
export interface LocalIdentifier {
  value: string;
  /** Assigning authority: namespace id, or OID, as received. */
  authority: string;
}

/** The identity of one patient as Rayon keeps it. */
export interface PatientIdentity {
  traits: StrictTraits;
  complementary: ComplementaryTraits;
  status: IdentityStatus;
  attributes: IdentityAttributes;
  /** Present once INSi returned it; carried in documents and messages only when qualified. */
  ins: Ins | null;
  /** When the INS was last returned (or confirmed) by INSi. */
  insRetrievedAt: string | null;
  /** The high-trust identity document seen, if any. */
  identityDocument: { type: IdentityDocumentType; checkedAt: string } | null;
}

/** A value recorded in the identity history (JSON-friendly). */
export type IdentityChangeValue = string | boolean | null;

/**
 * One changed field, for the identity history (`identity_events.changes`). Field names are
 * dotted paths of {@link PatientIdentity}: `traits.birthDate`, `status`, `ins.matricule`, …
 * Who, when and from what source are added by the caller (the service that stores it).
 */
export interface IdentityChange {
  field: string;
  from: IdentityChangeValue;
  to: IdentityChangeValue;
}

/** What every identity rule returns: the new identity and what changed (empty: nothing). */
export interface IdentityUpdate {
  identity: PatientIdentity;
  changes: IdentityChange[];
}
