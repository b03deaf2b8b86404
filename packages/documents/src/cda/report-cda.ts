/**
 * The CR d'imagerie as CDA R2 level 1 (CI-SIS "Structuration minimale", LOINC 18748-4) with
 * the PDF/A in a nonXMLBody. Header element by element as `reference/cda-hl7v2-ins.md` §2.3
 * and the ANS examples (`conformance/cda/examples/testcontenucda/IMG_CR_IMG_2024.01_CDA-R2-
 * Niveau-1.xml`, `ris-vague2/*.xml`) give it; the order of the elements is the CDA schema's.
 */
import { create } from 'xmlbuilder2';
import { CIVILITY_CODES, TITLE_CODES, type ReportDocument } from '../input.ts';

type XMLBuilder = ReturnType<typeof create>;

const OID = {
  loinc: '2.16.840.1.113883.6.1',
  snomed: '2.16.840.1.113883.6.96',
  ccam: '1.2.250.1.213.2.5',
  dcm: '1.2.840.10008.2.16.4',
  rpps: '1.2.250.1.71.4.2.1',
  structure: '1.2.250.1.71.4.2.2',
  facilityType: '1.2.250.1.71.4.2.4',
  specialty: '1.2.250.1.213.1.1.4.5',
  practiceSetting: '1.2.250.1.213.1.1.4.9',
  gender: '2.16.840.1.113883.5.1',
  confidentiality: '2.16.840.1.113883.5.25',
  actCode: '2.16.840.1.113883.5.4',
} as const;

const CONFIDENTIALITY = { N: 'Normal', R: 'Restreint', V: 'Très restreint' } as const;
const GENDER = { F: ['F', 'Féminin'], M: ['M', 'Masculin'], U: ['UN', 'Inconnu'] } as const;
const PRACTICE_SETTING = { AMBULATOIRE: 'Ambulatoire', ETABLISSEMENT: 'Etablissement de santé' } as const;
/** DICOM CID 29 meanings, in French as JDV_ModaliteAcquisition_CISIS gives them. */
const MODALITY_NAMES: Record<string, string> = {
  CR: 'Radiographie numérisée',
  DX: 'Radiographie numérique',
  MG: 'Mammographie',
  CT: 'Tomodensitométrie',
  MR: 'Résonance magnétique',
  US: 'Échographie',
  NM: 'Médecine nucléaire',
  PT: 'Tomographie par émission de positons',
  RF: 'Radiofluoroscopie',
  XA: 'Angiographie par rayons X',
};

/** HL7 TS from an ISO 8601 instant, in the offset it was written with: 20261122104200+0100. */
export function hl7Timestamp(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!m) throw new Error(`not an ISO 8601 instant with an offset: ${iso}`);
  const [, y, mo, d, h, mi, s, tz] = m;
  const offset = tz === 'Z' ? '+0000' : tz!.replace(':', '');
  return `${y}${mo}${d}${h}${mi}${s ?? '00'}${offset}`;
}

/** CDA ids: an OID in @root, or a UUID (upper case, as the ANS examples write them). */
const uidRoot = (uid: string) => (uid.includes('-') ? uid.toUpperCase() : uid);

/**
 * XML 1.0 cannot carry most control characters, even escaped: they are dropped (the PDF
 * keeps the text as typed). `&` is escaped here (see `a`); <, > and ]]> by the builder.
 */
const xmlText = (s: string) =>
  // eslint-disable-next-line no-control-regex
  s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/&/g, '&amp;');

/**
 * Attribute values, made safe the same way. xmlbuilder2 escapes `<`, `>` and `"` but leaves
 * anything that looks like an entity or character reference as it is (`&p;`, `&#0;`, `&amp;`):
 * a name « A&p; » made the CDA unreadable, « &amp; » lost its text. Every `&` is escaped here,
 * so the builder sees only `&amp;` (which it keeps) and the reader gets back exactly the input.
 */
function a(attributes: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes).flatMap(([k, v]) => (v === undefined ? [] : [[k, xmlText(v)]])),
  );
}

type Person = Pick<ReportDocument['radiologist'], 'familyName' | 'givenName' | 'prefix' | 'suffix'>;

/**
 * A professional's name as the CI-SIS wants it: `prefix` a civilité of JDV_J245 (M, MME), `suffix`
 * a title of JDV_J246 (DR, PR…). A printed title given as prefix (« Dr ») goes to `suffix`.
 */
function personName(parent: XMLBuilder, p: Person): void {
  const name = parent.ele('name');
  const civility = p.prefix ? CIVILITY_CODES[p.prefix as keyof typeof CIVILITY_CODES] : undefined;
  const title =
    (p.suffix && TITLE_CODES[p.suffix as keyof typeof TITLE_CODES]) ??
    (p.prefix ? TITLE_CODES[p.prefix as keyof typeof TITLE_CODES] : undefined);
  if (civility) name.ele('prefix').txt(civility);
  if (p.givenName) name.ele('given').txt(xmlText(p.givenName));
  name.ele('family').txt(xmlText(p.familyName));
  if (title) name.ele('suffix').txt(title);
}

/**
 * The national id of a professional (IdNat_PS, root 1.2.250.1.71.4.2.1): `8` + RPPS, else `0` +
 * ADELI; none for a professional known by name only.
 */
export function professionalIdNat(p: {
  rpps?: string | undefined;
  adeli?: string | undefined;
}): string | null {
  return p.rpps ? `8${p.rpps}` : p.adeli ? `0${p.adeli}` : null;
}

function address(parent: XMLBuilder, a: ReportDocument['organisation']['address']): void {
  const addr = parent.ele('addr');
  // Structured parts (CI-SISAddr does not mix streetAddressLine with postalCode/city).
  if (a.lines.length > 0) addr.ele('streetName').txt(xmlText(a.lines.join(', ')));
  addr.ele('postalCode').txt(xmlText(a.postalCode));
  addr.ele('city').txt(xmlText(a.city));
}

/** `tel:` and the digits of the number (a leading + kept); no telecom when there is no digit. */
function telecom(parent: XMLBuilder, phone: string | undefined, use?: string): void {
  const digits = phone?.replace(/\D/g, '') ?? '';
  if (!digits) return;
  const value = `tel:${phone!.trim().startsWith('+') ? '+' : ''}${digits}`;
  parent.ele('telecom', a({ value, ...(use ? { use } : {}) }));
}

/**
 * The organisation by its IdNat (the site's FINESS géographique when it has one). With `partOf`,
 * the legal entity (FINESS juridique) it belongs to as `asOrganizationPartOf/wholeOrganization`:
 * the CI-SIS header template defines that element for the performer's organisation only, so it
 * goes there (elsewhere it would be an element the closed template does not define).
 * Hypothesis: EG of the site as the organisation's id, EJ in wholeOrganization (the CI-SIS text
 * giving the EJ/EG split was not at hand; the ANS examples carry one `1` + FINESS id per
 * organisation).
 */
function organisation(
  parent: XMLBuilder,
  doc: ReportDocument,
  name: string,
  o2: { industry: boolean; partOf?: boolean },
): void {
  const o = doc.organisation;
  const org = parent.ele(name);
  org.ele('id', a({ root: OID.structure, extension: o.idNat }));
  org.ele('name').txt(xmlText(o.name));
  telecom(org, o.phone);
  address(org, o.address);
  if (o2.industry) {
    org.ele(
      'standardIndustryClassCode',
      a({
        code: o.practiceSetting,
        displayName: PRACTICE_SETTING[o.practiceSetting],
        codeSystem: OID.practiceSetting,
      }),
    );
  }
  if (o2.partOf && o.legalEntity && o.legalEntity.idNat !== o.idNat) {
    const whole = org.ele('asOrganizationPartOf').ele('wholeOrganization');
    whole.ele('id', a({ root: OID.structure, extension: o.legalEntity.idNat }));
    whole.ele('name').txt(xmlText(o.legalEntity.name));
  }
}

/** The radiologist as an assigned entity/author: RPPS national id, specialty, name, practice. */
function radiologist(parent: XMLBuilder, doc: ReportDocument): void {
  const r = doc.radiologist;
  parent.ele('id', a({ root: OID.rpps, extension: `8${r.rpps}` }));
  parent.ele(
    'code',
    a({ code: r.specialty.code, displayName: r.specialty.label, codeSystem: OID.specialty }),
  );
  personName(parent.ele('assignedPerson'), r);
}

function recordTarget(root: XMLBuilder, doc: ReportDocument): void {
  const p = doc.patient;
  const role = root.ele('recordTarget').ele('patientRole');
  // The INS only for a qualified identity (the input refuses it otherwise).
  if (p.identityStatus === 'qualifiee' && p.ins) {
    role.ele('id', a({ root: p.ins.oid, extension: p.ins.matricule }));
  }
  if (p.localId) role.ele('id', a({ root: p.localId.root, extension: p.localId.extension }));
  const patient = role.ele('patient', a({ classCode: 'PSN' }));
  const name = patient.ele('name');
  name.ele('family', a({ qualifier: 'BR' })).txt(xmlText(p.birthFamilyName));
  name.ele('given', a({ qualifier: 'BR' })).txt(xmlText(p.firstBirthForename));
  name.ele('given').txt(xmlText(p.birthForenames));
  if (p.usedFamilyName) name.ele('family', a({ qualifier: 'CL' })).txt(xmlText(p.usedFamilyName));
  if (p.usedForename) name.ele('given', a({ qualifier: 'CL' })).txt(xmlText(p.usedForename));
  const [code, label] = GENDER[p.sex];
  patient.ele('administrativeGenderCode', a({ code, displayName: label, codeSystem: OID.gender }));
  patient.ele('birthTime', a({ value: p.birthDate.replaceAll('-', '') }));
  if (p.birthPlaceCode) {
    const addr = patient.ele('birthplace').ele('place').ele('addr');
    addr.ele('county').txt(p.birthPlaceCode);
    if (p.birthPlaceName) addr.ele('city').txt(xmlText(p.birthPlaceName));
  }
}

function serviceEvent(root: XMLBuilder, doc: ReportDocument, exam: ReportDocument['exams'][number]): void {
  const event = root.ele('documentationOf').ele('serviceEvent', a({ classCode: 'ACT' }));
  event.ele('id', a({ root: exam.studyInstanceUid }));
  // An exam type without LOINC nor CCAM code: nullFlavor OTH (its code is outside the code
  // systems the CDA admits here) with the label as originalText; the modality and region
  // translations stay (the datatype rule dtr1-1-ANY admits translations under OTH, not UNK).
  const main = exam.loinc
    ? { code: exam.loinc.code, displayName: exam.loinc.label, codeSystem: OID.loinc, codeSystemName: 'LOINC' }
    : exam.ccam
      ? { code: exam.ccam.code, displayName: exam.ccam.label, codeSystem: OID.ccam, codeSystemName: 'CCAM' }
      : { nullFlavor: 'OTH' };
  const code = event.ele('code', a(main));
  if (!exam.loinc && !exam.ccam) code.ele('originalText').txt(xmlText(exam.label));
  if (exam.loinc && exam.ccam) {
    code.ele(
      'translation',
      a({
        code: exam.ccam.code,
        displayName: exam.ccam.label,
        codeSystem: OID.ccam,
        codeSystemName: 'CCAM',
      }),
    );
  }
  code
    .ele(
      'translation',
      a({
        code: exam.modality,
        displayName: MODALITY_NAMES[exam.modality],
        codeSystem: OID.dcm,
        codeSystemName: 'DCM',
      }),
    )
    .ele('qualifier')
    .ele(
      'name',
      a({
        code: '121139',
        displayName: "Modalité d'imagerie",
        codeSystem: OID.dcm,
        codeSystemName: 'DCM',
      }),
    );
  for (const region of exam.regions) {
    code
      .ele(
        'translation',
        a({
          code: region.code,
          displayName: region.label,
          codeSystem: OID.snomed,
          codeSystemName: 'SNOMED CT',
        }),
      )
      .ele('qualifier')
      .ele(
        'name',
        a({
          code: '39111-0',
          displayName: 'localisation anatomique',
          codeSystem: OID.loinc,
          codeSystemName: 'LOINC',
        }),
      );
  }
  const time = event.ele('effectiveTime');
  const low = hl7Timestamp(exam.startedAt);
  const high = exam.endedAt ? hl7Timestamp(exam.endedAt) : undefined;
  time.ele('low', a({ value: low }));
  if (high && high !== low) time.ele('high', a({ value: high }));
  const performer = event.ele('performer', a({ typeCode: 'PRF' })).ele('assignedEntity');
  radiologist(performer, doc);
  organisation(performer, doc, 'representedOrganization', { industry: true, partOf: true });
}

/** The CDA R2 N1 document of a report version, the PDF inside (base64). */
export function buildReportCda(doc: ReportDocument, pdf: Uint8Array): string {
  const d = doc.document;
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(
    'urn:hl7-org:v3',
    'ClinicalDocument',
    a({
      'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      'xmlns:ps3-20': 'urn:dicom-org:ps3-20',
    }),
  );
  root.ele('realmCode', a({ code: 'FR' }));
  root.ele('typeId', a({ root: '2.16.840.1.113883.1.3', extension: 'POCD_HD000040' }));
  for (const id of ['2.16.840.1.113883.2.8.2.1', '1.2.250.1.213.1.1.1.1', '1.3.6.1.4.1.19376.1.2.20']) {
    root.ele('templateId', a({ root: id }));
  }
  root.ele('id', a({ root: uidRoot(d.id) }));
  const code = root.ele(
    'code',
    a({
      code: '18748-4',
      displayName: "CR d'imagerie médicale",
      codeSystem: OID.loinc,
      codeSystemName: 'LOINC',
    }),
  );
  const loinc = doc.exams.find((e) => e.loinc)?.loinc;
  if (loinc) {
    code.ele(
      'translation',
      a({
        code: loinc.code,
        displayName: loinc.label,
        codeSystem: OID.loinc,
        codeSystemName: 'LOINC',
      }),
    );
  }
  root.ele('title').txt(xmlText(d.title));
  root.ele('effectiveTime', a({ value: hl7Timestamp(d.effectiveTime) }));
  root.ele(
    'confidentialityCode',
    a({
      code: d.confidentiality,
      displayName: CONFIDENTIALITY[d.confidentiality],
      codeSystem: OID.confidentiality,
    }),
  );
  root.ele('languageCode', a({ code: 'fr-FR' }));
  root.ele('setId', a({ root: uidRoot(d.setId) }));
  root.ele('versionNumber', a({ value: String(d.version) }));

  recordTarget(root, doc);

  const author = root.ele('author');
  author.ele('time', a({ value: hl7Timestamp(doc.validatedAt) }));
  const assignedAuthor = author.ele('assignedAuthor');
  radiologist(assignedAuthor, doc);
  organisation(assignedAuthor, doc, 'representedOrganization', { industry: true });

  const custodian = root.ele('custodian').ele('assignedCustodian');
  organisation(custodian, doc, 'representedCustodianOrganization', { industry: false });

  if (doc.referrer) {
    // The referrer receives the report: by RPPS or ADELI national id; known by name only, no id
    // (intendedRecipient/id is optional; an id under the IdNat_PS root must carry an extension).
    const recipient = root.ele('informationRecipient', a({ typeCode: 'PRCP' })).ele('intendedRecipient');
    const idNat = professionalIdNat(doc.referrer);
    if (idNat) recipient.ele('id', a({ root: OID.rpps, extension: idNat }));
    personName(recipient.ele('informationRecipient'), doc.referrer);
  }

  const legal = root.ele('legalAuthenticator');
  legal.ele('time', a({ value: hl7Timestamp(doc.validatedAt) }));
  legal.ele('signatureCode', a({ code: 'S' }));
  const entity = legal.ele('assignedEntity');
  radiologist(entity, doc);
  organisation(entity, doc, 'representedOrganization', { industry: true });

  // One inFulfillmentOf per accession number (CI-SISinFulfillmentOf: one accessionNumber each).
  for (const accession of new Set(doc.exams.map((e) => e.accessionNumber))) {
    const order = root.ele('inFulfillmentOf').ele('order');
    if (doc.order) {
      order.ele('id', a({ root: doc.order.placerAuthority, extension: doc.order.placerOrderNumber }));
    } else {
      order.ele('id', a({ root: doc.accessionAuthority, extension: accession }));
    }
    order.ele(
      'urn:dicom-org:ps3-20',
      'ps3-20:accessionNumber',
      a({
        root: doc.accessionAuthority,
        extension: accession,
      }),
    );
  }

  for (const exam of doc.exams) serviceEvent(root, doc, exam);

  if (d.replaces) {
    root
      .ele('relatedDocument', a({ typeCode: 'RPLC' }))
      .ele('parentDocument')
      .ele('id', a({ root: uidRoot(d.replaces) }));
  }

  const encounter = root.ele('componentOf').ele('encompassingEncounter');
  encounter.ele(
    'code',
    a({
      code: 'AMB',
      displayName: 'Ambulatoire (hors établissement)',
      codeSystem: OID.actCode,
    }),
  );
  const byTime = (a: string, b: string) => Date.parse(a) - Date.parse(b);
  const starts = doc.exams.map((e) => e.startedAt).sort(byTime);
  const ends = doc.exams.map((e) => e.endedAt ?? e.startedAt).sort(byTime);
  const period = encounter.ele('effectiveTime');
  // low and high may not be equal (dtr1-6-IVL_TS): one exam without an end time gives low only
  const low = hl7Timestamp(starts[0]!);
  const high = hl7Timestamp(ends.at(-1)!);
  period.ele('low', a({ value: low }));
  if (high !== low) period.ele('high', a({ value: high }));
  const facility = encounter.ele('location').ele('healthCareFacility');
  facility.ele('id', a({ root: OID.structure, extension: doc.organisation.idNat }));
  facility.ele(
    'code',
    a({
      code: doc.organisation.facilityType.code,
      displayName: doc.organisation.facilityType.label,
      codeSystem: OID.facilityType,
    }),
  );
  const place = facility.ele('location');
  place.ele('name').txt(xmlText(doc.organisation.name));
  address(place, doc.organisation.address);

  root
    .ele('component')
    .ele('nonXMLBody')
    .ele('text', a({ mediaType: 'application/pdf', representation: 'B64' }))
    .txt(PDF_PLACEHOLDER);
  // the base64 (nothing to escape in it) goes in after serialisation: the serialiser scanned and
  // copied its 50–100 kB for nothing. The body is the document's last text, hence lastIndexOf.
  const xml = root.end({ prettyPrint: true });
  const at = xml.lastIndexOf(PDF_PLACEHOLDER);
  return xml.slice(0, at) + Buffer.from(pdf).toString('base64') + xml.slice(at + PDF_PLACEHOLDER.length);
}

const PDF_PLACEHOLDER = 'PDF-BASE64';
