import type { Element } from '@xmldom/xmldom';
import { INS_OIDS } from './vihf-check.ts';

export const RIM = 'urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0';
export const UUID = {
  submissionSet: 'urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd',
  ssAuthor: 'urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d',
  ssContentType: 'urn:uuid:aa543740-bdda-424e-8c96-df4873be8500',
  ssPatientId: 'urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446',
  ssSourceId: 'urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832',
  ssUniqueId: 'urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8',
  documentEntry: 'urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1',
  deAuthor: 'urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d',
  classCode: 'urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a',
  confidentialityCode: 'urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f',
  eventCodeList: 'urn:uuid:2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4',
  formatCode: 'urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d',
  healthcareFacilityTypeCode: 'urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1',
  dePatientId: 'urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427',
  practiceSettingCode: 'urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead',
  typeCode: 'urn:uuid:f0306f51-975f-434e-a61c-c59651d33983',
  deUniqueId: 'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab',
} as const;

/** An XDS error the simulator answers in a RegistryResponse. */
export class XdsError extends Error {
  readonly code: string;
  constructor(code: string, context: string) {
    super(context);
    this.code = code;
  }
}
const metadataError = (context: string) => new XdsError('XDSRegistryMetadataError', context);

export function rimChildren(el: Element, name: string): Element[] {
  return Array.from(el.childNodes).filter(
    (n): n is Element =>
      n.nodeType === 1 && (n as Element).namespaceURI === RIM && (n as Element).localName === name,
  );
}
export function slotValues(el: Element, name: string): string[] {
  const slot = rimChildren(el, 'Slot').find((s) => s.getAttribute('name') === name);
  return slot
    ? Array.from(slot.getElementsByTagNameNS(RIM, 'Value')).map((v) => (v.textContent ?? '').trim())
    : [];
}
function classifications(el: Element, scheme: string): { code: string; scheme: string; node: Element }[] {
  return rimChildren(el, 'Classification')
    .filter((c) => c.getAttribute('classificationScheme') === scheme)
    .map((c) => ({
      code: c.getAttribute('nodeRepresentation') ?? '',
      scheme: slotValues(c, 'codingScheme')[0] ?? '',
      node: c,
    }));
}
function externalId(el: Element, scheme: string): string | undefined {
  return (
    rimChildren(el, 'ExternalIdentifier')
      .find((e) => e.getAttribute('identificationScheme') === scheme)
      ?.getAttribute('value') ?? undefined
  );
}
function oneCode(el: Element, scheme: string, what: string) {
  const list = classifications(el, scheme);
  if (list.length !== 1) throw metadataError(`${what}: une et une seule classification attendue`);
  return list[0] as { code: string; scheme: string; node: Element };
}
function requireSlot(el: Element, name: string, pattern?: RegExp): string {
  const v = slotValues(el, name)[0];
  if (!v) throw metadataError(`slot ${name} absent`);
  if (pattern && !pattern.test(v)) throw metadataError(`slot ${name} invalide`);
  return v;
}

/** `<15 digits>^^^&<INS OID>&ISO^NH`. */
export function parseInsCx(value: string | undefined): { matricule: string; oid: string } | undefined {
  const m = /^(\d{15})\^\^\^&([\d.]+)&ISO\^NH$/.exec(value ?? '');
  return m && INS_OIDS.includes(m[2] as string)
    ? { matricule: m[1] as string, oid: m[2] as string }
    : undefined;
}

const DTM = /^\d{4}(\d{2}(\d{2}(\d{2}(\d{2}(\d{2})?)?)?)?)?$/;
const VISIBILITY = [
  'MASQUE_PS',
  'INVISIBLE_PATIENT',
  'INVISIBLE_REPRESENTANTS_LEGAUX',
  'MASQUE_PSOCIAL',
  'MASQUE_PT',
];

export interface CheckedEntry {
  id: string;
  uniqueId: string;
  patientId: string;
  mimeType: string;
  hash: string;
  size: number;
  creationTime: string;
  serviceStartTime: string;
  serviceStopTime?: string;
  title: string;
  typeCode: string;
  classCode: string;
  formatCode: string;
  healthcareFacilityTypeCode: string;
  practiceSettingCode: string;
  confidentialityCodes: string[];
  eventCodes: string[];
  authorPerson: string[];
  authorInstitution: string[];
  legalAuthenticator?: string;
  sourcePatientId: string;
  referenceIdList: string[];
}

/** Submission set checks (national-services.md §1.3: R metadata of the "lot de soumission"). */
export function checkSubmissionSet(pkg: Element): { patientId: string; uniqueId: string; sourceId: string } {
  if (
    !rimChildren(pkg, 'Classification').some(
      (c) => c.getAttribute('classificationNode') === UUID.submissionSet,
    )
  ) {
    throw metadataError('RegistryPackage non classé comme lot de soumission');
  }
  requireSlot(pkg, 'submissionTime', DTM);
  const author = classifications(pkg, UUID.ssAuthor)[0];
  if (!author || slotValues(author.node, 'authorPerson').length === 0)
    throw metadataError('lot: authorPerson absent');
  const content = oneCode(pkg, UUID.ssContentType, 'contentTypeCode');
  if (!content.code || content.scheme !== '1.2.250.1.213.2.2')
    throw metadataError('contentTypeCode invalide');
  const patientId = externalId(pkg, UUID.ssPatientId);
  if (!parseInsCx(patientId)) throw metadataError('lot: patientId doit être un INS (OID INS, type NH)');
  const uniqueId = externalId(pkg, UUID.ssUniqueId);
  const sourceId = externalId(pkg, UUID.ssSourceId);
  if (!uniqueId || !/^[0-2](\.\d+)+$/.test(uniqueId)) throw metadataError('lot: uniqueId (OID) absent');
  if (!sourceId || !/^[0-2](\.\d+)+$/.test(sourceId)) throw metadataError('lot: sourceId (OID) absent');
  return { patientId: patientId as string, uniqueId, sourceId };
}

/** Document entry checks for a CR d'imagerie CDA N1 (national-services.md §1.3, §1.4). */
export function checkDocumentEntry(entry: Element): CheckedEntry {
  const id = entry.getAttribute('id') ?? '';
  if (entry.getAttribute('objectType') !== UUID.documentEntry)
    throw metadataError('objectType de fiche invalide');
  const mimeType = entry.getAttribute('mimeType') ?? '';
  if (mimeType !== 'text/xml') throw metadataError('mimeType doit être text/xml pour un CDA');
  const type = oneCode(entry, UUID.typeCode, 'typeCode');
  if (type.code !== '18748-4' || type.scheme !== '2.16.840.1.113883.6.1') {
    throw metadataError("typeCode doit être 18748-4 (LOINC) pour un CR d'imagerie");
  }
  const cls = oneCode(entry, UUID.classCode, 'classCode');
  if (cls.code !== '10' || cls.scheme !== '1.2.250.1.213.1.1.4.1')
    throw metadataError('classCode doit être 10');
  const format = oneCode(entry, UUID.formatCode, 'formatCode');
  if (format.code !== 'urn:ihe:iti:xds-sd:pdf:2008' || format.scheme !== '1.3.6.1.4.1.19376.1.2.3') {
    throw metadataError('formatCode doit être urn:ihe:iti:xds-sd:pdf:2008 (CDA N1)');
  }
  const hcft = oneCode(entry, UUID.healthcareFacilityTypeCode, 'healthcareFacilityTypeCode');
  if (!/^SA\d{2}$/.test(hcft.code) || hcft.scheme !== '1.2.250.1.71.4.2.4') {
    throw metadataError('healthcareFacilityTypeCode invalide');
  }
  const practice = oneCode(entry, UUID.practiceSettingCode, 'practiceSettingCode');
  if (
    !['AMBULATOIRE', 'ETABLISSEMENT'].includes(practice.code) ||
    practice.scheme !== '1.2.250.1.213.1.1.4.9'
  ) {
    throw metadataError('practiceSettingCode invalide');
  }
  const conf = classifications(entry, UUID.confidentialityCode);
  const [first, ...rest] = conf;
  if (!first || !['N', 'R', 'V'].includes(first.code) || first.scheme !== '2.16.840.1.113883.5.25') {
    throw metadataError(
      'confidentialityCode: la première occurrence doit être N, R ou V (2.16.840.1.113883.5.25)',
    );
  }
  for (const c of rest) {
    if (!VISIBILITY.includes(c.code) || c.scheme !== '1.2.250.1.213.1.1.4.13') {
      throw metadataError(`confidentialityCode ${c.code} inconnu`);
    }
  }
  const author = classifications(entry, UUID.deAuthor)[0];
  if (!author || slotValues(author.node, 'authorPerson').length === 0)
    throw metadataError('fiche: authorPerson absent');
  const patientId = externalId(entry, UUID.dePatientId);
  if (!parseInsCx(patientId)) throw metadataError('fiche: patientId doit être un INS (OID INS, type NH)');
  const uniqueId = externalId(entry, UUID.deUniqueId);
  if (!uniqueId || !/^([0-2](\.\d+)+|[0-9a-f-]{36})$/i.test(uniqueId))
    throw metadataError('fiche: uniqueId absent');
  const hash = requireSlot(entry, 'hash', /^[0-9a-f]{40}$/i).toLowerCase();
  const size = Number(requireSlot(entry, 'size', /^\d+$/));
  const title = rimChildren(entry, 'Name')[0]
    ?.getElementsByTagNameNS(RIM, 'LocalizedString')[0]
    ?.getAttribute('value');
  if (!title) throw metadataError('fiche: titre (Name) absent');
  requireSlot(entry, 'languageCode');
  const serviceStopTime = slotValues(entry, 'serviceStopTime')[0];
  return {
    id,
    uniqueId,
    patientId: patientId as string,
    mimeType,
    hash,
    size,
    creationTime: requireSlot(entry, 'creationTime', DTM),
    serviceStartTime: requireSlot(entry, 'serviceStartTime', DTM),
    ...(serviceStopTime ? { serviceStopTime } : {}),
    title,
    typeCode: type.code,
    classCode: cls.code,
    formatCode: format.code,
    healthcareFacilityTypeCode: hcft.code,
    practiceSettingCode: practice.code,
    confidentialityCodes: conf.map((c) => c.code),
    eventCodes: classifications(entry, UUID.eventCodeList).map((c) => `${c.code}^${c.scheme}`),
    authorPerson: slotValues(author.node, 'authorPerson'),
    authorInstitution: slotValues(author.node, 'authorInstitution'),
    ...(slotValues(entry, 'legalAuthenticator')[0]
      ? { legalAuthenticator: slotValues(entry, 'legalAuthenticator')[0] as string }
      : {}),
    sourcePatientId: requireSlot(entry, 'sourcePatientId'),
    referenceIdList: slotValues(entry, 'urn:ihe:iti:xds:2013:referenceIdList'),
  };
}
