/**
 * Orders in: HL7 v2.5.1 ORM^O01 and OMI^O23 as the CI-SIS teleradiology profile sends them
 * (volet Téléradiologie, `conformance/hl7v2/spec-teleradiologie/st_flux1.md`, `st_flux2.md`,
 * `st_flux4.md`, examples in `conformance/hl7v2/teleradiologie-examples/`), which also reads
 * the plainer IHE RAD SWF orders of hospital RIS feeds:
 *
 * - PID as in the identity feed (the teleradiology profile identifies by INS alone);
 * - one order group per ORC: ORC-1 order control (NW new, XO change, CA cancel, SR the
 *   post-exam complement of flux 4), ORC-2 placer order number (EI: number, namespace,
 *   universal id, type; the authority is the universal id, else the namespace), ORC-12 the
 *   ordering provider (XCN, national id `8` + RPPS with XCN.13 = IDNPS, or an RPPS), ORC-16 the
 *   reason of a cancel;
 * - TQ1-7 the exam date/time (flux 4), TQ1-9 and OBR-5 the priority (S, A = urgent);
 * - OBR-4 the procedure: a CCAM code (coding system CCAM) names a catalogue entry; the
 *   teleradiology profile puts its own procedure code there (TLR_OBR_PROCEDURE) and the
 *   modality and anatomical regions in OBX (MODALITE_IMAGERIE with a DICOM modality code,
 *   REGION_ANATOMIQUE); OBR-24 (diagnostic service section) is read as a modality too;
 * - OBR-13, NTE-3 and the other OBX (history, height, weight, pregnancy…) make the clinical
 *   information; in flux 4, IPC-1 the accession number, IPC-3 the Study Instance UID, OBX
 *   CODE_ACTE_IMAGERIE the procedure done and URL_PARTIELLE_VIEWER (base64) the DRIMbox URL,
 *   kept only when it decodes to a URL (else AE naming OBX-5: the ANS example's own value,
 *   `Penfhghdegge`, is a placeholder that decodes to no text and is refused).
 */
import { isOneOf, MODALITY_TYPES, type ModalityType } from '@rayon/domain';
import { readPatient, type AdtPatient, type AdtWarning } from './adt.ts';
import { Hl7Error, type Hl7ErrorCode, type Hl7Location } from './errors.ts';
import { hdName, parseTimestamp, readHeader } from './header.ts';
import type { Hl7Message, Hl7Repetition, Hl7Segment } from './message.ts';

export const ORDER_CONTROLS = ['NW', 'XO', 'CA', 'SR'] as const;
export type OrderControl = (typeof ORDER_CONTROLS)[number];

export interface CodedValue {
  code: string;
  label: string;
  system: string;
}

export interface OrderingProvider {
  /** The XCN.1 identifier as sent (national id of a professional, RPPS…). */
  id: string;
  /** The RPPS number when the identifier carries one. */
  rpps: string | null;
  familyName: string;
  givenName: string | null;
}

/** What the placer reports once the exam is done at its site (teleradiology flux 4). */
export interface PerformedComplement {
  /** TQ1-7, ISO 8601. */
  at: string | null;
  retentionDays: number | null;
  accessionNumber: { value: string; authority: string } | null;
  studyInstanceUid: string | null;
  procedure: CodedValue | null;
  viewerUrl: string | null;
}

export interface OrderGroup {
  control: OrderControl;
  placer: { number: string; authority: string };
  /** Where this group's ORC is, for error reports. */
  at: Hl7Location;
  provider: OrderingProvider | null;
  /** OBR-4, and where it is. */
  procedure: CodedValue | null;
  procedureAt: Hl7Location;
  urgency: 'routine' | 'urgent';
  /** DICOM modality types asked for (OBX MODALITE_IMAGERIE, OBR-24), in message order. */
  modalityTypes: { type: ModalityType; label: string }[];
  /** OBX REGION_ANATOMIQUE labels. */
  regions: string[];
  clinicalInfo: string | null;
  /** ORC-16 text (cancel reason). */
  reason: string | null;
  performed: PerformedComplement | null;
}

export interface OrderEvent {
  messageCode: 'ORM' | 'OMI';
  trigger: string;
  messageControlId: string;
  sendingApplication: string;
  sendingFacility: string;
  patient: AdtPatient;
  orders: OrderGroup[];
  warnings: AdtWarning[];
}

const EXPECTED: Record<string, string> = { ORM: 'O01', OMI: 'O23' };

function content(message: string, location: Hl7Location, code: Hl7ErrorCode = '102'): Hl7Error {
  return new Hl7Error('content', code, message, { location });
}

const coded = (rep: Hl7Repetition): CodedValue => ({
  code: rep.component(1).value.trim(),
  label: rep.component(2).value.trim(),
  system: rep.component(3).value.trim(),
});

function readProvider(seg: Hl7Segment, field: number): OrderingProvider | null {
  const xcn = seg.field(field).repetitions[0];
  const id = xcn?.component(1).value.trim() ?? '';
  const familyName = xcn?.component(2).value.trim() ?? '';
  if (!xcn || (id === '' && familyName === '')) return null;
  const type = xcn.component(13).value.trim().toUpperCase();
  const rpps = /^8\d{11}$/.test(id) && type !== 'RPPS' ? id.slice(1) : /^\d{11}$/.test(id) ? id : null;
  const givenName = xcn.component(3).value.trim();
  return { id, rpps, familyName, givenName: givenName === '' ? null : givenName };
}

const URGENT = new Set(['S', 'A']);

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text an ED field carries (ED: source application ^ type ^ subtype ^ encoding ^ data):
 * base64 (ED.4 = Base64) is decoded only when it is strict base64 (RFC 4648 alphabet and
 * padding, nothing else) of valid UTF-8 without control characters; otherwise the message is
 * refused naming the field. Node's own decoder skips what it cannot read, so it is not enough.
 */
export function decodeEdText(rep: Hl7Repetition, where: Hl7Location, name: string): string | null {
  const data = rep.component(5).value.trim();
  if (data === '') return null;
  const encoding = rep.component(4).value.trim().toUpperCase();
  let text = data;
  if (encoding === 'BASE64') {
    if (!STRICT_BASE64.test(data)) throw content(`${name}: not valid base64`, where);
    try {
      text = UTF8.decode(Buffer.from(data, 'base64'));
    } catch {
      throw content(`${name}: the base64 does not decode to UTF-8 text`, where);
    }
  } else if (encoding !== '' && encoding !== 'A') {
    throw content(
      `${name}: unsupported encoding ${JSON.stringify(encoding.slice(0, 10))} (Base64 expected)`,
      where,
      '103',
    );
  }
  // eslint-disable-next-line no-control-regex -- control characters are what is refused here
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text)) {
    throw content(`${name}: the decoded text holds control characters`, where);
  }
  return text;
}

/**
 * The DRIMbox partial URL of flux 4 (st_flux4: FQDN of the access point, target service,
 * StudyInstanceUID and AccessionNumber parameters, "cf. section 4.2.2 de la spécification projet
 * DRIMbox visionneuse"). Hypothesis: that section is not available here; the safest reading
 * accepts an http(s) URL or the same without its scheme, whose host is a domain name (FQDN),
 * with no space, and does not require the parameters' names.
 */
export function isDrimboxPartialUrl(text: string): boolean {
  if (text.length > 2048 || /\s/.test(text)) return false;
  const withScheme = /^https?:\/\//i.test(text)
    ? text
    : /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
      ? null
      : `https://${text}`;
  if (!withScheme) return false;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return false;
  }
  const host = url.hostname;
  return (
    url.username === '' &&
    url.password === '' &&
    host.length <= 253 &&
    /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i.test(host)
  );
}

/** One ORC with what follows it up to the next ORC. */
function readGroup(orc: Hl7Segment, segments: Hl7Segment[], warnings: AdtWarning[]): OrderGroup {
  const control = orc.field(1).value.trim().toUpperCase();
  if (!isOneOf(ORDER_CONTROLS, control)) {
    throw content(
      `unsupported order control ${JSON.stringify(control.slice(0, 10))} in ORC-1 (NW, XO, CA or SR)`,
      orc.location(1),
      control === '' ? '101' : '103',
    );
  }
  const obr = segments.find((s) => s.name === 'OBR');
  const placerRep = orc.field(2).repetitions[0];
  const placerFromObr = obr?.field(2).repetitions[0];
  const ei = placerRep && placerRep.component(1).value.trim() !== '' ? placerRep : placerFromObr;
  const number = ei?.component(1).value.trim() ?? '';
  if (number === '') throw content('the placer order number (ORC-2) is required', orc.location(2), '101');
  const authority = ei!.component(3).value.trim() || ei!.component(2).value.trim();

  const modalityTypes: OrderGroup['modalityTypes'] = [];
  const addModality = (code: string, label: string, where: Hl7Location) => {
    const type = code.toUpperCase();
    if (!isOneOf(MODALITY_TYPES, type)) {
      throw content(`unknown modality ${JSON.stringify(code.slice(0, 10))}`, where, '103');
    }
    if (!modalityTypes.some((m) => m.type === type)) {
      modalityTypes.push({ type, label: label || type });
    }
  };
  const regions: string[] = [];
  const notes: string[] = [];
  const performed: PerformedComplement = {
    at: null,
    retentionDays: null,
    accessionNumber: null,
    studyInstanceUid: null,
    procedure: null,
    viewerUrl: null,
  };
  let urgent = false;

  if (obr) {
    const justification = obr.field(13).value.trim();
    if (justification !== '') notes.push(justification);
    if (URGENT.has(obr.field(5).value.trim().toUpperCase())) urgent = true;
    const section = obr.field(24).value.trim();
    if (section !== '' && isOneOf(MODALITY_TYPES, section.toUpperCase())) {
      addModality(section, '', obr.location(24));
    }
  }
  for (const seg of segments) {
    if (seg.name === 'TQ1') {
      if (URGENT.has(seg.field(9).value.trim().toUpperCase())) urgent = true;
      const at = seg.field(7).value.trim();
      if (at !== '') {
        const ts = parseTimestamp(at);
        if (!ts)
          throw content(`invalid date/time in TQ1-7: ${JSON.stringify(at.slice(0, 30))}`, seg.location(7));
        performed.at = ts.iso;
      }
      const days = Number.parseInt(seg.field(6).value.trim(), 10);
      if (Number.isFinite(days)) performed.retentionDays = days;
    } else if (seg.name === 'NTE') {
      const text = seg.field(3).value.trim();
      if (text !== '') notes.push(text);
    } else if (seg.name === 'IPC') {
      const acc = seg.field(1).repetitions[0];
      const value = acc?.component(1).value.trim() ?? '';
      if (value !== '') {
        performed.accessionNumber = {
          value,
          authority: acc!.component(3).value.trim() || acc!.component(2).value.trim(),
        };
      }
      const uid = seg.field(3).value.trim();
      if (uid !== '') {
        if (!/^[0-2](\.(0|[1-9]\d*))+$/.test(uid) || uid.length > 64) {
          throw content(
            `invalid Study Instance UID in IPC-3: ${JSON.stringify(uid.slice(0, 70))}`,
            seg.location(3),
          );
        }
        performed.studyInstanceUid = uid;
      }
    } else if (seg.name === 'OBX') {
      const id = coded(seg.field(3).repetitions[0]!);
      const value = seg.field(5).repetitions[0];
      if (!value || value.raw === '') continue;
      const where = seg.location(5);
      switch (id.code) {
        case 'MODALITE_IMAGERIE':
          addModality(value.component(1).value.trim(), value.component(2).value.trim(), where);
          break;
        case 'REGION_ANATOMIQUE': {
          const v = coded(value);
          regions.push(v.label || v.code);
          break;
        }
        case 'CODE_ACTE_IMAGERIE':
          performed.procedure = coded(value);
          break;
        case 'URL_PARTIELLE_VIEWER': {
          const name = 'OBX-5 URL_PARTIELLE_VIEWER';
          const url = decodeEdText(value, where, name);
          if (url !== null && !isDrimboxPartialUrl(url)) {
            throw content(`${name}: the decoded text is not a DRIMbox URL`, where);
          }
          performed.viewerUrl = url;
          break;
        }
        case 'PRODUIT_ADMINISTRE':
        case 'APPAREIL_IMAGERIE':
          break;
        default: {
          // History, height, weight, pregnancy…: kept for the radiologist as "label: value unit".
          const type = seg.field(2).value.trim().toUpperCase();
          const text =
            type === 'CE' || type === 'CWE'
              ? value.component(2).value || value.component(1).value
              : value.raw;
          const unit = seg.field(6).value.trim();
          notes.push(`${id.label || id.code} : ${text.trim()}${unit ? ` ${unit}` : ''}`);
        }
      }
    }
  }
  if (performed.retentionDays !== null && performed.retentionDays < 0) {
    warnings.push({ location: orc.location(), hl7ErrorCode: '102', text: 'negative retention: ignored' });
    performed.retentionDays = null;
  }
  const reason = orc.field(16).repetitions[0];
  const reasonText = reason ? (reason.component(2).value || reason.component(1).value).trim() : '';
  return {
    control: control as OrderControl,
    placer: { number, authority },
    at: orc.location(),
    provider: readProvider(orc, 12) ?? (obr ? readProvider(obr, 16) : null),
    procedure: obr ? coded(obr.field(4).repetitions[0]!) : null,
    procedureAt: obr ? obr.location(4) : orc.location(),
    urgency:
      urgent || URGENT.has(orc.field(7).repetitions[0]?.component(6).value.trim().toUpperCase() ?? '')
        ? 'urgent'
        : 'routine',
    modalityTypes,
    regions,
    clinicalInfo: notes.length > 0 ? notes.join('\n') : null,
    reason: reasonText === '' ? null : reasonText,
    performed: control === 'SR' ? performed : null,
  };
}

/**
 * Maps a parsed ORM^O01 / OMI^O23. Throws {@link Hl7Error}: AR 200/201 for another message or
 * trigger, AE for content (missing PID or ORC → 100, missing field → 101, bad value → 102/103).
 */
export function parseOrders(msg: Hl7Message): OrderEvent {
  const header = readHeader(msg);
  const msh9 = { segment: 'MSH', sequence: 1, field: 9 };
  const expected = EXPECTED[header.messageCode];
  if (!expected) {
    throw new Hl7Error(
      'unsupported',
      '200',
      `unsupported message type ${header.messageCode}: ORM or OMI expected`,
      {
        location: { ...msh9, component: 1 },
      },
    );
  }
  const trigger = header.triggerEvent.toUpperCase();
  if (trigger !== expected) {
    throw new Hl7Error(
      'unsupported',
      '201',
      `unsupported ${header.messageCode} trigger event ${JSON.stringify(trigger.slice(0, 10))}: ${expected} expected`,
      { location: { ...msh9, component: 2 } },
    );
  }
  const pid = msg.get('PID');
  if (!pid) throw content('an order message requires a PID segment', { segment: 'PID', sequence: 1 }, '100');
  const warnings: AdtWarning[] = [];
  const patient = readPatient(pid, warnings);
  if (patient.localIdentifiers.length === 0 && !patient.ins) {
    throw content(
      'PID-3 has neither an INS nor a local patient identifier (CX.5 = PI)',
      pid.location(3),
      '101',
    );
  }

  const groups: Hl7Segment[][] = [];
  for (const seg of msg.segments.slice(msg.segments.indexOf(pid) + 1)) {
    if (seg.name === 'ORC') groups.push([seg]);
    else if (['TQ1', 'OBR', 'NTE', 'OBX', 'IPC'].includes(seg.name)) {
      const group = groups.at(-1);
      if (!group) throw content(`${seg.name} before any ORC`, seg.location(), '100');
      group.push(seg);
    }
  }
  if (groups.length === 0)
    throw content('an order message requires an ORC segment', { segment: 'ORC', sequence: 1 }, '100');
  const orders = groups.map(([orc, ...rest]) => readGroup(orc!, rest, warnings));
  return {
    messageCode: header.messageCode as 'ORM' | 'OMI',
    trigger,
    messageControlId: header.controlId,
    sendingApplication: hdName(header.sendingApplication),
    sendingFacility: hdName(header.sendingFacility),
    patient,
    orders,
    warnings,
  };
}
