/**
 * Reads the header of a CDA R2 document (CI-SIS, level 1) and finds its PDF, for the viewer of
 * the portal (the « visualisation » Ségur asks the RIS to offer, for its own reports and for
 * documents received from elsewhere). Pure: text in, plain data out (the PDF stays base64; the
 * route that shows it decodes it). Facts: `reference/cda-hl7v2-ins.md` §2 and the ANS examples.
 */
import { formatParisDateTime, INS_OIDS } from '@rayon/domain';
import { at, child, children, parseXml, textOf, XmlError, type XmlElement } from './xml.ts';

const HL7_NS = 'urn:hl7-org:v3';
const CDA_TYPE_ID = { root: '2.16.840.1.113883.1.3', extension: 'POCD_HD000040' };
/** The RPPS national id OID: extension = « 8 » + the 11-digit RPPS number. */
const RPPS_OID = '1.2.250.1.71.4.2.1';
const INS_ROOTS = new Set<string>(Object.values(INS_OIDS));

export interface InstanceId {
  root: string;
  extension: string | null;
}

export interface Coded {
  code: string | null;
  displayName: string | null;
  codeSystem: string | null;
  codeSystemName: string | null;
}

export interface CdaPerson {
  /** Displayable name: prefix, given names, family name, suffix. */
  name: string | null;
  id: InstanceId | null;
  /** RPPS number (11 digits) when the id is an RPPS national id. */
  rpps: string | null;
  /** Profession / specialty (displayName of the code). */
  profession: string | null;
  organisation: string | null;
  /** HL7 timestamp (time of authorship or of signature). */
  time: string | null;
}

export interface CdaOrganisation {
  id: InstanceId | null;
  name: string | null;
}

export interface CdaPatient {
  /** The INS (matricule + OID), only when the document carries one. */
  ins: { matricule: string; oid: string } | null;
  /** Other identifiers (IPP…). */
  otherIds: InstanceId[];
  birthFamilyName: string | null;
  firstBirthForename: string | null;
  /** The list of birth forenames (given without qualifier). */
  birthForenames: string | null;
  usedFamilyName: string | null;
  usedForename: string | null;
  sex: { code: string | null; label: string | null };
  /** HL7 date YYYYMMDD. */
  birthTime: string | null;
  birthPlace: { code: string | null; city: string | null } | null;
}

export interface CdaServiceEvent {
  id: InstanceId | null;
  code: Coded | null;
  translations: Coded[];
  low: string | null;
  high: string | null;
  performer: string | null;
}

export interface CdaHeader {
  title: string | null;
  code: Coded | null;
  effectiveTime: string | null;
  confidentiality: Coded | null;
  language: string | null;
  id: InstanceId | null;
  setId: InstanceId | null;
  version: string | null;
  templateIds: string[];
  patient: CdaPatient | null;
  author: CdaPerson | null;
  legalAuthenticator: CdaPerson | null;
  custodian: CdaOrganisation | null;
  recipients: CdaPerson[];
  orders: { id: InstanceId | null; accessionNumber: InstanceId | null }[];
  serviceEvents: CdaServiceEvent[];
  relatedDocuments: { typeCode: string; id: InstanceId | null }[];
  encounter: {
    code: Coded | null;
    low: string | null;
    high: string | null;
    facility: { id: InstanceId | null; code: Coded | null; name: string | null };
  } | null;
}

export type CdaReading = { ok: true; header: CdaHeader; pdfBase64: string } | { ok: false; error: string };

const attr = (el: XmlElement | undefined, name: string): string | null => {
  const v = el?.attrs[name]?.trim();
  return v ? v : null;
};

function instanceId(el: XmlElement | undefined): InstanceId | null {
  const root = attr(el, 'root');
  return root ? { root, extension: attr(el, 'extension') } : null;
}

function coded(el: XmlElement | undefined): Coded | null {
  if (!el) return null;
  const c = {
    code: attr(el, 'code'),
    displayName: attr(el, 'displayName'),
    codeSystem: attr(el, 'codeSystem'),
    codeSystemName: attr(el, 'codeSystemName'),
  };
  return c.code || c.displayName ? c : null;
}

/** « DR Jacques BIDEAULT » from a CDA name (PN): prefix, given, family, suffix as written. */
function personName(name: XmlElement | undefined): string | null {
  if (!name) return null;
  if (name.children.length === 0) return textOf(name);
  const parts = (tag: string) =>
    children(name, tag)
      .map(textOf)
      .filter((x): x is string => !!x);
  const suffix = parts('suffix');
  const prefix = parts('prefix');
  // The CI-SIS writes the title (DR, PR) as suffix and the civility (M, MME) as prefix.
  const words = [...(suffix.length > 0 ? suffix : prefix), ...parts('given'), ...parts('family')];
  return words.length > 0 ? words.join(' ') : null;
}

const rppsOf = (id: InstanceId | null): string | null =>
  id?.root === RPPS_OID && id.extension && /^8\d{11}$/.test(id.extension) ? id.extension.slice(1) : null;

/** An assignedAuthor / assignedEntity / intendedRecipient and the time beside it. */
function person(
  role: XmlElement | undefined,
  personTag: string,
  time?: XmlElement,
  organisationTag = 'representedOrganization',
): CdaPerson | null {
  if (!role) return null;
  const id = instanceId(child(role, 'id'));
  return {
    name: personName(at(role, `${personTag}/name`)),
    id,
    rpps: rppsOf(id),
    profession: attr(child(role, 'code'), 'displayName') ?? attr(child(role, 'code'), 'code'),
    organisation: textOf(at(role, `${organisationTag}/name`)),
    time: attr(time, 'value'),
  };
}

const SEX_LABELS: Record<string, string> = {
  F: 'Féminin',
  M: 'Masculin',
  U: 'Indéterminé',
  UN: 'Indéterminé',
};

function patient(role: XmlElement | undefined): CdaPatient | null {
  if (!role) return null;
  const ids = children(role, 'id')
    .map(instanceId)
    .filter((x): x is InstanceId => !!x);
  const insId = ids.find((i) => INS_ROOTS.has(i.root) && i.extension);
  const p = child(role, 'patient');
  const names = children(p, 'name');
  const all = names.flatMap((n) => n.children);
  const q = (tag: string, qualifier: string | null) =>
    all.filter((c) => c.name === tag && (c.attrs.qualifier ?? null) === qualifier);
  const first = (els: XmlElement[]) => els.map(textOf).find((x) => !!x) ?? null;
  const birthFamilyName = first(q('family', 'BR')) ?? first(q('family', null));
  const firstBirthForename = first(q('given', 'BR'));
  const plainGiven = q('given', null)
    .map(textOf)
    .filter((x): x is string => !!x);
  const gender = child(p, 'administrativeGenderCode');
  const genderCode = attr(gender, 'code');
  const place = at(p, 'birthplace/place/addr');
  return {
    ins: insId ? { matricule: insId.extension!, oid: insId.root } : null,
    otherIds: ids.filter((i) => i !== insId),
    birthFamilyName,
    firstBirthForename: firstBirthForename ?? plainGiven[0] ?? null,
    birthForenames: plainGiven.length > 0 ? plainGiven.join(' ') : null,
    usedFamilyName: first(q('family', 'CL')) ?? first(q('family', 'SP')),
    usedForename: first(q('given', 'CL')),
    sex: {
      code: genderCode,
      label: (genderCode ? SEX_LABELS[genderCode] : undefined) ?? attr(gender, 'displayName'),
    },
    birthTime: attr(child(p, 'birthTime'), 'value'),
    birthPlace: place ? { code: textOf(child(place, 'county')), city: textOf(child(place, 'city')) } : null,
  };
}

function serviceEvent(event: XmlElement): CdaServiceEvent {
  const code = child(event, 'code');
  const performer = at(event, 'performer/assignedEntity');
  return {
    id: instanceId(child(event, 'id')),
    code: coded(code),
    translations: children(code, 'translation')
      .map(coded)
      .filter((x): x is Coded => !!x),
    low: attr(at(event, 'effectiveTime/low'), 'value') ?? attr(child(event, 'effectiveTime'), 'value'),
    high: attr(at(event, 'effectiveTime/high'), 'value'),
    performer: personName(at(performer, 'assignedPerson/name')),
  };
}

/** The header data of a CDA R2 document. */
export function readCdaHeader(doc: XmlElement): CdaHeader {
  const author = child(doc, 'author');
  const legal = child(doc, 'legalAuthenticator');
  const custodian = at(doc, 'custodian/assignedCustodian/representedCustodianOrganization');
  const encounter = at(doc, 'componentOf/encompassingEncounter');
  const facility = at(encounter, 'location/healthCareFacility');
  return {
    title: textOf(child(doc, 'title')),
    code: coded(child(doc, 'code')),
    effectiveTime: attr(child(doc, 'effectiveTime'), 'value'),
    confidentiality: coded(child(doc, 'confidentialityCode')),
    language: attr(child(doc, 'languageCode'), 'code'),
    id: instanceId(child(doc, 'id')),
    setId: instanceId(child(doc, 'setId')),
    version: attr(child(doc, 'versionNumber'), 'value'),
    templateIds: children(doc, 'templateId')
      .map((t) => attr(t, 'root'))
      .filter((x): x is string => !!x),
    patient: patient(at(doc, 'recordTarget/patientRole')),
    author: person(child(author, 'assignedAuthor'), 'assignedPerson', child(author, 'time')),
    legalAuthenticator: person(child(legal, 'assignedEntity'), 'assignedPerson', child(legal, 'time')),
    custodian: custodian
      ? { id: instanceId(child(custodian, 'id')), name: textOf(child(custodian, 'name')) }
      : null,
    recipients: children(doc, 'informationRecipient')
      .map((r) =>
        person(child(r, 'intendedRecipient'), 'informationRecipient', undefined, 'receivedOrganization'),
      )
      .filter((x): x is CdaPerson => !!x),
    orders: children(doc, 'inFulfillmentOf').map((f) => {
      const order = child(f, 'order');
      return {
        id: instanceId(child(order, 'id')),
        accessionNumber: instanceId(child(order, 'accessionNumber')),
      };
    }),
    serviceEvents: children(doc, 'documentationOf')
      .map((d) => child(d, 'serviceEvent'))
      .filter((x): x is XmlElement => !!x)
      .map(serviceEvent),
    relatedDocuments: children(doc, 'relatedDocument').map((r) => ({
      typeCode: attr(r, 'typeCode') ?? '',
      id: instanceId(at(r, 'parentDocument/id')),
    })),
    encounter: encounter
      ? {
          code: coded(child(encounter, 'code')),
          low: attr(at(encounter, 'effectiveTime/low'), 'value'),
          high: attr(at(encounter, 'effectiveTime/high'), 'value'),
          facility: {
            id: instanceId(child(facility, 'id')),
            code: coded(child(facility, 'code')),
            name: textOf(at(facility, 'location/name')),
          },
        }
      : null,
  };
}

const NOT_CDA = "Ce fichier n'est pas un document CDA R2 (élément racine ClinicalDocument HL7 v3 attendu).";

/**
 * Reads a CDA R2 document: its header, and the base64 of the PDF of its non-structured body
 * (nonXMLBody, level 1). Anything else comes back as a French error a person can act on.
 */
export function readCda(xml: string): CdaReading {
  let doc: XmlElement;
  try {
    doc = parseXml(xml);
  } catch (error) {
    if (error instanceof XmlError) {
      return { ok: false, error: "Ce fichier n'est pas un document XML valide : il ne peut pas être lu." };
    }
    throw error;
  }
  const typeId = child(doc, 'typeId');
  if (
    doc.name !== 'ClinicalDocument' ||
    doc.ns !== HL7_NS ||
    attr(typeId, 'root') !== CDA_TYPE_ID.root ||
    attr(typeId, 'extension') !== CDA_TYPE_ID.extension
  ) {
    return { ok: false, error: NOT_CDA };
  }
  const component = child(doc, 'component');
  const body = child(component, 'nonXMLBody');
  if (!body) {
    return {
      ok: false,
      error: child(component, 'structuredBody')
        ? "Ce document CDA a un corps structuré (niveau 3) : ce visualiseur n'affiche que les documents de niveau 1 dont le corps est un PDF."
        : "Ce document CDA n'a pas de corps non structuré (nonXMLBody) : il ne contient pas de PDF.",
    };
  }
  const text = child(body, 'text');
  const mediaType = attr(text, 'mediaType');
  if (mediaType !== 'application/pdf' || attr(text, 'representation') !== 'B64') {
    return {
      ok: false,
      error: `Le corps de ce document CDA n'est pas un PDF en base64 (type ${mediaType ?? 'non précisé'}).`,
    };
  }
  const pdfBase64 = (text?.text ?? '').replace(/\s+/g, '');
  // « %PDF- » in base64; anything else is not a PDF whatever the declared type.
  if (!/^JVBERi[0-9A-Za-z+/]/.test(pdfBase64) || !/^[0-9A-Za-z+/]+={0,2}$/.test(pdfBase64)) {
    return { ok: false, error: "Le corps de ce document CDA n'est pas un PDF valide." };
  }
  return { ok: true, header: readCdaHeader(doc), pdfBase64 };
}

// ----------------------------------------------------------------------------- formatting

/**
 * An HL7 TS in French: 19790328 → 28/03/1979; 20210108111700+0100 → 08/01/2021 11:17 (Paris
 * time when the offset is given, the time as written otherwise).
 */
export function formatHl7Time(value: string | null | undefined): string {
  if (!value) return '—';
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?([+-]\d{4})?$/.exec(value);
  if (!m) return value;
  const [, y, mo, d, h, mi, s, tz] = m;
  if (!mo) return y!;
  if (!d) return `${mo}/${y}`;
  if (!h) return `${d}/${mo}/${y}`;
  if (tz) {
    const sign = tz.startsWith('-') ? -1 : 1;
    const offset = sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(3, 5)));
    const utc = Date.UTC(+y!, +mo - 1, +d, +h, +(mi ?? 0), +(s ?? 0)) - offset * 60_000;
    if (!Number.isNaN(utc)) return formatParisDateTime(new Date(utc));
  }
  return `${d}/${mo}/${y} ${h}:${mi ?? '00'}`;
}

/** An instance id as « root / extension » (or the root alone). */
/**
 * A professional's identifier as people read it: « RPPS … » (IdNat_PS 8 + RPPS), « ADELI … »
 * (0 + ADELI), another id as it is, « sans identifiant » for one known by name only.
 */
export function professionalIdText(p: Pick<CdaPerson, 'id' | 'rpps'>): string {
  if (p.rpps) return `RPPS ${p.rpps}`;
  const adeli = p.id?.root === RPPS_OID && /^0((\d{2}|2[AB])\d{7})$/.exec(p.id.extension ?? '')?.[1];
  if (adeli) return `ADELI ${adeli}`;
  return p.id ? formatInstanceId(p.id) : 'sans identifiant';
}

export function formatInstanceId(id: InstanceId | null | undefined): string {
  if (!id) return '—';
  return id.extension ? `${id.extension} (${id.root})` : id.root;
}

/** A code as « displayName (code, system) ». */
export function formatCoded(c: Coded | null | undefined): string {
  if (!c) return '—';
  const system = c.codeSystemName ?? null;
  const detail = [c.code, system].filter(Boolean).join(', ');
  return c.displayName ? (detail ? `${c.displayName} (${detail})` : c.displayName) : detail || '—';
}
