/**
 * HL7 v2 ER7 parser.
 *
 * Why our own and not a library: we store each message byte-exact before processing it, and
 * must decide its charset per message from MSH-18 on the raw bytes (8859/1 and UTF-8 senders
 * share one listener), then answer ERR segments that point at the exact segment occurrence /
 * field / repetition / component. The JS HL7 libraries we looked at decode first (one charset
 * per connection), throw untyped errors or none on malformed input, and lose positions; the
 * subset of ER7 we need (delimiters, escapes, MSH numbering) is small and fully tested here,
 * including a fuzz run (test/fuzz.test.ts).
 *
 * Accessors never return undefined for a missing field/component: they return an empty value,
 * so `msg.get('PID')?.field(3).repetitions` and `seg.field(5).component(7).value` are safe.
 * Numbering is 1-based and follows HL7: MSH-1 is the field separator, MSH-2 the encoding
 * characters.
 */
import { decodeMessage, type Hl7Charset } from './charset.ts';
import { unescapeValue, type EncodingCharacters } from './encoding.ts';
import { Hl7Error, type Hl7Location } from './errors.ts';

/** A component: subcomponents (unescaped) and its raw ER7 text. */
export class Hl7Component {
  readonly raw: string;
  private readonly enc: EncodingCharacters;
  private readonly charset: Hl7Charset;
  private readonly literal: boolean;
  private subs: string[] | undefined;

  constructor(raw: string, enc: EncodingCharacters, charset: Hl7Charset, literal = false) {
    this.raw = raw;
    this.enc = enc;
    this.charset = charset;
    this.literal = literal;
  }

  get subcomponents(): string[] {
    if (this.subs === undefined) {
      this.subs =
        this.raw === ''
          ? []
          : this.literal
            ? [this.raw]
            : this.raw.split(this.enc.subcomponent).map((s) => unescapeValue(s, this.enc, this.charset));
    }
    return this.subs;
  }

  /** Subcomponent n (1-based), unescaped; '' when absent. */
  subcomponent(n: number): string {
    return this.subcomponents[n - 1] ?? '';
  }

  /** The first subcomponent, unescaped. */
  get value(): string {
    return this.subcomponent(1);
  }
}

/** One repetition of a field: its components. */
export class Hl7Repetition {
  readonly raw: string;
  private readonly enc: EncodingCharacters;
  private readonly charset: Hl7Charset;
  private readonly literal: boolean;
  private comps: Hl7Component[] | undefined;

  constructor(raw: string, enc: EncodingCharacters, charset: Hl7Charset, literal = false) {
    this.raw = raw;
    this.enc = enc;
    this.charset = charset;
    this.literal = literal;
  }

  get components(): Hl7Component[] {
    if (this.comps === undefined) {
      const parts = this.raw === '' ? [] : this.literal ? [this.raw] : this.raw.split(this.enc.component);
      this.comps = parts.map((p) => new Hl7Component(p, this.enc, this.charset, this.literal));
    }
    return this.comps;
  }

  /** Component n (1-based); empty when absent. */
  component(n: number): Hl7Component {
    return this.components[n - 1] ?? new Hl7Component('', this.enc, this.charset);
  }

  get value(): string {
    return this.component(1).value;
  }
}

/** A field: its repetitions; shortcuts read the first repetition. */
export class Hl7Field {
  readonly raw: string;
  private readonly enc: EncodingCharacters;
  private readonly charset: Hl7Charset;
  private readonly literal: boolean;
  private reps: Hl7Repetition[] | undefined;

  constructor(raw: string, enc: EncodingCharacters, charset: Hl7Charset, literal = false) {
    this.raw = raw;
    this.enc = enc;
    this.charset = charset;
    this.literal = literal;
  }

  get repetitions(): Hl7Repetition[] {
    if (this.reps === undefined) {
      const parts = this.raw === '' ? [] : this.literal ? [this.raw] : this.raw.split(this.enc.repetition);
      this.reps = parts.map((p) => new Hl7Repetition(p, this.enc, this.charset, this.literal));
    }
    return this.reps;
  }

  /** Repetition n (1-based); empty when absent. */
  repetition(n: number): Hl7Repetition {
    return this.repetitions[n - 1] ?? new Hl7Repetition('', this.enc, this.charset);
  }

  /** Component n of the first repetition. */
  component(n: number): Hl7Component {
    return this.repetition(1).component(n);
  }

  /** First repetition, first component, first subcomponent, unescaped. */
  get value(): string {
    return this.repetition(1).value;
  }

  get isEmpty(): boolean {
    return this.raw === '';
  }

  /** `""`: the sender explicitly erases the value (HL7 null). */
  get isNull(): boolean {
    return this.raw === '""';
  }
}

/** A segment. `sequence` is its occurrence among segments of the same id (ERR-2.2). */
export class Hl7Segment {
  readonly name: string;
  /** 1-based position in the message. */
  readonly position: number;
  readonly sequence: number;
  readonly raw: string;
  private readonly parts: string[];
  private readonly enc: EncodingCharacters;
  private readonly charset: Hl7Charset;

  constructor(
    raw: string,
    parts: string[],
    position: number,
    sequence: number,
    enc: EncodingCharacters,
    charset: Hl7Charset,
  ) {
    this.raw = raw;
    this.parts = parts;
    this.name = parts[0] ?? '';
    this.position = position;
    this.sequence = sequence;
    this.enc = enc;
    this.charset = charset;
  }

  /** Number of the last field present. */
  get fieldCount(): number {
    return this.name === 'MSH' ? this.parts.length : this.parts.length - 1;
  }

  /** Field n (1-based, MSH-1 = field separator); empty when absent. */
  field(n: number): Hl7Field {
    if (this.name === 'MSH') {
      if (n === 1) return new Hl7Field(this.enc.field, this.enc, this.charset, true);
      if (n === 2) return new Hl7Field(this.parts[1] ?? '', this.enc, this.charset, true);
      return new Hl7Field(this.parts[n - 1] ?? '', this.enc, this.charset);
    }
    return new Hl7Field(n >= 1 ? (this.parts[n] ?? '') : '', this.enc, this.charset);
  }

  /** Shortcut: `value(5, 1)` = field 5, first repetition, component 1, subcomponent 1. */
  value(field: number, component = 1, subcomponent = 1): string {
    return this.field(field).repetition(1).component(component).subcomponent(subcomponent);
  }

  /** ERR-2 location of this segment (and optionally of one of its fields). */
  location(field?: number, more: Omit<Hl7Location, 'segment' | 'sequence' | 'field'> = {}): Hl7Location {
    return {
      segment: this.name,
      sequence: this.sequence,
      ...(field === undefined ? {} : { field }),
      ...more,
    };
  }
}

/** A parsed message. */
export class Hl7Message {
  readonly segments: readonly Hl7Segment[];
  readonly encoding: EncodingCharacters;
  readonly charset: Hl7Charset;

  constructor(segments: Hl7Segment[], encoding: EncodingCharacters, charset: Hl7Charset) {
    this.segments = segments;
    this.encoding = encoding;
    this.charset = charset;
  }

  /** The n-th (1-based) segment with this id. */
  get(name: string, occurrence = 1): Hl7Segment | undefined {
    let seen = 0;
    for (const s of this.segments) {
      if (s.name === name && ++seen === occurrence) return s;
    }
    return undefined;
  }

  getAll(name: string): Hl7Segment[] {
    return this.segments.filter((s) => s.name === name);
  }

  /** The message as ER7 text with CR segment terminators. */
  toString(): string {
    return this.segments.map((s) => s.raw + '\r').join('');
  }
}

const SEGMENT_ID_RE = /^[A-Z][A-Z0-9]{2}$/;

function syntax(message: string, location?: Hl7Location, hl7Code: '100' | '102' = '100'): Hl7Error {
  return new Hl7Error('syntax', hl7Code, message, location ? { location } : {});
}

/** Reads MSH-1 and MSH-2 (v2.5 §2.5.1 and §2.15.9.2). */
function readEncoding(text: string): EncodingCharacters {
  const field = text[3];
  if (field === undefined || /[A-Za-z0-9\s]/.test(field)) {
    throw syntax(
      'MSH-1 must be the field separator (e.g. |)',
      { segment: 'MSH', sequence: 1, field: 1 },
      '102',
    );
  }
  let end = 4;
  while (end < text.length && text[end] !== field && text[end] !== '\r' && text[end] !== '\n') end++;
  const chars = text.slice(4, end);
  // v2.5 has 4 encoding characters; v2.7 adds the truncation character (5th), ignored here.
  const distinct = new Set([field, ...chars]).size === chars.length + 1;
  if ((chars.length !== 4 && chars.length !== 5) || !distinct || /[A-Za-z0-9\s]/.test(chars)) {
    throw syntax(
      'MSH-2 must hold 4 distinct encoding characters (e.g. ^~\\&)',
      { segment: 'MSH', sequence: 1, field: 2 },
      '102',
    );
  }
  return {
    field,
    component: chars[0]!,
    repetition: chars[1]!,
    escape: chars[2]!,
    subcomponent: chars[3]!,
  };
}

/**
 * Parses ER7 text. Segments may end with CR, LF or CRLF (the ANS examples use LF); empty lines
 * are ignored. Throws {@link Hl7Error} (kind `syntax`, answer AR) when the text is not one HL7
 * message: no MSH first, bad MSH-1/MSH-2, a line that is not a segment, a second MSH.
 */
export function parseText(input: string, charset: Hl7Charset = 'UNICODE UTF-8'): Hl7Message {
  let text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let start = 0;
  while (start < text.length && (text[start] === '\r' || text[start] === '\n')) start++;
  text = start > 0 ? text.slice(start) : text;
  if (text.length === 0) throw syntax('empty message');
  if (!text.startsWith('MSH')) {
    throw syntax('the message must start with an MSH segment', { segment: 'MSH', sequence: 1 });
  }
  const enc = readEncoding(text);
  const counts = new Map<string, number>();
  const segments: Hl7Segment[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.trim() === '') continue;
    const parts = line.split(enc.field);
    const name = parts[0]!;
    if (!SEGMENT_ID_RE.test(name)) {
      throw syntax(
        `line ${segments.length + 1} is not a segment (segment ids are 3 upper-case letters or digits): ` +
          JSON.stringify(name.slice(0, 20)),
      );
    }
    if (name === 'MSH' && segments.length > 0) {
      throw syntax('a second MSH segment: send one message per frame', { segment: 'MSH', sequence: 2 });
    }
    const sequence = (counts.get(name) ?? 0) + 1;
    counts.set(name, sequence);
    segments.push(new Hl7Segment(line, parts, segments.length + 1, sequence, enc, charset));
  }
  return new Hl7Message(segments, enc, charset);
}

/**
 * Parses a raw message: charset from MSH-18 on the bytes (see charset.ts), then ER7. Throws
 * {@link Hl7Error} only.
 */
export function parseMessage(raw: Buffer): Hl7Message {
  const { text, charset } = decodeMessage(raw);
  return parseText(text, charset);
}
