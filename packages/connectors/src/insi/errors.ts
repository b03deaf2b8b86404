import { AppError, type ErrorCode } from '@rayon/domain';

/**
 * What went wrong in an INSi call:
 * - `soap-fault`: the service answered a SOAP 1.2 Fault; `siram` carries its detail;
 * - `tls-refused`: the server refused our organisation certificate (TLS alert);
 * - `server-untrusted`: the server's certificate is not trusted (unknown CA, wrong host, expired);
 * - `timeout`: no complete answer within the deadline;
 * - `network`: connection refused, reset, DNS…;
 * - `http`: an HTTP error without a SOAP Fault (e.g. 404, 413, 502 page);
 * - `invalid-response`: not XML, not SOAP 1.2, or not the RESULTAT the WSDL announces.
 */
export type InsiErrorKind =
  'soap-fault' | 'tls-refused' | 'server-untrusted' | 'timeout' | 'network' | 'http' | 'invalid-response';

/**
 * Detail of a SOAP Fault from the SIRAM platform (schema_faultSOAP_V01_01.xsd, element
 * siram:Erreur: text content, attributes `severite`, `code`, `messageID`), with the SOAP 1.2
 * Code/Subcode values and the Reason text.
 */
export interface SiramFault {
  /** soap:Code/soap:Value, e.g. `soap:Sender` or `soap:Receiver`. */
  faultCode: string;
  /** soap:Subcode/soap:Value, e.g. `soap:siram_100`. */
  subcode?: string;
  /** soap:Reason/soap:Text (French, for the user). */
  reason: string;
  /** siram:Erreur@code, e.g. `desir_550`, `DESIR_560`, `insi_102`. */
  code?: string;
  /** siram:Erreur text (French, technical). */
  message?: string;
  /** siram:Erreur@severite: information | avertissement | erreur | fatale. */
  severity?: string;
  /** siram:Erreur@messageID: the wsa:MessageID of the request. */
  messageId?: string;
}

/** siram codes that mean "this software / certificate may not call the service". */
const ACCESS_REFUSED_CODES = new Set(['desir_550', 'desir_560']);

export class InsiError extends AppError {
  readonly kind: InsiErrorKind;
  readonly siram: SiramFault | undefined;
  readonly httpStatus: number | undefined;

  constructor(
    kind: InsiErrorKind,
    message: string,
    options: { siram?: SiramFault; httpStatus?: number; cause?: unknown } = {},
  ) {
    super(appCode(kind, options.siram), message, { cause: options.cause });
    this.name = 'InsiError';
    this.kind = kind;
    this.siram = options.siram;
    this.httpStatus = options.httpStatus;
  }

  /** The siram code in lower case (the service is not consistent: `desir_550`, `DESIR_560`). */
  get siramCode(): string | undefined {
    return this.siram?.code?.toLowerCase();
  }
}

/**
 * One mapping to the house error codes (mapped again at the edge to HTTP/tRPC):
 * refusals of our software or certificate → FORBIDDEN; other Sender faults → BAD_INPUT;
 * Receiver faults and transport problems → UNAVAILABLE.
 */
function appCode(kind: InsiErrorKind, siram: SiramFault | undefined): ErrorCode {
  switch (kind) {
    case 'tls-refused':
      return 'FORBIDDEN';
    case 'soap-fault': {
      const code = siram?.code?.toLowerCase();
      if (code && ACCESS_REFUSED_CODES.has(code)) return 'FORBIDDEN';
      return /Sender$/.test(siram?.faultCode ?? '') ? 'BAD_INPUT' : 'UNAVAILABLE';
    }
    default:
      return 'UNAVAILABLE';
  }
}
