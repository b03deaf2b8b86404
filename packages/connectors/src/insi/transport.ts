import { diagnoseTls, MtlsError, mtlsPost } from '../certificates/mtls.ts';
import type { OrganisationCertificate } from '../certificates/organisation-certificate.ts';
import { InsiError } from './errors.ts';
import { SOAP12_MEDIA_TYPE } from './protocol.ts';

export interface SoapHttpResponse {
  status: number;
  contentType: string;
  body: string;
}

/** Sends one SOAP request and resolves with the HTTP answer (any status); rejects with InsiError. */
export type SoapTransport = (input: { xml: string; action: string }) => Promise<SoapHttpResponse>;

export interface MtlsTransportOptions {
  endpoint: string;
  certificate: OrganisationCertificate;
  /** CA certificates that may issue the server's certificate (PEM); nothing else is trusted. */
  trustedCaPem: readonly string[];
  timeoutMs: number;
  /** Answers larger than this are refused (default 4 MiB; an INSi answer is a few KiB). */
  maxResponseBytes?: number;
}

/**
 * SOAP 1.2 over HTTPS with mutual TLS (the organisation certificate as client certificate, its
 * chain sent along), the HTTP binding of SOAP 1.2: POST, `Content-Type: application/soap+xml;
 * charset=utf-8; action="<wsa:Action>"` (RFC 3902), on mtlsPost's kept-alive connections (one
 * set per certificate: a renewed certificate never reuses the old one's).
 */
export function createMtlsTransport(options: MtlsTransportOptions): SoapTransport {
  const url = new URL(options.endpoint);
  if (url.protocol !== 'https:') throw new InsiError('network', 'The INSi endpoint must be an https:// URL.');
  const maxBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;

  return async ({ xml, action }) => {
    try {
      const res = await mtlsPost({
        url,
        certificate: options.certificate,
        ca: options.trustedCaPem,
        timeoutMs: options.timeoutMs,
        maxResponseBytes: maxBytes,
        headers: {
          'Content-Type': `${SOAP12_MEDIA_TYPE}; charset=utf-8; action="${action}"`,
          Accept: `${SOAP12_MEDIA_TYPE}, text/xml`,
        },
        body: Buffer.from(xml, 'utf8'),
      });
      return { status: res.status, contentType: res.contentType, body: res.body.toString('utf8') };
    } catch (e) {
      if (!(e instanceof MtlsError)) throw e;
      const f = e.failure;
      if (f.kind === 'timeout') {
        throw new InsiError('timeout', `INSi did not answer within ${options.timeoutMs} ms.`);
      }
      if (f.kind === 'too-large') {
        throw new InsiError('invalid-response', `INSi answer larger than ${maxBytes} bytes; refused.`);
      }
      throw transportError(f.error, f);
    }
  };
}

/**
 * Node / OpenSSL errors → what a person can act on (the TLS reading is `diagnoseTls`, shared with
 * the DMP transport): a TLS alert or a connection closed during the handshake, or after it and
 * before any answer, is reported as a likely refusal of the organisation certificate.
 */
export function transportError(
  error: Error & { code?: string },
  state: { handshakeDone: boolean; answered: boolean } = { handshakeDone: false, answered: false },
): InsiError {
  const code = error.code ?? '';
  const d = diagnoseTls(error, state);
  switch (d.kind) {
    case 'alert':
      return new InsiError(
        'tls-refused',
        `The INSi server refused the TLS connection (alert "${d.alert}"): check that the organisation certificate is valid, issued by the IGC-Santé and not revoked.`,
        { cause: error },
      );
    case 'server-untrusted':
      return new InsiError(
        'server-untrusted',
        `The INSi server's certificate is not trusted (${code}): the connection was not made.`,
        { cause: error },
      );
    case 'closed-during-handshake':
    case 'closed-before-answer':
      return new InsiError(
        'tls-refused',
        `The INSi server closed the connection ${d.kind === 'closed-during-handshake' ? 'during' : 'right after'} the TLS handshake, without answering: it most likely refused the organisation certificate (expired, revoked, or not issued by a CA it trusts).`,
        { cause: error },
      );
    case 'network':
      return code === 'ECONNRESET' || code === 'EPIPE'
        ? new InsiError('network', `The INSi server closed the connection (${code}).`, { cause: error })
        : new InsiError('network', `Cannot reach INSi (${code || error.message}).`, { cause: error });
  }
}
