/**
 * DMP constants: service paths and SOAP actions (national-services.md §1.1), IHE XDS.b UUIDs
 * (§1.3, as in the ANS DRIMbox PoC XDSUUID.java), and the codes of a CR d'imagerie CDA N1 (§1.4).
 */
export const DMP_NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  wsa: 'http://www.w3.org/2005/08/addressing',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  hl7: 'urn:hl7-org:v3',
  xdsb: 'urn:ihe:iti:xds-b:2007',
  lcm: 'urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0',
  rim: 'urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0',
  rs: 'urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0',
  xop: 'http://www.w3.org/2004/08/xop/include',
} as const;

export const DMP_SERVICES = {
  provideAndRegister: { path: '/repository', action: 'urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b' },
  updateDocumentSet: { path: '/registry', action: 'urn:ihe:iti:2010:UpdateDocumentSet' },
  patients: { path: '/patients', action: 'urn:hl7-org:v3:PRPA_IN201307UV02' },
} as const;

/** The ANS test environment (DMP_DV9) base URL used by the DRIMbox PoC. */
export const DMP_TEST_BASE_URL = 'https://lps.dev9.dmp.gouv.fr/si-dmp-server/v2/services';

export const XDS_UUID = {
  submissionSet: 'urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd',
  submissionSetAuthor: 'urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d',
  submissionSetContentType: 'urn:uuid:aa543740-bdda-424e-8c96-df4873be8500',
  submissionSetPatientId: 'urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446',
  submissionSetSourceId: 'urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832',
  submissionSetUniqueId: 'urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8',
  documentEntry: 'urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1',
  documentEntryAuthor: 'urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d',
  classCode: 'urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a',
  confidentialityCode: 'urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f',
  eventCodeList: 'urn:uuid:2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4',
  formatCode: 'urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d',
  healthcareFacilityTypeCode: 'urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1',
  documentEntryPatientId: 'urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427',
  practiceSettingCode: 'urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead',
  typeCode: 'urn:uuid:f0306f51-975f-434e-a61c-c59651d33983',
  documentEntryUniqueId: 'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab',
} as const;

export const ASSOCIATION = {
  hasMember: 'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember',
  replace: 'urn:ihe:iti:2007:AssociationType:RPLC',
  updateAvailabilityStatus: 'urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus',
} as const;

export const STATUS = {
  approved: 'urn:oasis:names:tc:ebxml-regrep:StatusType:Approved',
  deprecated: 'urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated',
  /** DMP deletion status (DRIMbox DeleteRequest.java, §1.5). */
  deleted: 'urn:asip:ci-sis:2010:StatusType:Deleted',
} as const;

export const RESPONSE_STATUS = {
  success: 'urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success',
  failure: 'urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure',
  partialSuccess: 'urn:ihe:iti:2007:ResponseStatusType:PartialSuccess',
} as const;

export interface Code {
  code: string;
  scheme: string;
  label: string;
}

/** §1.4, column "CR d'imagerie, CDA N1 PDF". */
export const CR_IMAGERIE = {
  typeCode: { code: '18748-4', scheme: '2.16.840.1.113883.6.1', label: "CR d'imagerie médicale" },
  classCode: { code: '10', scheme: '1.2.250.1.213.1.1.4.1', label: 'Compte rendu' },
  formatCode: {
    code: 'urn:ihe:iti:xds-sd:pdf:2008',
    scheme: '1.3.6.1.4.1.19376.1.2.3',
    label: 'Document à corps non structuré en Pdf/A-1',
  },
  mimeType: 'text/xml',
} as const satisfies Record<string, Code | string>;

export const CODE_SYSTEMS = {
  healthcareFacilityType: '1.2.250.1.71.4.2.4',
  practiceSetting: '1.2.250.1.213.1.1.4.9',
  /** Anatomical regions in eventCodeList (DRIM-DATA XDS.xml). */
  region: '1.2.250.1.213.2.5',
  /** TRE_R209 TypeActivite, submission-set contentTypeCode (JDV_J59). */
  contentType: '1.2.250.1.213.2.2',
  confidentialityHl7: '2.16.840.1.113883.5.25',
  /** TRE_A07 StatutVisibiliteDocument. */
  visibility: '1.2.250.1.213.1.1.4.13',
  rpps: '1.2.250.1.71.4.2.1',
  structure: '1.2.250.1.71.4.2.2',
} as const;

export const PRACTICE_SETTING_LABELS: Record<string, string> = {
  AMBULATOIRE: 'Ambulatoire',
  ETABLISSEMENT: 'Etablissement de santé',
};

export const CONFIDENTIALITY_HL7: Record<string, string> = {
  N: 'Normal',
  R: 'Restreint',
  V: 'Très restreint',
};

export const VISIBILITY_CODES = {
  MASQUE_PS: 'Masqué aux professionnels de santé',
  INVISIBLE_PATIENT: 'Non visible par le patient',
  INVISIBLE_REPRESENTANTS_LEGAUX: 'Non visible par les représentants légaux du patient',
} as const;
export type VisibilityCode = keyof typeof VISIBILITY_CODES;

/** INS authorities (INS-NIR, INS-NIA, INS-NIR de test, de démonstration). */
export const INS_OIDS = [
  '1.2.250.1.213.1.4.8',
  '1.2.250.1.213.1.4.9',
  '1.2.250.1.213.1.4.10',
  '1.2.250.1.213.1.4.11',
] as const;
