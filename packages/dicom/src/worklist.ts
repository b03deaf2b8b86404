/**
 * Modality Worklist items and the matching rules of DICOM PS3.4 C.2.2.2 / K.6 (pure, no I/O).
 *
 * Queries and responses use the "naturalized" dataset shape of dcmjs / dcmjs-dimse: an object
 * keyed by DICOM keyword, PN values either a string (`FAMILY^Given`) or `[{ Alphabetic }]`,
 * sequences as arrays of such objects, multi-valued attributes (a UID list) as string arrays.
 *
 * Matching choices (C.2.2.2):
 * - PN is matched case-insensitively; accents are significant (`NOEL` does not match `NOËL`,
 *   which C.2.2.2.1 allows) unless the practice chose accent-insensitive matching
 *   ({@link WorklistMatching}): then letters match whatever their accents, and Œ/Æ match OE/AE;
 *   every other string VR is case-sensitive.
 * - `*` and `?` are wildcards for every string VR except UI, DA and TM.
 * - DA/TM accept ranges `A-B`, `A-`, `-B`; the SPS start date and time given together are
 *   matched as one combined date-time range (C.2.2.2.5.2).
 * - UI accepts a list of UIDs (`\` separated).
 * - Keys we do not hold are neither matched (universal) nor returned.
 * - Other Patient IDs Sequence (the INS of a qualified identity, with its issuer), Referenced
 *   Study Sequence and Referenced Patient Sequence are return keys only (universal matching);
 *   the two references are always empty (Rayon has no such SOP instances to refer to).
 */

export interface PersonName {
  family: string;
  given?: string;
  middle?: string;
  prefix?: string;
  suffix?: string;
}

export type PatientSex = 'M' | 'F' | 'O' | '';

/**
 * Another identifier of the patient (Other Patient IDs Sequence item, PS3.3 C.7.1.1): the INS
 * of a qualified identity, as the DRIMbox KOS writes it (IssuerOfPatientID `ASIP-SANTE-INS-NIR`,
 * Issuer of Patient ID Qualifiers: Universal Entity ID = the INS OID, type ISO).
 */
export interface OtherPatientId {
  id: string;
  /** Issuer of Patient ID (0010,0021). */
  issuer: string;
  /** Universal Entity ID (0040,0032) of the issuer, an OID (type ISO). */
  issuerOid: string;
}

/** How a practice wants names matched. */
export interface WorklistMatching {
  /** `NOEL*` finds NOËL: PN values compared without their accents. */
  accentInsensitiveNames?: boolean;
}

export interface WorklistItem {
  patient: {
    name: PersonName;
    /** Patient ID (IPP). */
    id: string;
    /** Issuer of Patient ID (the IPP's assigning authority). */
    issuer?: string;
    /** YYYYMMDD */
    birthDate?: string;
    sex?: PatientSex;
    /** Other Patient IDs Sequence: the INS, only for a qualified identity. */
    otherIds?: OtherPatientId[];
  };
  study: {
    accessionNumber: string;
    studyInstanceUid: string;
    requestedProcedureId: string;
    requestedProcedureDescription?: string;
    referringPhysicianName?: PersonName;
  };
  step: {
    stepId: string;
    modality: string;
    stationAeTitle: string;
    stationName?: string;
    /** YYYYMMDD */
    startDate: string;
    /** HHMMSS */
    startTime: string;
    description?: string;
    performingPhysicianName?: PersonName;
  };
}

/** A C-FIND identifier in dcmjs' naturalized form. */
export type WorklistQuery = Record<string, unknown>;
export type WorklistResponse = Record<string, unknown>;

/** The identifier cannot be processed (C-FIND answers 0xA900). */
export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

type Vr = 'PN' | 'LO' | 'SH' | 'CS' | 'AE' | 'UI' | 'DA' | 'TM';
interface KeyDef {
  vr: Vr;
  get: (item: WorklistItem) => string;
}

const SPS = 'ScheduledProcedureStepSequence';

export function formatPersonName(name: PersonName | undefined): string {
  if (!name) return '';
  const parts = [name.family, name.given ?? '', name.middle ?? '', name.prefix ?? '', name.suffix ?? ''];
  return parts.join('^').replace(/\^+$/, '');
}

const TOP_KEYS: Record<string, KeyDef> = {
  PatientName: { vr: 'PN', get: (i) => formatPersonName(i.patient.name) },
  PatientID: { vr: 'LO', get: (i) => i.patient.id },
  IssuerOfPatientID: { vr: 'LO', get: (i) => i.patient.issuer ?? '' },
  PatientBirthDate: { vr: 'DA', get: (i) => i.patient.birthDate ?? '' },
  PatientSex: { vr: 'CS', get: (i) => i.patient.sex ?? '' },
  AccessionNumber: { vr: 'SH', get: (i) => i.study.accessionNumber },
  StudyInstanceUID: { vr: 'UI', get: (i) => i.study.studyInstanceUid },
  RequestedProcedureID: { vr: 'SH', get: (i) => i.study.requestedProcedureId },
  RequestedProcedureDescription: { vr: 'LO', get: (i) => i.study.requestedProcedureDescription ?? '' },
  ReferringPhysicianName: { vr: 'PN', get: (i) => formatPersonName(i.study.referringPhysicianName) },
};

const STEP_KEYS: Record<string, KeyDef> = {
  ScheduledProcedureStepID: { vr: 'SH', get: (i) => i.step.stepId },
  Modality: { vr: 'CS', get: (i) => i.step.modality },
  ScheduledStationAETitle: { vr: 'AE', get: (i) => i.step.stationAeTitle },
  ScheduledStationName: { vr: 'SH', get: (i) => i.step.stationName ?? '' },
  ScheduledProcedureStepStartDate: { vr: 'DA', get: (i) => i.step.startDate },
  ScheduledProcedureStepStartTime: { vr: 'TM', get: (i) => i.step.startTime },
  ScheduledProcedureStepDescription: { vr: 'LO', get: (i) => i.step.description ?? '' },
  ScheduledPerformingPhysicianName: {
    vr: 'PN',
    get: (i) => formatPersonName(i.step.performingPhysicianName),
  },
};

// ---------------------------------------------------------------------------------------------
// Reading query values

/** The query value as one string ('' = universal); arrays (multi-valued) joined with `\`. */
function valueOf(raw: unknown): string {
  if (raw === undefined || raw === null) return '';
  if (Array.isArray(raw)) return raw.map(valueOf).join('\\');
  if (typeof raw === 'object') {
    const pn = raw as { Alphabetic?: unknown };
    return typeof pn.Alphabetic === 'string' ? pn.Alphabetic : '';
  }
  return String(raw);
}

function cleanPn(value: string): string {
  return value.trim().replace(/\^+$/, '');
}

// ---------------------------------------------------------------------------------------------
// Validation

const DA = /^\d{8}$/;
const TM = /^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$/;
const UID = /^[0-9]+(\.[0-9]+)*$/;

function validateRange(keyword: string, value: string, single: RegExp, ordered: boolean): void {
  if (value === '') return;
  const parts = value.split('-');
  const ok =
    parts.length === 1
      ? single.test(parts[0]!)
      : parts.length === 2 &&
        (parts[0] !== '' || parts[1] !== '') &&
        (parts[0] === '' || single.test(parts[0]!)) &&
        (parts[1] === '' || single.test(parts[1]!)) &&
        (!ordered || parts[0] === '' || parts[1] === '' || parts[0]! <= parts[1]!);
  if (!ok) throw new QueryError(`${keyword}: invalid value or range "${value}"`);
}

function validateKey(keyword: string, def: KeyDef, raw: unknown): void {
  const value = def.vr === 'PN' ? cleanPn(valueOf(raw)) : valueOf(raw).trim();
  if (def.vr === 'DA') validateRange(keyword, value, DA, true);
  // a time range may wrap (1200-0900) when it goes with a date range (C.2.2.2.5.2)
  else if (def.vr === 'TM') validateRange(keyword, value, TM, false);
  else if (def.vr === 'UI' && value !== '') {
    for (const uid of value.split('\\')) {
      if (!UID.test(uid.trim()) || uid.length > 64) throw new QueryError(`${keyword}: invalid UID "${uid}"`);
    }
  }
}

/** Throws a QueryError naming the offending key when the identifier cannot be processed. */
export function validateQuery(query: WorklistQuery): void {
  for (const [keyword, def] of Object.entries(TOP_KEYS)) {
    if (keyword in query) validateKey(keyword, def, query[keyword]);
  }
  const sps = query[SPS];
  if (sps === undefined || sps === null || sps === '') return;
  if (!Array.isArray(sps)) throw new QueryError(`${SPS}: not a sequence`);
  if (sps.length > 1) throw new QueryError(`${SPS}: more than one item in a query`);
  const stepQuery: unknown = sps[0];
  if (stepQuery === undefined) return;
  if (typeof stepQuery !== 'object' || stepQuery === null) throw new QueryError(`${SPS}: invalid item`);
  for (const [keyword, def] of Object.entries(STEP_KEYS)) {
    if (keyword in stepQuery) validateKey(keyword, def, (stepQuery as WorklistQuery)[keyword]);
  }
}

// ---------------------------------------------------------------------------------------------
// Matching

function wildcardToRegExp(pattern: string, flags: string): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, flags);
}

/** A name without its accents (NFD, combining marks dropped), Œ and Æ written out. */
function withoutAccents(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/Œ/g, 'OE')
    .replace(/œ/g, 'oe')
    .replace(/Æ/g, 'AE')
    .replace(/æ/g, 'ae')
    .normalize('NFC');
}

function matchString(query: string, value: string, caseInsensitive: boolean): boolean {
  if (query === '' || /^\*+$/.test(query)) return true;
  if (query.includes('*') || query.includes('?'))
    return wildcardToRegExp(query, caseInsensitive ? 'isu' : 'su').test(value);
  return caseInsensitive ? query.toLocaleUpperCase('fr') === value.toLocaleUpperCase('fr') : query === value;
}

/** `HHMMSS.ffffff`, missing components filled with zeros (lower) or their maximum (upper). */
function normTime(t: string, upper: boolean): string {
  const [hms = '', frac = ''] = t.split('.');
  const pad = upper ? '235959' : '000000';
  const full = hms + pad.slice(hms.length);
  return `${full}.${frac.padEnd(6, upper && frac === '' ? '9' : '0')}`;
}

function bounds(value: string): [string | undefined, string | undefined] {
  if (!value.includes('-')) return [value, value];
  const [lo = '', hi = ''] = value.split('-');
  return [lo === '' ? undefined : lo, hi === '' ? undefined : hi];
}

function matchRange(query: string, value: string, vr: 'DA' | 'TM'): boolean {
  if (query === '') return true;
  if (value === '') return false;
  const [lo, hi] = bounds(query);
  const v = vr === 'TM' ? normTime(value, false) : value;
  const l = lo === undefined ? undefined : vr === 'TM' ? normTime(lo, false) : lo;
  const h = hi === undefined ? undefined : vr === 'TM' ? normTime(hi, true) : hi;
  return (l === undefined || v >= l) && (h === undefined || v <= h);
}

/** C.2.2.2.5.2: a date range and a time range on the same step form one date-time range. */
function matchDateTime(dateQuery: string, timeQuery: string, date: string, time: string): boolean {
  const [dLo, dHi] = bounds(dateQuery);
  const [tLo, tHi] = bounds(timeQuery);
  const v = date + normTime(time, false);
  const lo = dLo === undefined ? undefined : dLo + normTime(tLo ?? '', false);
  const hi = dHi === undefined ? undefined : dHi + normTime(tHi ?? '', true);
  return (lo === undefined || v >= lo) && (hi === undefined || v <= hi);
}

function matchKey(def: KeyDef, raw: unknown, item: WorklistItem, matching: WorklistMatching): boolean {
  const value = def.get(item);
  switch (def.vr) {
    case 'PN':
      return matching.accentInsensitiveNames
        ? matchString(withoutAccents(cleanPn(valueOf(raw))), withoutAccents(value), true)
        : matchString(cleanPn(valueOf(raw)), value, true);
    case 'DA':
    case 'TM':
      return matchRange(valueOf(raw).trim(), value, def.vr);
    case 'UI': {
      const q = valueOf(raw).trim();
      return q === '' || q.split('\\').some((uid) => uid.trim() === value);
    }
    default: {
      const q = valueOf(raw).trim();
      if (q !== '' && !/^\*+$/.test(q) && value === '') return false;
      return matchString(q, value, false);
    }
  }
}

function matchStep(stepQuery: WorklistQuery, item: WorklistItem, matching: WorklistMatching): boolean {
  const date = valueOf(stepQuery.ScheduledProcedureStepStartDate).trim();
  const time = valueOf(stepQuery.ScheduledProcedureStepStartTime).trim();
  const combined = date !== '' && time !== '';
  if (combined && !matchDateTime(date, time, item.step.startDate, item.step.startTime)) return false;
  for (const [keyword, def] of Object.entries(STEP_KEYS)) {
    if (!(keyword in stepQuery)) continue;
    if (
      combined &&
      (keyword === 'ScheduledProcedureStepStartDate' || keyword === 'ScheduledProcedureStepStartTime')
    )
      continue;
    if (!matchKey(def, stepQuery[keyword], item, matching)) return false;
  }
  return true;
}

export function matchesItem(
  query: WorklistQuery,
  item: WorklistItem,
  matching: WorklistMatching = {},
): boolean {
  for (const [keyword, def] of Object.entries(TOP_KEYS)) {
    if (keyword in query && !matchKey(def, query[keyword], item, matching)) return false;
  }
  const sps = query[SPS];
  if (Array.isArray(sps) && sps.length > 0) {
    const stepQuery: unknown = sps[0];
    if (
      typeof stepQuery === 'object' &&
      stepQuery !== null &&
      !matchStep(stepQuery as WorklistQuery, item, matching)
    )
      return false;
  }
  return true;
}

/** The items matching the identifier (validated first: throws QueryError). */
export function matchWorklist(
  query: WorklistQuery,
  items: readonly WorklistItem[],
  matching: WorklistMatching = {},
): WorklistItem[] {
  validateQuery(query);
  return items.filter((item) => matchesItem(query, item, matching));
}

// ---------------------------------------------------------------------------------------------
// Response

/** The keys a sequence's query item names among `known`; none named (or no item) asks for all. */
function askedKeys(raw: unknown, known: readonly string[]): readonly string[] {
  const first: unknown = Array.isArray(raw) ? raw[0] : undefined;
  const named =
    typeof first === 'object' && first !== null ? Object.keys(first).filter((k) => known.includes(k)) : [];
  return named.length > 0 ? named : known;
}

const OTHER_ID_KEYS = [
  'PatientID',
  'IssuerOfPatientID',
  'IssuerOfPatientIDQualifiersSequence',
  'TypeOfPatientID',
];

function otherPatientIds(raw: unknown, item: WorklistItem): WorklistResponse[] {
  const keys = askedKeys(raw, OTHER_ID_KEYS);
  return (item.patient.otherIds ?? []).map((o) => {
    const all: WorklistResponse = {
      PatientID: o.id,
      IssuerOfPatientID: o.issuer,
      IssuerOfPatientIDQualifiersSequence: [{ UniversalEntityID: o.issuerOid, UniversalEntityIDType: 'ISO' }],
      TypeOfPatientID: 'TEXT',
    };
    return Object.fromEntries(keys.map((k) => [k, all[k]]));
  });
}

/**
 * Sequences answered whatever the item holds: Other Patient IDs (the INS of a qualified
 * identity, else empty), Referenced Study and Referenced Patient (empty: Rayon has no Study or
 * Patient SOP instance to refer to; IHE SWF asks for them, Type 2).
 */
const SEQUENCE_KEYS: Record<string, (raw: unknown, item: WorklistItem) => WorklistResponse[]> = {
  OtherPatientIDsSequence: otherPatientIds,
  ReferencedStudySequence: () => [],
  ReferencedPatientSequence: () => [],
};

/** The return keys the query asked for, valued from the item (unknown keys are left out). */
export function buildResponse(query: WorklistQuery, item: WorklistItem): WorklistResponse {
  const out: WorklistResponse = {};
  for (const keyword of Object.keys(query)) {
    const def = TOP_KEYS[keyword];
    if (def) out[keyword] = def.get(item);
    const sequence = SEQUENCE_KEYS[keyword];
    if (sequence) out[keyword] = sequence(query[keyword], item);
  }
  if (SPS in query) {
    const sps = query[SPS];
    const stepQuery: unknown = Array.isArray(sps) ? sps[0] : undefined;
    // A sequence sent without items asks for every attribute of the step.
    const keys =
      typeof stepQuery === 'object' &&
      stepQuery !== null &&
      Object.keys(stepQuery).some((k) => k in STEP_KEYS)
        ? Object.keys(stepQuery).filter((k) => k in STEP_KEYS)
        : Object.keys(STEP_KEYS);
    const step: WorklistResponse = {};
    for (const keyword of keys) step[keyword] = STEP_KEYS[keyword]!.get(item);
    out[SPS] = [step];
  }
  return out;
}
