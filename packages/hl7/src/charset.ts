import { Hl7Error } from './errors.ts';

/**
 * Character sets of MSH-18 (HL7 table 0211) that French senders use: `UNICODE UTF-8` (the
 * CI-SIS and PAM-FR examples), `8859/1` (many HIS), `8859/15` (CI-SIS allows it), `ASCII`.
 * The charset is decided on the raw bytes, per message: the MSH segment is read byte-wise
 * (its delimiters are ASCII), then the whole message is decoded with the declared charset.
 * Absent MSH-18 means UTF-8 here; bytes that are not valid UTF-8 are reported, not guessed.
 */
export type Hl7Charset = 'UNICODE UTF-8' | '8859/1' | '8859/15' | 'ASCII';

const DECLARED: Record<string, Hl7Charset> = {
  'UNICODE UTF-8': 'UNICODE UTF-8',
  // Not in table 0211 but sent by some systems; "UNICODE" alone is the deprecated v2.5 value.
  'UTF-8': 'UNICODE UTF-8',
  UNICODE: 'UNICODE UTF-8',
  '8859/1': '8859/1',
  '8859/15': '8859/15',
  ASCII: 'ASCII',
};

const MSH18 = { segment: 'MSH', sequence: 1, field: 18 } as const;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Drops a leading UTF-8 byte order mark (some senders write one before MSH). */
export function stripBom(raw: Buffer): Buffer {
  return raw.subarray(0, 3).equals(UTF8_BOM) ? raw.subarray(3) : raw;
}

/**
 * The raw MSH fields of a message, read byte-wise from its first segment (after a BOM or blank
 * lines), or null when the message does not start with `MSH` + a field separator. Never throws.
 */
export function rawHeaderFields(raw: Buffer): { separator: string; fields: string[] } | null {
  let bytes = stripBom(raw);
  let skip = 0;
  while (skip < bytes.length && (bytes[skip] === 0x0d || bytes[skip] === 0x0a)) skip++;
  bytes = bytes.subarray(skip);
  if (bytes.length < 4 || bytes.toString('latin1', 0, 3) !== 'MSH') return null;
  let end = bytes.length;
  for (let i = 4; i < bytes.length; i++) {
    if (bytes[i] === 0x0d || bytes[i] === 0x0a) {
      end = i;
      break;
    }
  }
  const sep = bytes[3]!;
  const fields: string[] = ['MSH'];
  let start = 4;
  for (let i = 4; i <= end; i++) {
    if (i === end || bytes[i] === sep) {
      // MSH is ASCII in practice; latin1 keeps any stray byte one-to-one.
      fields.push(bytes.toString('latin1', start, i));
      start = i + 1;
    }
  }
  return { separator: String.fromCharCode(sep), fields };
}

/** The MSH-18 value as written (first repetition, trimmed), or null when absent. */
export function declaredCharset(raw: Buffer): string | null {
  const fields = rawHeaderFields(raw)?.fields;
  if (!fields) return null;
  // fields[1] is MSH-2 (encoding characters); fields[k] is MSH-(k+1).
  const repetition = fields[1]?.[1] ?? '~';
  const value = (fields[17] ?? '').split(repetition)[0]!.trim();
  return value === '' ? null : value;
}

/** The charset of a raw message; throws an {@link Hl7Error} (AR, MSH-18) for an unknown one. */
export function detectCharset(raw: Buffer): Hl7Charset {
  const declared = declaredCharset(raw);
  if (declared === null) return 'UNICODE UTF-8';
  const charset = DECLARED[declared.toUpperCase()];
  if (!charset) {
    throw new Hl7Error('charset', '103', `unsupported character set in MSH-18: ${declared}`, {
      location: MSH18,
    });
  }
  return charset;
}

/** Offset of the first byte that is not valid UTF-8, or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** ISO 8859-15 differs from 8859-1 at eight positions. */
const LATIN9: Record<number, string> = {
  0xa4: '€',
  0xa6: 'Š',
  0xa8: 'š',
  0xb4: 'Ž',
  0xb8: 'ž',
  0xbc: 'Œ',
  0xbd: 'œ',
  0xbe: 'Ÿ',
};
const LATIN9_REVERSE = new Map(Object.entries(LATIN9).map(([byte, ch]) => [ch, Number(byte)]));

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes message bytes in the given charset; throws an {@link Hl7Error} on invalid bytes. */
export function decodeText(bytes: Buffer, charset: Hl7Charset): string {
  switch (charset) {
    case 'UNICODE UTF-8':
      try {
        return utf8.decode(bytes);
      } catch (cause) {
        throw new Hl7Error(
          'charset',
          '102',
          `the message is not valid UTF-8 (byte ${invalidUtf8Offset(bytes)}); declare its character set in MSH-18`,
          { location: MSH18, cause },
        );
      }
    case '8859/1':
      return bytes.toString('latin1');
    case '8859/15': {
      const text = bytes.toString('latin1');
      return /[\xa4\xa6\xa8\xb4\xb8\xbc\xbd\xbe]/.test(text)
        ? text.replace(/[\xa4\xa6\xa8\xb4\xb8\xbc\xbd\xbe]/g, (c) => LATIN9[c.charCodeAt(0)] ?? c)
        : text;
    }
    case 'ASCII': {
      const bad = bytes.findIndex((b) => b > 0x7f);
      if (bad !== -1) {
        throw new Hl7Error('charset', '102', `the message declares ASCII but byte ${bad} is not ASCII`, {
          location: MSH18,
        });
      }
      return bytes.toString('latin1');
    }
  }
}

/**
 * Encodes text in a charset (for an answer in the charset of the request). Characters the
 * charset cannot represent become `?`.
 */
export function encodeText(text: string, charset: Hl7Charset): Buffer {
  switch (charset) {
    case 'UNICODE UTF-8':
      return Buffer.from(text, 'utf8');
    case '8859/1':
      return singleByte(text, (cp) => (cp <= 0xff ? cp : undefined));
    case '8859/15':
      return singleByte(
        text,
        (cp, ch) => LATIN9_REVERSE.get(ch) ?? (cp <= 0xff && !LATIN9[cp] ? cp : undefined),
      );
    case 'ASCII':
      return singleByte(text, (cp) => (cp < 0x80 ? cp : undefined));
  }
}

function singleByte(text: string, toByte: (codePoint: number, ch: string) => number | undefined): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (const ch of text) out[n++] = toByte(ch.codePointAt(0)!, ch) ?? 0x3f;
  return out.subarray(0, n);
}

/** The charset of the raw bytes and their text (BOM dropped). */
export function decodeMessage(raw: Buffer): { text: string; charset: Hl7Charset } {
  const charset = detectCharset(raw);
  return { text: decodeText(stripBom(raw), charset), charset };
}
