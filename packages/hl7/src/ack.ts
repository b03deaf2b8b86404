/**
 * Acknowledgements (HL7 v2.5 original mode, §2.9.2; ERR as in v2.5 §2.15.5). Shape checked
 * against the ANS examples (`ack.er7`: `MSH|^~\&|PFI-X|Organisation-Y|RIS-Y|Organisation-Y|
 * 202106060932||ACK^T04^ACK|016|P|2.6|||||FRA|UNICODE UTF-8` / `MSA|AA|015`) and against the
 * python-hl7 peer of `shared/tools/hl7-send`, which requires MSA-1 AA/CA and MSA-2 = MSH-10.
 */
import { zonedHl7Timestamp } from '@rayon/domain';
import { encodeText, type Hl7Charset } from './charset.ts';
import { encodingCharactersField, escapeValue, type EncodingCharacters } from './encoding.ts';
import { HL7_ERROR_CODES, type Hl7Error, type Hl7ErrorCode } from './errors.ts';
import type { SniffedHeader } from './header.ts';
import type { Hl7Message } from './message.ts';

/** One ERR segment: where (ERR-2), what (ERR-3, table 0357), how bad (ERR-4), for whom (ERR-8). */
export interface AckError {
  segment?: string;
  sequence?: number;
  field?: number;
  repetition?: number;
  component?: number;
  subcomponent?: number;
  hl7ErrorCode: Hl7ErrorCode;
  severity: 'E' | 'W' | 'I';
  text: string;
}

export interface AckOptions {
  /** MSA-1: AA accepted, AE error in content, AR rejected. */
  code: 'AA' | 'AE' | 'AR';
  errors?: AckError[];
  /** MSH-7 of the ACK. */
  now: Date;
  /** MSH-10 of the ACK (ours; MSA-2 carries the request's). */
  controlId: string;
  /** Time zone of MSH-7 (default Europe/Paris); written with its offset. */
  timeZone?: string;
}

/** A message ready to frame: its text and its bytes in the charset it declares. */
export interface BuiltMessage {
  text: string;
  payload: Buffer;
  charset: Hl7Charset;
}

/** The ERR entry describing an {@link Hl7Error} (severity E). */
export function ackErrorFrom(error: Hl7Error): AckError {
  return { ...(error.location ?? {}), hl7ErrorCode: error.hl7Code, severity: 'E', text: error.message };
}

interface RequestView {
  /** Raw MSH-n (n ≥ 3), in the request's encoding characters. */
  raw(n: number): string;
  encoding: EncodingCharacters;
  charset: Hl7Charset;
}

function viewOf(request: Hl7Message | SniffedHeader): RequestView {
  if ('segments' in request) {
    const msh = request.get('MSH');
    return { raw: (n) => msh?.field(n).raw ?? '', encoding: request.encoding, charset: request.charset };
  }
  const fields = request.fields;
  // Unsupported MSH-18: answer in latin1, which gives the sender's header bytes back unchanged.
  const charset = request.charset ?? '8859/1';
  return {
    raw: (n) => {
      const v = fields?.[n - 1] ?? '';
      return charset === 'UNICODE UTF-8' ? Buffer.from(v, 'latin1').toString('utf8') : v;
    },
    encoding: request.encoding,
    charset,
  };
}

function location(e: AckError, enc: EncodingCharacters): string {
  if (!e.segment) return '';
  const parts = [e.segment, String(e.sequence ?? 1)];
  if (e.field !== undefined) {
    parts.push(String(e.field));
    if (e.component !== undefined || e.subcomponent !== undefined || e.repetition !== undefined) {
      parts.push(String(e.repetition ?? 1));
      if (e.component !== undefined) {
        parts.push(String(e.component));
        if (e.subcomponent !== undefined) parts.push(String(e.subcomponent));
      }
    }
  }
  return parts.map((p) => escapeValue(p, enc)).join(enc.component);
}

function segment(enc: EncodingCharacters, fields: string[]): string {
  let end = fields.length;
  while (end > 1 && fields[end - 1] === '') end--;
  return fields.slice(0, end).join(enc.field);
}

/**
 * Builds the ACK of a request (parsed, or only sniffed when it could not be parsed): sending and
 * receiving application/facility swapped, MSH-9 `ACK^<trigger>^ACK`, MSH-11/12/17/18 copied,
 * MSA-1 the code, MSA-2 the request's MSH-10 (as written), MSA-3 the first error for AE/AR,
 * one ERR per error. Encoded in the request's charset with its delimiters.
 */
export function buildAck(request: Hl7Message | SniffedHeader, options: AckOptions): BuiltMessage {
  const req = viewOf(request);
  const enc = req.encoding;
  const c = enc.component;
  const trigger = req.raw(9).split(enc.repetition)[0]!.split(c)[1] ?? '';
  const msh = segment(enc, [
    'MSH',
    encodingCharactersField(enc),
    req.raw(5),
    req.raw(6),
    req.raw(3),
    req.raw(4),
    zonedHl7Timestamp(options.now, options.timeZone),
    '',
    trigger === '' ? 'ACK' : `ACK${c}${trigger}${c}ACK`,
    escapeValue(options.controlId, enc),
    req.raw(11) || 'P',
    req.raw(12) || '2.5',
    '',
    '',
    '',
    '',
    req.raw(17),
    req.raw(18),
  ]);
  const errors = options.errors ?? [];
  const firstError = options.code === 'AA' ? undefined : errors.find((e) => e.severity === 'E');
  const msa = segment(enc, [
    'MSA',
    options.code,
    req.raw(10).split(enc.repetition)[0]!.split(c)[0]!,
    firstError ? escapeValue(firstError.text, enc) : '',
  ]);
  const errs = errors.map((e) =>
    segment(enc, [
      'ERR',
      '',
      location(e, enc),
      [e.hl7ErrorCode, HL7_ERROR_CODES[e.hl7ErrorCode], 'HL70357'].join(c),
      e.severity,
      '',
      '',
      '',
      escapeValue(e.text, enc),
    ]),
  );
  const text = [msh, msa, ...errs].map((s) => s + '\r').join('');
  return { text, payload: encodeText(text, req.charset), charset: req.charset };
}

/** AE or AR (as the error says) with one ERR describing it. */
export function buildErrorAck(
  request: Hl7Message | SniffedHeader,
  error: Hl7Error,
  options: Omit<AckOptions, 'code' | 'errors'>,
): BuiltMessage {
  return buildAck(request, { ...options, code: error.ackCode, errors: [ackErrorFrom(error)] });
}
