import { randomUUID } from 'node:crypto';
import type { OrganisationCertificate } from '../certificates/organisation-certificate.ts';
import {
  buildTraitsEnvelope,
  buildVitaleEnvelope,
  type BuiltEnvelope,
  type LpsIdentity,
} from './envelope.ts';
import { InsiError } from './errors.ts';
import type { InsiResultCode } from './protocol.ts';
import {
  forenameAttempts,
  normaliseTraitsQuery,
  normaliseVitaleQuery,
  type TraitsQuery,
  type VitaleQuery,
} from './query.ts';
import { parseInsiResponse, type InsiIdentity, type ParsedInsiResponse } from './response.ts';
import { createMtlsTransport, type SoapHttpResponse, type SoapTransport } from './transport.ts';

export interface InsiClientOptions {
  /** https URL of the service, e.g. the qualification mTLS endpoint (WSDL soap12:address). */
  endpoint: string;
  /** The tenant's organisation certificate, CN `INSI-AUTO` or `INSI-MANU`. */
  certificate: OrganisationCertificate;
  /** CAs trusted for the server certificate (IGC-Santé ACR-EL + ACI-EL-ORG in qualification). */
  trustedCaPem: string[];
  lps: LpsIdentity;
  /** Emetteur of the context headers: who calls (structure or user identifier, never patient data). */
  emitter: string;
  /** Deadline of one call (default 15 s). */
  timeoutMs?: number;
  now?: () => Date;
  uuid?: () => string;
}

/** One call made during a search (the forenames are tried one by one). */
export interface InsiAttempt {
  forename?: string;
  code: InsiResultCode;
  messageId: string;
  requestXml: string;
  responseXml: string;
}

export interface InsiSearchResult {
  /** 00 one identity, 01 none, 02 several (RESULTAT/CR/CodeCR). */
  code: InsiResultCode;
  label: string;
  /** Present for 00 only. */
  result?: InsiIdentity;
  /** Request and answer of the call that decided the result (keep them as proof of the INSi call). */
  requestXml: string;
  responseXml: string;
  /** Every call made, in order. */
  attempts: InsiAttempt[];
}

export interface InsiClient {
  /**
   * rechercherInsAvecTraitsIdentite. Tries each forename alone, then all of them together, and
   * stops at the first 00; with no 00, answers 02 if any call answered 02 (add the birth place and
   * try again), else 01. Faults and transport problems throw `InsiError` at once.
   */
  searchByTraits(query: TraitsQuery): Promise<InsiSearchResult>;
  /** rechercherInsAvecCarteVitale from the data read on the card (see `VitaleQuery`). */
  searchWithVitale(query: VitaleQuery): Promise<InsiSearchResult>;
}

export function createInsiClient(options: InsiClientOptions): InsiClient {
  const transport = createMtlsTransport({
    endpoint: options.endpoint,
    certificate: options.certificate,
    trustedCaPem: options.trustedCaPem,
    timeoutMs: options.timeoutMs ?? 15_000,
  });
  return createInsiClientWithTransport(options, transport);
}

/** Same client on any transport (unit tests). */
export function createInsiClientWithTransport(
  options: Pick<InsiClientOptions, 'lps' | 'emitter' | 'now' | 'uuid'>,
  transport: SoapTransport,
): InsiClient {
  const now = options.now ?? (() => new Date());
  const uuid = options.uuid ?? randomUUID;
  const context = () => ({ lps: options.lps, emitter: options.emitter, now: now(), uuid });

  async function call(envelope: BuiltEnvelope, forename?: string): Promise<Call> {
    const response = await transport({ xml: envelope.xml, action: envelope.action });
    return {
      ...(forename !== undefined ? { forename } : {}),
      parsed: interpret(response),
      messageId: envelope.messageId,
      requestXml: envelope.xml,
      responseXml: response.body,
    };
  }

  function toResult(decisive: Call, attempts: InsiAttempt[]): InsiSearchResult {
    return {
      code: decisive.parsed.code,
      label: decisive.parsed.label,
      ...(decisive.parsed.result ? { result: decisive.parsed.result } : {}),
      requestXml: decisive.requestXml,
      responseXml: decisive.responseXml,
      attempts,
    };
  }

  return {
    async searchByTraits(query) {
      const q = normaliseTraitsQuery(query);
      const calls: Call[] = [];
      for (const forename of forenameAttempts(q.forenames)) {
        const envelope = buildTraitsEnvelope(context(), {
          birthFamilyName: q.birthFamilyName,
          forename,
          sex: q.sex,
          birthDate: q.birthDate,
          ...(q.birthPlaceCode ? { birthPlaceCode: q.birthPlaceCode } : {}),
        });
        const done = await call(envelope, forename);
        calls.push(done);
        if (done.parsed.code === '00') return toResult(done, calls.map(toAttempt));
      }
      const decisive = calls.find((c) => c.parsed.code === '02') ?? (calls.at(-1) as Call);
      return toResult(decisive, calls.map(toAttempt));
    },

    async searchWithVitale(query) {
      const done = await call(buildVitaleEnvelope(context(), normaliseVitaleQuery(query)));
      return toResult(done, [toAttempt(done)]);
    },
  };
}

interface Call {
  forename?: string;
  parsed: ParsedInsiResponse;
  messageId: string;
  requestXml: string;
  responseXml: string;
}

function toAttempt({ parsed, ...rest }: Call): InsiAttempt {
  return { ...rest, code: parsed.code };
}

/**
 * HTTP answer → RESULTAT. SOAP 1.2 HTTP binding: a Fault may come with 400 or 500 (the service
 * answers 500, as TLSI-INS handles it); a RESULTAT must come with 200. Anything not XML is an
 * HTTP-level error (proxy page, 413, 404…).
 */
function interpret(response: SoapHttpResponse): ParsedInsiResponse {
  const { status, contentType, body } = response;
  const ok = status >= 200 && status < 300;
  if (!/xml/i.test(contentType) || !body.trimStart().startsWith('<')) {
    throw new InsiError(
      ok ? 'invalid-response' : 'http',
      `INSi answered HTTP ${status} without a SOAP message${contentType ? ` (${contentType})` : ''}.`,
      { httpStatus: status },
    );
  }
  try {
    const parsed = parseInsiResponse(body);
    if (status !== 200) {
      throw new InsiError('http', `INSi answered HTTP ${status} with a RESULTAT; expected 200.`, {
        httpStatus: status,
      });
    }
    return parsed;
  } catch (error) {
    if (!(error instanceof InsiError) || error.httpStatus !== undefined) throw error;
    const kind = error.kind === 'invalid-response' && !ok ? 'http' : error.kind;
    throw new InsiError(kind, error.message, { siram: error.siram, httpStatus: status, cause: error.cause });
  }
}
