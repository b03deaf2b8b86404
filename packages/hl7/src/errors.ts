import { AppError } from '@rayon/domain';

/**
 * HL7 table 0357 "Message error condition codes" (v2.5, ERR-3), with their HL7 text.
 * 100 also covers a missing required segment ("required segments are missing").
 */
export const HL7_ERROR_CODES = {
  '0': 'Message accepted',
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '204': 'Unknown key identifier',
  '205': 'Duplicate key identifier',
  '206': 'Application record locked',
  '207': 'Application internal error',
} as const;
export type Hl7ErrorCode = keyof typeof HL7_ERROR_CODES;

/**
 * Where an error is, as HL7 v2.5 ERL (ERR-2): segment id, its occurrence in the message
 * (1 for the first PID), field number (MSH-1 = field separator), repetition, component,
 * subcomponent.
 */
export interface Hl7Location {
  segment: string;
  sequence: number;
  field?: number;
  repetition?: number;
  component?: number;
  subcomponent?: number;
}

/** Human form of a location: `PID-7`, `PID-3[2].5`, `OBX(3)-5`. */
export function formatLocation(loc: Hl7Location): string {
  let s = loc.sequence > 1 ? `${loc.segment}(${loc.sequence})` : loc.segment;
  if (loc.field !== undefined) {
    s += `-${loc.field}`;
    if (loc.repetition !== undefined && loc.repetition > 1) s += `[${loc.repetition}]`;
    if (loc.component !== undefined) s += `.${loc.component}`;
    if (loc.subcomponent !== undefined) s += `.${loc.subcomponent}`;
  }
  return s;
}

/**
 * Kinds of failure:
 * - framing: MLLP (oversize frame, truncated frame);
 * - charset: MSH-18 unknown, or bytes that are not valid in the declared charset;
 * - syntax: not an ER7 message (no MSH first, bad encoding characters, bad segment id);
 * - unsupported: message type or trigger event not handled here;
 * - content: a segment or field the profile needs is missing or invalid.
 */
export type Hl7ErrorKind = 'framing' | 'charset' | 'syntax' | 'unsupported' | 'content';

/**
 * The only error this package throws. It is an {@link AppError} (BAD_INPUT, or
 * PAYLOAD_TOO_LARGE for an oversize frame) so the edges map it like any other, and carries
 * what an ACK needs: the HL7 error code (table 0357), the location, and the acknowledgement
 * code to answer (AR: the message is rejected as such — syntax, charset, unsupported type or
 * event; AE: its content is wrong — HL7 v2.5 §2.9.2).
 */
export class Hl7Error extends AppError {
  readonly kind: Hl7ErrorKind;
  readonly hl7Code: Hl7ErrorCode;
  readonly location: Hl7Location | undefined;
  readonly ackCode: 'AE' | 'AR';

  constructor(
    kind: Hl7ErrorKind,
    hl7Code: Hl7ErrorCode,
    message: string,
    options: { location?: Hl7Location; cause?: unknown; ackCode?: 'AE' | 'AR' } = {},
  ) {
    super(kind === 'framing' ? 'PAYLOAD_TOO_LARGE' : 'BAD_INPUT', message, {
      ...(options.location ? { field: formatLocation(options.location) } : {}),
      cause: options.cause,
    });
    this.name = 'Hl7Error';
    this.kind = kind;
    this.hl7Code = hl7Code;
    this.location = options.location;
    this.ackCode = options.ackCode ?? (kind === 'content' ? 'AE' : 'AR');
  }
}

export function isHl7Error(e: unknown): e is Hl7Error {
  return e instanceof Hl7Error;
}
