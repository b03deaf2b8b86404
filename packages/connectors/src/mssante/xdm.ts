/**
 * The IHE XDM archive (ITI-32) that carries the CDA in an MSSanté mail
 * (national-services.md §2.3): `INDEX.HTM`, `README.TXT`, `IHE_XDM/SUBSET01/METADATA.XML` (an
 * ebRIM 3.0 SubmitObjectsRequest, the XDS metadata of §1.3–1.4, each entry with a `URI` slot
 * naming its file) and the document `IHE_XDM/SUBSET01/DOC0001.XML`. Deterministic: the same
 * description and CDA give the same bytes (fixed entry dates, ids derived from the document id).
 */
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import { create } from 'xmlbuilder2';
import { qualifiedIns, type MssanteDescription, type MssanteReferrer } from './description.ts';

type XMLBuilder = ReturnType<typeof create>;

export const XDM_PATHS = {
  index: 'INDEX.HTM',
  readme: 'README.TXT',
  subset: 'IHE_XDM/SUBSET01/',
  metadata: 'IHE_XDM/SUBSET01/METADATA.XML',
  document: 'IHE_XDM/SUBSET01/DOC0001.XML',
} as const;

/** File name of the CDA inside the subset, as the `URI` slot gives it (DRIM-DATA XDS.xml). */
export const XDM_DOCUMENT_URI = 'DOC0001.XML';

const NS = {
  lcm: 'urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0',
  rim: 'urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0',
} as const;

/** IHE XDS UUIDs (national-services.md §1.3). */
export const XDS_UUID = {
  submissionSet: 'urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd',
  ssAuthor: 'urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d',
  ssContentTypeCode: 'urn:uuid:aa543740-bdda-424e-8c96-df4873be8500',
  ssPatientId: 'urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446',
  ssSourceId: 'urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832',
  ssUniqueId: 'urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8',
  documentEntry: 'urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1',
  deAuthor: 'urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d',
  deClassCode: 'urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a',
  deConfidentialityCode: 'urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f',
  deEventCodeList: 'urn:uuid:2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4',
  deFormatCode: 'urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d',
  deFacilityTypeCode: 'urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1',
  dePatientId: 'urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427',
  dePracticeSettingCode: 'urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead',
  deTypeCode: 'urn:uuid:f0306f51-975f-434e-a61c-c59651d33983',
  deUniqueId: 'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab',
} as const;

/** Codes of the CR d'imagerie CDA N1 PDF (national-services.md §1.4). */
export const CR_IMAGERIE_CODES = {
  typeCode: { code: '18748-4', scheme: '2.16.840.1.113883.6.1', label: "CR d'imagerie médicale" },
  classCode: { code: '10', scheme: '1.2.250.1.213.1.1.4.1', label: 'Compte rendu' },
  formatCode: {
    code: 'urn:ihe:iti:xds-sd:pdf:2008',
    scheme: '1.3.6.1.4.1.19376.1.2.3',
    label: 'CDA R2 N1 PDF',
  },
} as const;

const OID = {
  rpps: '1.2.250.1.71.4.2.1',
  structure: '1.2.250.1.71.4.2.2',
  facilityType: '1.2.250.1.71.4.2.4',
  practiceSetting: '1.2.250.1.213.1.1.4.9',
  specialty: '1.2.250.1.213.1.1.4.5',
  confidentiality: '2.16.840.1.113883.5.25',
  /** Region codes of the eventCodeList, as the reference's table and DRIM-DATA write them. */
  region: '1.2.250.1.213.2.5',
  contentType: '1.2.250.1.213.2.2',
} as const;

const CONFIDENTIALITY = { N: 'Normal', R: 'Restreint', V: 'Très restreint' } as const;
const PRACTICE_SETTING = { AMBULATOIRE: 'Ambulatoire', ETABLISSEMENT: 'Etablissement de santé' } as const;

export interface XdmSoftware {
  name: string;
  version: string;
  editor: string;
}

export interface XdmOptions {
  description: MssanteDescription;
  /** The stored CDA R2 N1 (XML bytes), put in the archive unchanged. */
  cda: Uint8Array;
  /** OID of the sending system (submission set sourceId); default derived from the structure's IdNat. */
  sourceId?: string;
  /** Submission time; default the validation instant (so the archive is reproducible). */
  submittedAt?: Date;
  /** The addressee, written as the submission set's intendedRecipient (XDM). */
  recipient?: { address: string; professional?: MssanteReferrer };
  /**
   * Submission set contentTypeCode (JDV_J59, TRE_R209): default `07` "Consultations soins
   * externes" (IG-HL7-CDA maps PV1-2 O → 07).
   */
  contentType?: { code: string; label: string };
  software?: XdmSoftware;
}

export const RAYON_SOFTWARE: XdmSoftware = { name: 'Rayon', version: '1.0', editor: 'Rayon' };

/** `2.25.<integer>` (ITU-T X.667): an OID from a UUID-sized hash of a seed. */
export function derivedOid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex').slice(0, 32);
  return `2.25.${BigInt(`0x${hex}`).toString()}`;
}

/** A name-based UUID (RFC 9562 version 5 layout over SHA-1 of the seed). */
export function derivedUuid(seed: string): string {
  const bytes = createHash('sha1').update(seed).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** XDS DTM, in UTC as ITI TF-3 §4.2.3.1.4 asks: YYYYMMDDHHMMSS. */
export function xdsTime(instant: string | Date): string {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(d.getTime())) throw new Error(`not a date-time: ${String(instant)}`);
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

const cdaUid = (uid: string) => (uid.includes('-') ? uid.toUpperCase() : uid);

/**
 * XCN of a professional by national id (IdNat_PS: `8` + RPPS, else `0` + ADELI), as in DRIM-DATA
 * XDS.xml; a professional known by name only gets the name alone (no id, no assigning authority).
 * Hypothesis: an ADELI-based IdNat_PS takes the same identifier type IDNPS as an RPPS-based one
 * (both are « identifiant national de PS » under 1.2.250.1.71.4.2.1; no example with ADELI seen).
 */
export function professionalXcn(
  p: Pick<MssanteReferrer, 'rpps' | 'adeli' | 'familyName' | 'givenName'>,
): string {
  const id = p.rpps ? `8${p.rpps}` : p.adeli ? `0${p.adeli}` : null;
  const name = `${hl7(p.familyName)}^${hl7(p.givenName ?? '')}`;
  return id ? `${id}^${name}^^^^^^&${OID.rpps}&ISO^D^^^IDNPS` : `^${name}`;
}

/** HL7 v2 component text: the separators cannot appear in a value. */
const hl7 = (s: string) => s.replace(/[|^&~\\]/g, ' ').trim();

/** The XDS patientId: the INS with a qualified identity (`^NH`), else the practice's IPP (`^PI`). */
export function xdsPatientId(description: MssanteDescription): string {
  const ins = qualifiedIns(description);
  if (ins) return `${ins.matricule}^^^&${ins.oid}&ISO^NH`;
  const local = description.patient.localId;
  if (local) return `${hl7(local.extension)}^^^&${local.root}&ISO^PI`;
  throw new Error(
    'XDM metadata: the patient has neither a qualified INS nor a local identifier (patient.localId)',
  );
}

function sourcePatientId(description: MssanteDescription): string {
  const local = description.patient.localId;
  if (local) return `${hl7(local.extension)}^^^&${local.root}&ISO^PI`;
  const ins = qualifiedIns(description)!;
  return `${ins.matricule}^^^&${ins.oid}&ISO^PI`;
}

/**
 * Every `&` of a value escaped before xmlbuilder2 sees it: the builder leaves what looks like a
 * reference (`&p;`, `&#0;`, `&amp;`) as it is, so a title « A&p; » made the metadata unreadable.
 */
const amp = (value: string) => value.replace(/&/g, '&amp;');

function slot(parent: XMLBuilder, name: string, values: string[]): void {
  const list = parent.ele(NS.rim, 'rim:Slot', { name }).ele(NS.rim, 'rim:ValueList');
  for (const v of values) list.ele(NS.rim, 'rim:Value').txt(amp(v));
}

function localized(parent: XMLBuilder, element: 'Name' | 'Description', value: string): void {
  parent
    .ele(NS.rim, `rim:${element}`)
    .ele(NS.rim, 'rim:LocalizedString', { charset: 'UTF-8', value: amp(value), 'xml:lang': 'fr-FR' });
}

interface Ids {
  next(): string;
}

function classification(
  parent: XMLBuilder,
  ids: Ids,
  o: { scheme: string; object: string; node: string; codingScheme: string; label: string },
): void {
  const c = parent.ele(NS.rim, 'rim:Classification', {
    id: ids.next(),
    classificationScheme: o.scheme,
    classifiedObject: o.object,
    nodeRepresentation: amp(o.node),
  });
  slot(c, 'codingScheme', [o.codingScheme]);
  localized(c, 'Name', o.label);
}

function externalIdentifier(
  parent: XMLBuilder,
  ids: Ids,
  o: { scheme: string; object: string; value: string; name: string },
): void {
  const e = parent.ele(NS.rim, 'rim:ExternalIdentifier', {
    id: ids.next(),
    identificationScheme: o.scheme,
    registryObject: o.object,
    value: amp(o.value),
  });
  localized(e, 'Name', o.name);
}

export interface XdmMetadataFacts {
  submissionSetUniqueId: string;
  entryUuid: string;
  documentUniqueId: string;
  patientId: string;
}

/** METADATA.XML of the subset: one submission set, one document entry (the CDA), one HasMember. */
export function buildXdmMetadata(options: XdmOptions): { xml: string; facts: XdmMetadataFacts } {
  const d = options.description;
  const org = d.organisation;
  const seed = `${d.document.id}|${d.document.version}`;
  const entryUuid = `urn:uuid:${derivedUuid(`xdm-entry|${seed}`)}`;
  const submissionSet = 'SubmissionSet01';
  const submissionSetUniqueId = derivedOid(`xdm-submission-set|${seed}`);
  const documentUniqueId = cdaUid(d.document.id);
  const patientId = xdsPatientId(d);
  const submittedAt = options.submittedAt ?? new Date(d.validatedAt);
  const sourceId = options.sourceId ?? derivedOid(`structure|${org.idNat}`);
  const contentType = options.contentType ?? { code: '07', label: 'Consultations soins externes' };
  let counter = 0;
  const ids: Ids = { next: () => `id${String(++counter).padStart(2, '0')}` };

  const authorPerson = professionalXcn(d.radiologist);
  // ebRIM Value is at most 256 characters (rim.xsd LongName): the XON name is shortened if need be.
  const authorInstitution = `${hl7(org.name).slice(0, 180)}^^^^^&${OID.structure}&ISO^IDNST^^^${org.idNat}`;
  const authorSpecialty = `${d.radiologist.specialty.code}^${hl7(d.radiologist.specialty.label)}^${OID.specialty}`;

  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(NS.lcm, 'lcm:SubmitObjectsRequest', {
    'xmlns:rim': NS.rim,
  });
  const list = root.ele(NS.rim, 'rim:RegistryObjectList');

  // Document entry.
  const cdaBytes = Buffer.from(options.cda);
  const entry = list.ele(NS.rim, 'rim:ExtrinsicObject', {
    id: entryUuid,
    mimeType: 'text/xml',
    objectType: XDS_UUID.documentEntry,
  });
  const byTime = (a: string, b: string) => Date.parse(a) - Date.parse(b);
  const starts = d.exams.map((e) => e.startedAt).sort(byTime);
  const ends = d.exams.map((e) => e.endedAt ?? e.startedAt).sort(byTime);
  slot(entry, 'creationTime', [xdsTime(d.document.effectiveTime)]);
  slot(entry, 'hash', [createHash('sha1').update(cdaBytes).digest('hex')]);
  slot(entry, 'languageCode', ['fr-FR']);
  slot(entry, 'legalAuthenticator', [authorPerson]);
  slot(entry, 'serviceStartTime', [xdsTime(starts[0]!)]);
  slot(entry, 'serviceStopTime', [xdsTime(ends.at(-1)!)]);
  slot(entry, 'size', [String(cdaBytes.length)]);
  slot(entry, 'sourcePatientId', [sourcePatientId(d)]);
  slot(entry, 'sourcePatientInfo', [
    `PID-5|${hl7(d.patient.birthFamilyName)}^${hl7(d.patient.firstBirthForename)}^^^^^L`,
    `PID-7|${d.patient.birthDate.replace(/-/g, '')}`,
    `PID-8|${d.patient.sex}`,
  ]);
  slot(entry, 'URI', [XDM_DOCUMENT_URI]);
  const references = d.exams.flatMap((e) => [
    `${hl7(e.accessionNumber)}^^^&${d.accessionAuthority}&ISO^urn:ihe:iti:xds:2013:accession`,
    `${e.studyInstanceUid}^^^^urn:ihe:iti:xds:2016:studyInstanceUID`,
  ]);
  if (d.order) {
    references.push(
      `${hl7(d.order.placerOrderNumber)}^^^&${d.order.placerAuthority}&ISO^urn:ihe:iti:xds:2013:order`,
    );
  }
  slot(entry, 'urn:ihe:iti:xds:2013:referenceIdList', references);
  localized(entry, 'Name', d.document.title);
  const author = entry.ele(NS.rim, 'rim:Classification', {
    id: ids.next(),
    classificationScheme: XDS_UUID.deAuthor,
    classifiedObject: entryUuid,
    nodeRepresentation: '',
  });
  slot(author, 'authorPerson', [authorPerson]);
  slot(author, 'authorInstitution', [authorInstitution]);
  slot(author, 'authorSpecialty', [authorSpecialty]);
  const codes = CR_IMAGERIE_CODES;
  classification(entry, ids, {
    scheme: XDS_UUID.deClassCode,
    object: entryUuid,
    node: codes.classCode.code,
    codingScheme: codes.classCode.scheme,
    label: codes.classCode.label,
  });
  classification(entry, ids, {
    scheme: XDS_UUID.deConfidentialityCode,
    object: entryUuid,
    node: d.document.confidentiality,
    codingScheme: OID.confidentiality,
    label: CONFIDENTIALITY[d.document.confidentiality],
  });
  const regions = new Map<string, string>();
  for (const e of d.exams) for (const r of e.regions) if (!regions.has(r.code)) regions.set(r.code, r.label);
  for (const [code, label] of regions) {
    classification(entry, ids, {
      scheme: XDS_UUID.deEventCodeList,
      object: entryUuid,
      node: code,
      codingScheme: OID.region,
      label,
    });
  }
  classification(entry, ids, {
    scheme: XDS_UUID.deFormatCode,
    object: entryUuid,
    node: codes.formatCode.code,
    codingScheme: codes.formatCode.scheme,
    label: codes.formatCode.label,
  });
  classification(entry, ids, {
    scheme: XDS_UUID.deFacilityTypeCode,
    object: entryUuid,
    node: org.facilityType.code,
    codingScheme: OID.facilityType,
    label: org.facilityType.label,
  });
  classification(entry, ids, {
    scheme: XDS_UUID.dePracticeSettingCode,
    object: entryUuid,
    node: org.practiceSetting,
    codingScheme: OID.practiceSetting,
    label: PRACTICE_SETTING[org.practiceSetting],
  });
  classification(entry, ids, {
    scheme: XDS_UUID.deTypeCode,
    object: entryUuid,
    node: codes.typeCode.code,
    codingScheme: codes.typeCode.scheme,
    label: codes.typeCode.label,
  });
  externalIdentifier(entry, ids, {
    scheme: XDS_UUID.dePatientId,
    object: entryUuid,
    value: patientId,
    name: 'XDSDocumentEntry.patientId',
  });
  externalIdentifier(entry, ids, {
    scheme: XDS_UUID.deUniqueId,
    object: entryUuid,
    value: documentUniqueId,
    name: 'XDSDocumentEntry.uniqueId',
  });

  // Submission set.
  const set = list.ele(NS.rim, 'rim:RegistryPackage', { id: submissionSet });
  slot(set, 'submissionTime', [xdsTime(submittedAt)]);
  if (options.recipient) {
    const person = options.recipient.professional ? professionalXcn(options.recipient.professional) : '';
    slot(set, 'intendedRecipient', [`|${person}|^^Internet^${options.recipient.address}`]);
  }
  localized(set, 'Name', d.document.title);
  const setAuthor = set.ele(NS.rim, 'rim:Classification', {
    id: ids.next(),
    classificationScheme: XDS_UUID.ssAuthor,
    classifiedObject: submissionSet,
    nodeRepresentation: '',
  });
  slot(setAuthor, 'authorPerson', [authorPerson]);
  slot(setAuthor, 'authorInstitution', [authorInstitution]);
  slot(setAuthor, 'authorSpecialty', [authorSpecialty]);
  classification(set, ids, {
    scheme: XDS_UUID.ssContentTypeCode,
    object: submissionSet,
    node: contentType.code,
    codingScheme: OID.contentType,
    label: contentType.label,
  });
  externalIdentifier(set, ids, {
    scheme: XDS_UUID.ssPatientId,
    object: submissionSet,
    value: patientId,
    name: 'XDSSubmissionSet.patientId',
  });
  externalIdentifier(set, ids, {
    scheme: XDS_UUID.ssSourceId,
    object: submissionSet,
    value: sourceId,
    name: 'XDSSubmissionSet.sourceId',
  });
  externalIdentifier(set, ids, {
    scheme: XDS_UUID.ssUniqueId,
    object: submissionSet,
    value: submissionSetUniqueId,
    name: 'XDSSubmissionSet.uniqueId',
  });
  list.ele(NS.rim, 'rim:Classification', {
    id: ids.next(),
    classifiedObject: submissionSet,
    classificationNode: XDS_UUID.submissionSet,
  });
  const association = list.ele(NS.rim, 'rim:Association', {
    id: ids.next(),
    associationType: 'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember',
    sourceObject: submissionSet,
    targetObject: entryUuid,
  });
  slot(association, 'SubmissionSetStatus', ['Original']);

  return {
    xml: root.end({ prettyPrint: true }),
    facts: { submissionSetUniqueId, entryUuid, documentUniqueId, patientId },
  };
}

const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';

/** README.TXT: sender, sending software, instructions and tree, as the ANS/DRIMbox example lays it out. No patient data. */
export function buildXdmReadme(
  description: MssanteDescription,
  software: XdmSoftware = RAYON_SOFTWARE,
): string {
  const org = description.organisation;
  const r = description.radiologist;
  const address = [...org.address.lines, `${org.address.postalCode} ${org.address.city}`].join(' ');
  return crlf([
    'Emetteur :',
    '=============',
    `    . Nom : ${[r.suffix, r.familyName, r.givenName].filter(Boolean).join(' ')}`,
    `    . Organisme : ${org.name} (${org.idNat})`,
    `    . Adresse : ${address}`,
    ...(org.phone ? [`    . Téléphone : ${org.phone}`] : []),
    '',
    "Application de l'emetteur :",
    '=========================',
    `    . Nom : ${software.name}`,
    `    . Version : ${software.version}`,
    `    . Editeur : ${software.editor}`,
    '',
    'Instructions :',
    '=============',
    '. Consultez les fichiers reçus par messagerie sécurisée de santé dans votre logiciel de professionnel de santé.',
    '',
    'Arborescence :',
    '============',
    '     README.TXT',
    '     INDEX.HTM',
    '     IHE_XDM',
    '          SUBSET01',
    '               METADATA.XML',
    `               ${XDM_DOCUMENT_URI}`,
  ]);
}

/** INDEX.HTM: XHTML page linking the README and the document (ITI-32). No patient data. */
export function buildXdmIndex(description: MssanteDescription): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' })
    .dtd({
      name: 'html',
      pubID: '-//W3C//DTD XHTML 1.0 Strict//EN',
      sysID: 'http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd',
    })
    .ele('http://www.w3.org/1999/xhtml', 'html', { 'xml:lang': 'fr', lang: 'fr' });
  doc.ele('head').ele('title').txt('Contenu du support IHE XDM');
  const body = doc.ele('body');
  body.ele('p').txt(amp(`Emetteur : ${description.organisation.name} (${description.organisation.idNat})`));
  const ul = body.ele('ul');
  ul.ele('li').ele('a', { href: XDM_PATHS.readme }).txt('Lisez-moi (README.TXT)');
  ul.ele('li')
    .ele('a', { href: XDM_PATHS.document })
    .txt(amp(`${description.document.title} (CDA R2)`));
  return doc.end({ prettyPrint: true });
}

/** The IHE_XDM.zip bytes. */
export function buildXdmZip(options: XdmOptions): Uint8Array {
  const { xml } = buildXdmMetadata(options);
  const encoder = new TextEncoder();
  // Entry dates from the document (not the clock), so the archive is reproducible. ZIP dates are
  // local DOS times; fflate reads them in the process time zone, which is fine for a fixed instant.
  const mtime = new Date(options.description.document.effectiveTime);
  return zipSync(
    {
      [XDM_PATHS.index]: encoder.encode(buildXdmIndex(options.description)),
      [XDM_PATHS.readme]: encoder.encode(buildXdmReadme(options.description, options.software)),
      [XDM_PATHS.metadata]: encoder.encode(xml),
      [XDM_PATHS.document]: options.cda,
    },
    { level: 6, mtime },
  );
}
