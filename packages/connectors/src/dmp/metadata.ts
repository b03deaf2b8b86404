import { isOneOf } from '@rayon/domain';
import { createHash, randomUUID } from 'node:crypto';
import {
  ASSOCIATION,
  CODE_SYSTEMS,
  CONFIDENTIALITY_HL7,
  CR_IMAGERIE,
  INS_OIDS,
  PRACTICE_SETTING_LABELS,
  VISIBILITY_CODES,
  XDS_UUID,
  type VisibilityCode,
} from './codes.ts';
import { esc, nameUuid, uuidOid, xdsTime } from './xml.ts';
import type { DescribedDocument, DescribedPatient } from '../report-description.ts';

/**
 * What the DMP metadata is made from: the fields it reads of a report's document description
 * (`ReportDocument` of @rayon/documents is assignable to it; connectors do not depend on documents).
 */
export interface DmpDocumentDescription {
  document: DescribedDocument;
  organisation: {
    name: string;
    idNat: string;
    facilityType: { code: string; label: string };
    practiceSetting: 'AMBULATOIRE' | 'ETABLISSEMENT';
  };
  patient: DescribedPatient;
  exams: readonly {
    studyInstanceUid: string;
    accessionNumber: string;
    regions: readonly { code: string; label: string }[];
    startedAt: string;
    endedAt?: string | undefined;
  }[];
  order?: { placerOrderNumber: string; placerAuthority: string } | undefined;
  accessionAuthority: string;
  radiologist: { rpps: string; familyName: string; givenName?: string | undefined };
}

export type DmpEligibility =
  { eligible: true } | { eligible: false; reason: 'identité non qualifiée : document non envoyé au DMP' };

/** Only a document whose patient identity is qualified, and so carries the INS, goes to the DMP. */
export function dmpEligibility(description: Pick<DmpDocumentDescription, 'patient'>): DmpEligibility {
  const { patient } = description;
  if (patient.identityStatus === 'qualifiee' && patient.ins && isOneOf(INS_OIDS, patient.ins.oid)) {
    return { eligible: true };
  }
  return { eligible: false, reason: 'identité non qualifiée : document non envoyé au DMP' };
}

/** The INS as an HL7 v2 CX with assigning authority, type NH (patientId, VIHF resource-id). */
export function insCx(ins: { matricule: string; oid: string }, type: 'NH' | 'PI' = 'NH'): string {
  return `${ins.matricule}^^^&${ins.oid}&ISO^${type}`;
}

/**
 * The entryUUID Rayon gives a document's DMP entry: a name-based UUID of its unique id, so that a
 * replacement can name the entry it replaces (RPLC targetObject) without a query, and a retry
 * sends the same entry. The DMP keeps a submitted `urn:uuid:` id (ITI TF-3 4.2.3.1.7 allows the
 * source to assign it). [I]: whether the DMP reassigns entryUUIDs is not confirmed.
 */
export function dmpEntryUuid(documentUniqueId: string): string {
  return `urn:uuid:${nameUuid(`rayon:dmp:entry:${documentUniqueId}`)}`;
}

export interface XdsMetadataOptions {
  /** The CDA bytes: `hash` (SHA-1, hex, as XDS.b requires) and `size` are computed from them. */
  cda: Uint8Array | string;
  /** Defaults to description.document.id (the CDA `id@root`). */
  uniqueId?: string;
  /** The entry to replace (RPLC); defaults to the entry of description.document.replaces. */
  replaces?: { entryUuid: string } | undefined;
  /** DMP visibility flags, added as extra confidentialityCode classifications. */
  confidentiality?: {
    masquePs?: boolean;
    invisiblePatient?: boolean;
    invisibleRepresentantsLegaux?: boolean;
  };
  /**
   * ITI-57 metadata update (national-services.md §1.5): a new logical version of the entry, with
   * a new entryUUID, the entry's logical id (lid) and the version it follows (HasMember slot
   * PreviousVersion); no document, no RPLC.
   */
  update?: { entryUuid: string; lid: string; previousVersion: string } | undefined;
  /** Submission time (defaults to now). */
  now?: Date;
  /** sourceId of the submission set: an OID of the sender (defaults to accessionAuthority). */
  sourceId?: string;
  /** Submission set uniqueId (defaults to an OID under 2.25 from a random UUID). */
  submissionSetUniqueId?: string;
  /** contentTypeCode (JDV_J59, TRE_R209); default 07 "Consultations soins externes". */
  contentType?: { code: string; label: string };
}

export interface XdsMetadata {
  /** `<lcm:SubmitObjectsRequest>` element, namespaces declared on it. */
  xml: string;
  entryUuid: string;
  uniqueId: string;
  submissionSetUniqueId: string;
  hash: string;
  size: number;
  replacedEntryUuid?: string;
  confidentialityCodes: string[];
}

const slot = (name: string, values: readonly string[]) =>
  `<rim:Slot name="${esc(name)}"><rim:ValueList>${values.map((v) => `<rim:Value>${esc(v)}</rim:Value>`).join('')}</rim:ValueList></rim:Slot>`;
const localized = (tag: 'Name' | 'Description', value: string) =>
  `<rim:${tag}><rim:LocalizedString charset="UTF-8" xml:lang="fr-FR" value="${esc(value)}"/></rim:${tag}>`;

/** Symbolic ids of classifications and external identifiers, unique within one request. */
function idGenerator(): () => number {
  let n = 0;
  return () => ++n;
}
function classification(
  next: () => number,
  scheme: string,
  classifiedObject: string,
  code: { code: string; scheme: string; label: string },
): string {
  return `<rim:Classification classificationScheme="${scheme}" classifiedObject="${esc(classifiedObject)}" id="cl${next()}" nodeRepresentation="${esc(code.code)}">${slot('codingScheme', [code.scheme])}${localized('Name', code.label)}</rim:Classification>`;
}
function externalIdentifier(
  next: () => number,
  scheme: string,
  registryObject: string,
  value: string,
  name: string,
): string {
  return `<rim:ExternalIdentifier id="ei${next()}" identificationScheme="${scheme}" registryObject="${esc(registryObject)}" value="${esc(value)}">${localized('Name', name)}</rim:ExternalIdentifier>`;
}

/** XCN of a professional known by RPPS (identifiant national = 8 + RPPS), as in the DMP samples. */
export function professionalXcn(p: {
  rpps: string;
  familyName: string;
  givenName?: string | undefined;
}): string {
  return `8${p.rpps}^${p.familyName}^${p.givenName ?? ''}^^^^^^&${CODE_SYSTEMS.rpps}&ISO^D^^^IDNPS`;
}
/** XON of the structure (authorInstitution). */
export function structureXon(o: { name: string; idNat: string }): string {
  return `${o.name}^^^^^&${CODE_SYSTEMS.structure}&ISO^IDNST^^^${o.idNat}`;
}

/**
 * The ITI-41 `SubmitObjectsRequest` of a CR d'imagerie (CDA R2 N1): submission set
 * (RegistryPackage), one document entry (ExtrinsicObject), HasMember, and RPLC for a new
 * version (national-services.md §1.3–1.5). Throws if the description is not DMP-eligible.
 */
export function buildXdsMetadata(
  description: DmpDocumentDescription,
  options: XdsMetadataOptions,
): XdsMetadata {
  if (!dmpEligibility(description).eligible || !description.patient.ins) {
    throw new TypeError('identité non qualifiée : document non envoyé au DMP');
  }
  const next = idGenerator();
  const { document: doc, organisation: org, patient, radiologist } = description;
  const ins = patient.ins as { matricule: string; oid: string };
  const bytes = typeof options.cda === 'string' ? Buffer.from(options.cda, 'utf8') : options.cda;
  const hash = createHash('sha1').update(bytes).digest('hex');
  const uniqueId = options.uniqueId ?? doc.id;
  const entryUuid = options.update?.entryUuid ?? dmpEntryUuid(uniqueId);
  const replacedEntryUuid = options.update
    ? undefined
    : (options.replaces?.entryUuid ?? (doc.replaces ? dmpEntryUuid(doc.replaces) : undefined));
  const submissionSetUniqueId = options.submissionSetUniqueId ?? uuidOid(randomUUID());
  const now = options.now ?? new Date();
  const patientId = insCx(ins);
  const author = professionalXcn(radiologist);
  const institution = structureXon(org);
  const ss = 'SubmissionSet01';
  const contentType = options.contentType ?? { code: '07', label: 'Consultations soins externes' };

  const confidentialityCodes: { code: string; scheme: string; label: string }[] = [
    {
      code: doc.confidentiality,
      scheme: CODE_SYSTEMS.confidentialityHl7,
      label: CONFIDENTIALITY_HL7[doc.confidentiality] ?? doc.confidentiality,
    },
  ];
  const flags = options.confidentiality ?? {};
  const visibility: [boolean | undefined, VisibilityCode][] = [
    [flags.masquePs, 'MASQUE_PS'],
    [flags.invisiblePatient, 'INVISIBLE_PATIENT'],
    [flags.invisibleRepresentantsLegaux, 'INVISIBLE_REPRESENTANTS_LEGAUX'],
  ];
  for (const [on, code] of visibility) {
    if (on)
      confidentialityCodes.push({ code, scheme: CODE_SYSTEMS.visibility, label: VISIBILITY_CODES[code] });
  }

  const starts = description.exams.map((e) => new Date(e.startedAt).getTime());
  const ends = description.exams.flatMap((e) => (e.endedAt ? [new Date(e.endedAt).getTime()] : []));
  const referenceIds = description.exams.flatMap((e) => [
    `${e.accessionNumber}^^^&${description.accessionAuthority}&ISO^urn:ihe:iti:xds:2013:accession`,
    `${e.studyInstanceUid}^^^^urn:ihe:iti:xds:2016:studyInstanceUID`,
  ]);
  if (description.order) {
    referenceIds.push(
      `${description.order.placerOrderNumber}^^^&${description.order.placerAuthority}&ISO^urn:ihe:iti:xds:2013:order`,
    );
  }
  const regions = new Map<string, string>();
  for (const e of description.exams) for (const r of e.regions) regions.set(r.code, r.label);

  const authorClassification = (scheme: string, object: string) =>
    `<rim:Classification classificationScheme="${scheme}" classifiedObject="${object}" id="cl${next()}" nodeRepresentation="">${slot('authorPerson', [author])}${slot('authorInstitution', [institution])}</rim:Classification>`;

  const submissionSet = [
    `<rim:RegistryPackage id="${ss}" objectType="urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage">`,
    slot('submissionTime', [xdsTime(now)]),
    localized('Name', doc.title),
    authorClassification(XDS_UUID.submissionSetAuthor, ss),
    classification(next, XDS_UUID.submissionSetContentType, ss, {
      ...contentType,
      scheme: CODE_SYSTEMS.contentType,
    }),
    `<rim:Classification classificationNode="${XDS_UUID.submissionSet}" classifiedObject="${ss}" id="cl${next()}"/>`,
    externalIdentifier(next, XDS_UUID.submissionSetPatientId, ss, patientId, 'XDSSubmissionSet.patientId'),
    externalIdentifier(
      next,
      XDS_UUID.submissionSetSourceId,
      ss,
      options.sourceId ?? description.accessionAuthority,
      'XDSSubmissionSet.sourceId',
    ),
    externalIdentifier(
      next,
      XDS_UUID.submissionSetUniqueId,
      ss,
      submissionSetUniqueId,
      'XDSSubmissionSet.uniqueId',
    ),
    '</rim:RegistryPackage>',
  ].join('');

  const sourcePatientId = patient.localId
    ? `${patient.localId.extension}^^^&${patient.localId.root}&ISO^PI`
    : insCx(ins, 'PI');
  const entry = [
    `<rim:ExtrinsicObject id="${entryUuid}"${options.update ? ` lid="${esc(options.update.lid)}"` : ''} mimeType="${CR_IMAGERIE.mimeType}" objectType="${XDS_UUID.documentEntry}">`,
    slot('creationTime', [xdsTime(doc.effectiveTime)]),
    slot('hash', [hash]),
    slot('languageCode', ['fr-FR']),
    slot('legalAuthenticator', [author]),
    slot('serviceStartTime', [xdsTime(new Date(Math.min(...starts)))]),
    ...(ends.length > 0 ? [slot('serviceStopTime', [xdsTime(new Date(Math.max(...ends)))])] : []),
    slot('size', [String(bytes.length)]),
    slot('sourcePatientId', [sourcePatientId]),
    slot('sourcePatientInfo', [
      `PID-5|${patient.birthFamilyName}^${patient.firstBirthForename}^^^^^L`,
      `PID-7|${patient.birthDate.replace(/-/g, '')}`,
      `PID-8|${patient.sex}`,
    ]),
    slot('urn:ihe:iti:xds:2013:referenceIdList', referenceIds),
    localized('Name', doc.title),
    authorClassification(XDS_UUID.documentEntryAuthor, entryUuid),
    classification(next, XDS_UUID.classCode, entryUuid, CR_IMAGERIE.classCode),
    ...confidentialityCodes.map((c) => classification(next, XDS_UUID.confidentialityCode, entryUuid, c)),
    ...[...regions].map(([code, label]) =>
      classification(next, XDS_UUID.eventCodeList, entryUuid, { code, scheme: CODE_SYSTEMS.region, label }),
    ),
    classification(next, XDS_UUID.formatCode, entryUuid, CR_IMAGERIE.formatCode),
    classification(next, XDS_UUID.healthcareFacilityTypeCode, entryUuid, {
      ...org.facilityType,
      scheme: CODE_SYSTEMS.healthcareFacilityType,
    }),
    classification(next, XDS_UUID.practiceSettingCode, entryUuid, {
      code: org.practiceSetting,
      scheme: CODE_SYSTEMS.practiceSetting,
      label: PRACTICE_SETTING_LABELS[org.practiceSetting] ?? org.practiceSetting,
    }),
    classification(next, XDS_UUID.typeCode, entryUuid, CR_IMAGERIE.typeCode),
    externalIdentifier(
      next,
      XDS_UUID.documentEntryPatientId,
      entryUuid,
      patientId,
      'XDSDocumentEntry.patientId',
    ),
    externalIdentifier(
      next,
      XDS_UUID.documentEntryUniqueId,
      entryUuid,
      uniqueId,
      'XDSDocumentEntry.uniqueId',
    ),
    '</rim:ExtrinsicObject>',
  ].join('');

  const associations = [
    `<rim:Association associationType="${ASSOCIATION.hasMember}" id="urn:uuid:${randomUUID()}" sourceObject="${ss}" targetObject="${entryUuid}">${slot('SubmissionSetStatus', ['Original'])}${options.update ? slot('PreviousVersion', [options.update.previousVersion]) : ''}</rim:Association>`,
  ];
  if (replacedEntryUuid) {
    associations.push(
      `<rim:Association associationType="${ASSOCIATION.replace}" id="urn:uuid:${randomUUID()}" sourceObject="${entryUuid}" targetObject="${esc(replacedEntryUuid)}"/>`,
    );
  }

  const xml =
    `<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">` +
    `<rim:RegistryObjectList>${submissionSet}${entry}${associations.join('')}</rim:RegistryObjectList></lcm:SubmitObjectsRequest>`;
  return {
    xml,
    entryUuid,
    uniqueId,
    submissionSetUniqueId,
    hash,
    size: bytes.length,
    ...(replacedEntryUuid ? { replacedEntryUuid } : {}),
    confidentialityCodes: confidentialityCodes.map((c) => c.code),
  };
}

/**
 * ITI-57 `SubmitObjectsRequest` that deletes a document from the DMP (TD3.3c): a submission set
 * and an UpdateAvailabilityStatus association Approved → `urn:asip:ci-sis:2010:StatusType:Deleted`
 * (national-services.md §1.5, DRIMbox DeleteRequest.java).
 */
export function buildDeletionMetadata(input: {
  entryUuid: string;
  patientIns: { matricule: string; oid: string };
  author: { rpps: string; familyName: string; givenName?: string | undefined };
  organisation: { name: string; idNat: string };
  sourceId: string;
  now?: Date;
  submissionSetUniqueId?: string;
  /** The entry's current status (default Approved). */
  originalStatus?: string;
}): string {
  const next = idGenerator();
  const ss = 'SubmissionSet01';
  const submissionSet = [
    `<rim:RegistryPackage id="${ss}" objectType="urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage">`,
    slot('submissionTime', [xdsTime(input.now ?? new Date())]),
    `<rim:Classification classificationScheme="${XDS_UUID.submissionSetAuthor}" classifiedObject="${ss}" id="cl${next()}" nodeRepresentation="">${slot('authorPerson', [professionalXcn(input.author)])}${slot('authorInstitution', [structureXon(input.organisation)])}</rim:Classification>`,
    classification(next, XDS_UUID.submissionSetContentType, ss, {
      code: '07',
      scheme: CODE_SYSTEMS.contentType,
      label: 'Consultations soins externes',
    }),
    `<rim:Classification classificationNode="${XDS_UUID.submissionSet}" classifiedObject="${ss}" id="cl${next()}"/>`,
    externalIdentifier(
      next,
      XDS_UUID.submissionSetPatientId,
      ss,
      insCx(input.patientIns),
      'XDSSubmissionSet.patientId',
    ),
    externalIdentifier(next, XDS_UUID.submissionSetSourceId, ss, input.sourceId, 'XDSSubmissionSet.sourceId'),
    externalIdentifier(
      next,
      XDS_UUID.submissionSetUniqueId,
      ss,
      input.submissionSetUniqueId ?? uuidOid(randomUUID()),
      'XDSSubmissionSet.uniqueId',
    ),
    '</rim:RegistryPackage>',
  ].join('');
  const association = `<rim:Association associationType="urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus" id="urn:uuid:${randomUUID()}" sourceObject="${ss}" targetObject="${esc(input.entryUuid)}">${slot('OriginalStatus', [input.originalStatus ?? 'urn:oasis:names:tc:ebxml-regrep:StatusType:Approved'])}${slot('NewStatus', ['urn:asip:ci-sis:2010:StatusType:Deleted'])}</rim:Association>`;
  return (
    `<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">` +
    `<rim:RegistryObjectList>${submissionSet}${association}</rim:RegistryObjectList></lcm:SubmitObjectsRequest>`
  );
}
