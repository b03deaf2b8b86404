import { request } from 'node:https';
import { isIP } from 'node:net';
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
 * charset=utf-8; action="<wsa:Action>"` (RFC 3902). One connection per call (no keep-alive:
 * INSi calls are rare and a long-lived socket would outlive a certificate change).
 */
export function createMtlsTransport(options: MtlsTransportOptions): SoapTransport {
  const url = new URL(options.endpoint);
  if (url.protocol !== 'https:') throw new InsiError('network', 'The INSi endpoint must be an https:// URL.');
  const maxBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;
  const cert = [options.certificate.certPem, ...options.certificate.chainPem].join('\n');

  return ({ xml, action }) =>
    new Promise<SoapHttpResponse>((resolve, reject) => {
      const payload = Buffer.from(xml, 'utf8');
      let settled = false;
      let handshakeDone = false;
      let answered = false;
      const fail = (error: InsiError) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        req.destroy();
        reject(error);
      };
      const req = request({
        protocol: 'https:',
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || 443,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        agent: false,
        key: options.certificate.keyPem,
        cert,
        ca: [...options.trustedCaPem],
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        ...(isIP(url.hostname.replace(/^\[|\]$/g, '')) ? {} : { servername: url.hostname }),
        headers: {
          'Content-Type': `${SOAP12_MEDIA_TYPE}; charset=utf-8; action="${action}"`,
          'Content-Length': payload.length,
          Accept: `${SOAP12_MEDIA_TYPE}, text/xml`,
        },
      });
      const deadline = setTimeout(
        () => fail(new InsiError('timeout', `INSi did not answer within ${options.timeoutMs} ms.`)),
        options.timeoutMs,
      );
      req.on('socket', (socket) => socket.once('secureConnect', () => (handshakeDone = true)));
      req.on('error', (error) => fail(transportError(error, { handshakeDone, answered })));
      req.on('response', (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            fail(new InsiError('invalid-response', `INSi answer larger than ${maxBytes} bytes; refused.`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => fail(transportError(error, { handshakeDone, answered })));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      req.end(payload);
    });
}

/**
 * Node / OpenSSL errors → what a person can act on.
 *
 * A server that refuses the client certificate sends a TLS alert; OpenSSL names it in the error
 * code (ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED; ERR_SSL_SSL/TLS_ALERT_… since OpenSSL 3.2) or,
 * for some errors (EPROTO), only in the message ("ssl/tls alert certificate expired"). Some servers (Node's among them) close without a readable alert; with TLS 1.3 the
 * client has also already sent its request, and the close often arrives as a reset. A connection
 * closed during the handshake, or after it and before any answer, is therefore reported as a
 * likely refusal of the certificate.
 */
export function transportError(
  error: Error & { code?: string },
  state: { handshakeDone: boolean; answered: boolean } = { handshakeDone: false, answered: false },
): InsiError {
  const code = error.code ?? '';
  const alert =
    /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13|SSL\/TLS)_ALERT_(.+)$/
      .exec(code)?.[1]
      ?.toLowerCase()
      .replace(/_/g, ' ') ??
    /(?:sslv3|tlsv1|tlsv13|ssl\/tls) alert ([a-z ]+?)(?::|$)/i.exec(error.message)?.[1]?.toLowerCase();
  if (alert) {
    return new InsiError(
      'tls-refused',
      `The INSi server refused the TLS connection (alert "${alert}"): check that the organisation certificate is valid, issued by the IGC-Santé and not revoked.`,
      { cause: error },
    );
  }
  if (
    /^(?:CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH)/.test(
      code,
    )
  ) {
    return new InsiError(
      'server-untrusted',
      `The INSi server's certificate is not trusted (${code}): the connection was not made.`,
      { cause: error },
    );
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    const duringHandshake = !state.handshakeDone && /before secure TLS connection/.test(error.message);
    if (duringHandshake || (state.handshakeDone && !state.answered)) {
      return new InsiError(
        'tls-refused',
        `The INSi server closed the connection ${duringHandshake ? 'during' : 'right after'} the TLS handshake, without answering: it most likely refused the organisation certificate (expired, revoked, or not issued by a CA it trusts).`,
        { cause: error },
      );
    }
    return new InsiError('network', `The INSi server closed the connection (${code}).`, { cause: error });
  }
  return new InsiError('network', `Cannot reach INSi (${code || error.message}).`, { cause: error });
}
