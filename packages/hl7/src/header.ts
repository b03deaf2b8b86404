import { daysInMonth } from '@rayon/domain';
import { declaredCharset, detectCharset, rawHeaderFields, type Hl7Charset } from './charset.ts';
import { DEFAULT_ENCODING, unescapeValue, type EncodingCharacters } from './encoding.ts';
import { Hl7Error } from './errors.ts';
import type { Hl7Field, Hl7Message } from './message.ts';

/** HD (hierarchic designator): MSH-3..6, CX.4 assigning authority. */
export interface HierarchicDesignator {
  namespaceId: string;
  universalId: string;
  universalIdType: string;
}

/** The name to show / route on: the namespace id, else the universal id (OID). */
export function hdName(hd: HierarchicDesignator): string {
  return hd.namespaceId !== '' ? hd.namespaceId : hd.universalId;
}

export function readHd(field: Hl7Field): HierarchicDesignator {
  const rep = field.repetition(1);
  return {
    namespaceId: rep.component(1).value,
    universalId: rep.component(2).value,
    universalIdType: rep.component(3).value,
  };
}

/** HD inside a component (CX.4 `CHU-X&000897406&N`): subcomponents. */
export function readHdSubcomponents(subcomponents: readonly string[]): HierarchicDesignator {
  return {
    namespaceId: subcomponents[0] ?? '',
    universalId: subcomponents[1] ?? '',
    universalIdType: subcomponents[2] ?? '',
  };
}

export interface MessageHeader {
  sendingApplication: HierarchicDesignator;
  sendingFacility: HierarchicDesignator;
  receivingApplication: HierarchicDesignator;
  receivingFacility: HierarchicDesignator;
  /** MSH-7 as written. */
  dateTime: string;
  /** MSH-7 as ISO 8601 (local time, with the offset when MSH-7 has one); null if unreadable. */
  sentAt: string | null;
  /** MSH-9.1 (ADT), MSH-9.2 (A01), MSH-9.3 (ADT_A01). */
  messageCode: string;
  triggerEvent: string;
  messageStructure: string;
  /** MSH-10. */
  controlId: string;
  /** MSH-11.1 (P, D, T). */
  processingId: string;
  /** MSH-12.1 (2.5). */
  version: string;
  /** MSH-17. */
  countryCode: string;
  charset: Hl7Charset;
  /** MSH-18 as written, null when absent. */
  declaredCharset: string | null;
}

const TS_RE =
  /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?([+-]\d{4})?$/;

/**
 * HL7 TS/DTM (`YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]`) → ISO 8601 with the same precision:
 * `19790328` → `1979-03-28`, `20240306111154` → `2024-03-06T11:11:54`, with `+01:00` when an
 * offset is given. Null when it is not a valid date/time.
 */
export function parseTimestamp(
  value: string,
): { iso: string; precision: 'year' | 'month' | 'day' | 'time' } | null {
  if (value.length > 40) return null;
  const m = TS_RE.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  if (mo === undefined) return { iso: y!, precision: 'year' };
  const month = Number(mo);
  if (month < 1 || month > 12) return null;
  if (d === undefined) return { iso: `${y}-${mo}`, precision: 'month' };
  const day = Number(d);
  if (day < 1 || day > daysInMonth(year, month)) return null;
  let iso = `${y}-${mo}-${d}`;
  if (h === undefined) return { iso, precision: 'day' };
  if (Number(h) > 23 || Number(mi ?? '0') > 59 || Number(s ?? '0') > 59) return null;
  iso += `T${h}:${mi ?? '00'}:${s ?? '00'}${frac ? `.${frac}` : ''}`;
  if (tz) {
    if (Number(tz.slice(1, 3)) > 14 || Number(tz.slice(3)) > 59) return null;
    iso += `${tz.slice(0, 3)}:${tz.slice(3)}`;
  }
  return { iso, precision: 'time' };
}

const MSH = (field: number) => ({ segment: 'MSH', sequence: 1, field });

/**
 * Reads MSH. Throws {@link Hl7Error} (AR, 101) when MSH-9 or MSH-10 is missing: without them
 * the message can be neither routed nor acknowledged properly.
 */
export function readHeader(msg: Hl7Message): MessageHeader {
  const msh = msg.get('MSH');
  if (!msh) throw new Hl7Error('syntax', '100', 'no MSH segment', { location: MSH(0) });
  const type = msh.field(9).repetition(1);
  if (type.component(1).value === '') {
    throw new Hl7Error('syntax', '101', 'MSH-9 (message type) is required', { location: MSH(9) });
  }
  const controlId = msh.field(10).value;
  if (controlId === '') {
    throw new Hl7Error('syntax', '101', 'MSH-10 (message control id) is required', { location: MSH(10) });
  }
  const declared = msh.field(18).value.trim();
  const dateTime = msh.field(7).value;
  return {
    sendingApplication: readHd(msh.field(3)),
    sendingFacility: readHd(msh.field(4)),
    receivingApplication: readHd(msh.field(5)),
    receivingFacility: readHd(msh.field(6)),
    dateTime,
    sentAt: parseTimestamp(dateTime)?.iso ?? null,
    messageCode: type.component(1).value,
    triggerEvent: type.component(2).value,
    messageStructure: type.component(3).value,
    controlId,
    processingId: msh.field(11).value,
    version: msh.field(12).value,
    countryCode: msh.field(17).value,
    charset: msg.charset,
    declaredCharset: declared === '' ? null : declared,
  };
}

/** What can be read from the first line of raw bytes, whatever the rest looks like. */
export interface SniffedHeader {
  /** Raw MSH fields (`fields[k]` = MSH-(k+1)), null when the bytes do not start with MSH. */
  fields: string[] | null;
  encoding: EncodingCharacters;
  /** Null when MSH-18 names a charset we do not support. */
  charset: Hl7Charset | null;
  declaredCharset: string | null;
  sendingApplication: string;
  sendingFacility: string;
  receivingApplication: string;
  receivingFacility: string;
  messageCode: string;
  triggerEvent: string;
  controlId: string;
}

/**
 * Reads MSH from raw bytes without failing: for storing a message before it is parsed and for
 * answering an AR (MSA-2 = MSH-10) to a message that cannot be parsed. Empty strings when
 * unknown.
 */
export function sniffHeader(raw: Buffer): SniffedHeader {
  const header = rawHeaderFields(raw);
  const fields = header?.fields ?? null;
  let charset: Hl7Charset | null;
  try {
    charset = detectCharset(raw);
  } catch {
    charset = null;
  }
  const encChars = fields?.[1] ?? '';
  const candidate: EncodingCharacters = {
    field: header?.separator ?? '|',
    component: encChars[0] ?? '^',
    repetition: encChars[1] ?? '~',
    escape: encChars[2] ?? '\\',
    subcomponent: encChars[3] ?? '&',
  };
  const distinct = new Set(Object.values(candidate)).size === 5;
  const encoding = distinct ? candidate : DEFAULT_ENCODING;
  const text = (k: number) => {
    let v = fields?.[k - 1] ?? '';
    // rawHeaderFields reads bytes as latin1: give UTF-8 text back its characters.
    if (charset === 'UNICODE UTF-8' && /[^\x20-\x7e]/.test(v)) v = Buffer.from(v, 'latin1').toString('utf8');
    return v;
  };
  const first = (k: number, component = 1) => {
    const rep = text(k).split(encoding.repetition)[0] ?? '';
    const comp = rep.split(encoding.component)[component - 1] ?? '';
    const sub = comp.split(encoding.subcomponent)[0] ?? '';
    return unescapeValue(sub, encoding, charset ?? '8859/1');
  };
  const hd = (k: number) => first(k, 1) || first(k, 2);
  return {
    fields,
    encoding,
    charset,
    declaredCharset: declaredCharset(raw),
    sendingApplication: fields ? hd(3) : '',
    sendingFacility: fields ? hd(4) : '',
    receivingApplication: fields ? hd(5) : '',
    receivingFacility: fields ? hd(6) : '',
    messageCode: fields ? first(9, 1) : '',
    triggerEvent: fields ? first(9, 2) : '',
    controlId: fields ? first(10) : '',
  };
}
