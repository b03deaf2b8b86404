/**
 * Reads a CDA R2 document (CI-SIS, level 1): its header and the PDF of its non-structured body,
 * for the viewer of the portal (the « visualisation » Ségur asks the RIS to offer, for its own
 * reports and for documents received from elsewhere). Pure: bytes in, plain data out (the PDF
 * stays base64). Facts: `reference/cda-hl7v2-ins.md` §2 and the ANS examples.
 *
 * On @xmldom/xmldom, strict: any well-formedness error is a refusal, a DOCTYPE is refused (a CDA
 * has none; xmldom neither fetches external entities nor expands declared ones), and the input
 * is limited to MAX_CDA_BYTES. What cannot be read is an AppError with a stable reason key
 * (`documents.cda.*`) naming what is wrong; never a crash.
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import { AppError, INS_OIDS, MAX_CDA_BYTES, type Reason } from '@rayon/domain';
import { z } from 'zod';

export { MAX_CDA_BYTES };

const HL7_NS = 'urn:hl7-org:v3';
const CDA_TYPE_ID = { root: '2.16.840.1.113883.1.3', extension: 'POCD_HD000040' };
/** The RPPS national id OID: extension = « 8 » + the 11-digit RPPS number. */
const RPPS_OID = '1.2.250.1.71.4.2.1';
const INS_ROOTS = new Set<string>(Object.values(INS_OIDS));

const str = z.string().nullable();

export const instanceIdSchema = z.object({ root: z.string(), extension: str });
export type InstanceId = z.infer<typeof instanceIdSchema>;

export const codedSchema = z.object({
  code: str,
  displayName: str,
  codeSystem: str,
  codeSystemName: str,
});
export type Coded = z.infer<typeof codedSchema>;

export const cdaPersonSchema = z.object({
  /** Displayable name: prefix, given names, family name, suffix. */
  name: str,
  id: instanceIdSchema.nullable(),
  /** RPPS number (11 digits) when the id is an RPPS national id. */
  rpps: str,
  /** Profession / specialty (displayName of the code). */
  profession: str,
  organisation: str,
  /** HL7 timestamp (time of authorship or of signature). */
  time: str,
});
export type CdaPerson = z.infer<typeof cdaPersonSchema>;

const cdaPatientSchema = z.object({
  /** The INS (matricule + OID), only when the document carries one. */
  ins: z.object({ matricule: z.string(), oid: z.string() }).nullable(),
  /** Other identifiers (IPP…). */
  otherIds: z.array(instanceIdSchema),
  birthFamilyName: str,
  firstBirthForename: str,
  /** The list of birth forenames (given without qualifier). */
  birthForenames: str,
  usedFamilyName: str,
  usedForename: str,
  sex: z.object({ code: str, label: str }),
  /** HL7 date YYYYMMDD. */
  birthTime: str,
  birthPlace: z.object({ code: str, city: str }).nullable(),
});
export type CdaPatient = z.infer<typeof cdaPatientSchema>;

const cdaServiceEventSchema = z.object({
  id: instanceIdSchema.nullable(),
  code: codedSchema.nullable(),
  translations: z.array(codedSchema),
  low: str,
  high: str,
  performer: str,
});
export type CdaServiceEvent = z.infer<typeof cdaServiceEventSchema>;

/** The header data of a CDA R2 document, as the reader gives it (also the REST answer's schema). */
export const cdaHeaderSchema = z.object({
  title: str,
  code: codedSchema.nullable(),
  effectiveTime: str,
  confidentiality: codedSchema.nullable(),
  language: str,
  id: instanceIdSchema.nullable(),
  setId: instanceIdSchema.nullable(),
  version: str,
  templateIds: z.array(z.string()),
  patient: cdaPatientSchema.nullable(),
  author: cdaPersonSchema.nullable(),
  legalAuthenticator: cdaPersonSchema.nullable(),
  custodian: z.object({ id: instanceIdSchema.nullable(), name: str }).nullable(),
  recipients: z.array(cdaPersonSchema),
  orders: z.array(
    z.object({ id: instanceIdSchema.nullable(), accessionNumber: instanceIdSchema.nullable() }),
  ),
  serviceEvents: z.array(cdaServiceEventSchema),
  relatedDocuments: z.array(z.object({ typeCode: z.string(), id: instanceIdSchema.nullable() })),
  encounter: z
    .object({
      code: codedSchema.nullable(),
      low: str,
      high: str,
      facility: z.object({ id: instanceIdSchema.nullable(), code: codedSchema.nullable(), name: str }),
    })
    .nullable(),
});
export type CdaHeader = z.infer<typeof cdaHeaderSchema>;

export interface CdaReading {
  header: CdaHeader;
  /** The PDF of the nonXMLBody, base64 without line breaks. */
  pdfBase64: string;
}

/** The reasons a CDA cannot be read, as stable keys a client translates. */
export const CDA_REFUSALS = {
  tooLarge: 'documents.cda.too_large',
  notText: 'documents.cda.not_text',
  notXml: 'documents.cda.not_xml',
  notCda: 'documents.cda.not_cda',
  structuredBody: 'documents.cda.structured_body',
  noBody: 'documents.cda.no_body',
  bodyNotPdf: 'documents.cda.body_not_pdf',
  invalidPdf: 'documents.cda.invalid_pdf',
} as const;

const refuse = (field: string, message: string, reason: Reason) =>
  new AppError('BAD_INPUT', message, { field, ...reason });

// ----------------------------------------------------------------------------- DOM helpers

const elementsOf = (el: Element | undefined): Element[] => {
  const out: Element[] = [];
  if (!el) return out;
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === n.ELEMENT_NODE) out.push(n as Element);
  return out;
};

/** The first child element of that local name. */
const child = (el: Element | undefined, name: string): Element | undefined =>
  elementsOf(el).find((c) => c.localName === name);

/** The child elements of that local name. */
const children = (el: Element | undefined, name: string): Element[] =>
  elementsOf(el).filter((c) => c.localName === name);

/** Follows a path of local names, `a/b/c`, through first children. */
function at(el: Element | undefined, path: string): Element | undefined {
  let current = el;
  for (const name of path.split('/')) current = child(current, name);
  return current;
}

/** The element's own text (CDATA included, children's text excluded). */
function ownText(el: Element | undefined): string {
  let text = '';
  for (let n = el?.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === n.TEXT_NODE || n.nodeType === n.CDATA_SECTION_NODE) text += n.nodeValue ?? '';
  }
  return text;
}

/** The element's text, whitespace collapsed; null when empty or missing. */
function textOf(el: Element | undefined): string | null {
  const t = ownText(el).replace(/\s+/g, ' ').trim();
  return t ? t : null;
}

const attr = (el: Element | undefined, name: string): string | null => {
  const v = el?.getAttribute(name)?.trim();
  return v ? v : null;
};

// ----------------------------------------------------------------------------- header

function instanceId(el: Element | undefined): InstanceId | null {
  const root = attr(el, 'root');
  return root ? { root, extension: attr(el, 'extension') } : null;
}

function coded(el: Element | undefined): Coded | null {
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
function personName(name: Element | undefined): string | null {
  if (!name) return null;
  if (elementsOf(name).length === 0) return textOf(name);
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
  role: Element | undefined,
  personTag: string,
  time?: Element,
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

function patient(role: Element | undefined): CdaPatient | null {
  if (!role) return null;
  const ids = children(role, 'id')
    .map(instanceId)
    .filter((x): x is InstanceId => !!x);
  const insId = ids.find((i) => INS_ROOTS.has(i.root) && i.extension);
  const p = child(role, 'patient');
  const all = children(p, 'name').flatMap(elementsOf);
  const q = (tag: string, qualifier: string | null) =>
    all.filter((c) => c.localName === tag && c.getAttribute('qualifier') === qualifier);
  const first = (els: Element[]) => els.map(textOf).find((x) => !!x) ?? null;
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

function serviceEvent(event: Element): CdaServiceEvent {
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
function readHeader(doc: Element): CdaHeader {
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
      .filter((x): x is Element => !!x)
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

// ----------------------------------------------------------------------------- reading

/** CDA documents are UTF-8 (CI-SIS); an ISO-8859-1 one is read as such when it says so. */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
    if (!/encoding=["']ISO-8859-1["']/i.test(head)) {
      throw refuse('document', 'the document is not UTF-8 text', { reason: CDA_REFUSALS.notText });
    }
    return new TextDecoder('latin1').decode(bytes);
  }
}

/** The root element of a well-formed XML document without DOCTYPE. */
function parseStrict(xml: string): Element {
  const notXml = (why: string) =>
    refuse('document', `the document is not well-formed XML: ${why}`, { reason: CDA_REFUSALS.notXml });
  let root: Element | null;
  try {
    const doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message.split('\n')[0]);
      },
    }).parseFromString(xml, 'text/xml');
    if (doc.doctype) throw new Error('a DOCTYPE is not accepted');
    root = doc.documentElement;
  } catch (error) {
    throw notXml(error instanceof Error ? error.message : 'unreadable');
  }
  if (!root) throw notXml('no root element');
  return root;
}

/**
 * Reads a CDA R2 document: its header, and the base64 of the PDF of its non-structured body
 * (nonXMLBody, level 1). Anything else is refused (AppError BAD_INPUT, `documents.cda.*`).
 */
export function readCda(bytes: Uint8Array): CdaReading {
  if (bytes.length > MAX_CDA_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', `a CDA document is at most ${MAX_CDA_BYTES} bytes`, {
      field: 'document',
      reason: CDA_REFUSALS.tooLarge,
      params: { maxBytes: MAX_CDA_BYTES },
    });
  }
  const doc = parseStrict(decodeText(bytes));
  const typeId = child(doc, 'typeId');
  if (
    doc.localName !== 'ClinicalDocument' ||
    doc.namespaceURI !== HL7_NS ||
    attr(typeId, 'root') !== CDA_TYPE_ID.root ||
    attr(typeId, 'extension') !== CDA_TYPE_ID.extension
  ) {
    throw refuse(
      'ClinicalDocument',
      'not a CDA R2 document (root element ClinicalDocument of HL7 v3 with its typeId expected)',
      { reason: CDA_REFUSALS.notCda },
    );
  }
  const component = child(doc, 'component');
  const body = child(component, 'nonXMLBody');
  if (!body) {
    throw child(component, 'structuredBody')
      ? refuse(
          'component.structuredBody',
          'the CDA has a structured body (level 3); only level 1 documents carrying a PDF are read',
          { reason: CDA_REFUSALS.structuredBody },
        )
      : refuse('component.nonXMLBody', 'the CDA has no non-structured body (nonXMLBody)', {
          reason: CDA_REFUSALS.noBody,
        });
  }
  const text = child(body, 'text');
  const mediaType = attr(text, 'mediaType');
  if (mediaType !== 'application/pdf' || attr(text, 'representation') !== 'B64') {
    throw refuse(
      'component.nonXMLBody.text',
      `the CDA body is not a base64 PDF (media type ${mediaType ?? 'not given'})`,
      { reason: CDA_REFUSALS.bodyNotPdf, params: { mediaType: mediaType ?? null } },
    );
  }
  const pdfBase64 = ownText(text).replace(/\s+/g, '');
  // « %PDF- » in base64; anything else is not a PDF whatever the declared type.
  if (!/^JVBERi[0-9A-Za-z+/]/.test(pdfBase64) || !/^[0-9A-Za-z+/]+={0,2}$/.test(pdfBase64)) {
    throw refuse('component.nonXMLBody.text', 'the CDA body is not a valid PDF', {
      reason: CDA_REFUSALS.invalidPdf,
    });
  }
  return { header: readHeader(doc), pdfBase64 };
}
