import { request } from 'node:https';
import { isIP } from 'node:net';
import type { OrganisationCertificate } from './organisation-certificate.ts';

export interface MtlsPostOptions {
  url: URL;
  /** The practice's organisation certificate: TLS client certificate, its chain sent along. */
  certificate: OrganisationCertificate;
  /** CAs that may issue the server's certificate (PEM); absent = Node's default trust store. */
  ca?: readonly string[] | undefined;
  timeoutMs: number;
  /** Answers larger than this are refused. */
  maxResponseBytes: number;
  headers: Record<string, string | number>;
  body: Buffer;
}

export interface MtlsResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

/** Why a mutual-TLS POST gave no answer; each connector says it in its own words. */
export type MtlsFailure =
  | { kind: 'timeout' }
  | { kind: 'too-large' }
  | { kind: 'transport'; error: Error & { code?: string }; handshakeDone: boolean; answered: boolean };

export class MtlsError extends Error {
  readonly failure: MtlsFailure;
  constructor(failure: MtlsFailure) {
    super(failure.kind === 'transport' ? failure.error.message : failure.kind);
    this.name = 'MtlsError';
    this.failure = failure;
  }
}

/**
 * One HTTPS POST with the organisation certificate as client certificate (TLS 1.2 at least), one
 * connection per call (no keep-alive: calls are rare, and a long-lived socket would outlive a
 * certificate change). Resolves with any HTTP answer; rejects with an {@link MtlsError}.
 */
export function mtlsPost(o: MtlsPostOptions): Promise<MtlsResponse> {
  const host = o.url.hostname.replace(/^\[|\]$/g, '');
  return new Promise<MtlsResponse>((resolve, reject) => {
    let settled = false;
    let handshakeDone = false;
    let answered = false;
    const fail = (failure: MtlsFailure) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      reject(new MtlsError(failure));
    };
    const transport = (error: Error & { code?: string }) =>
      fail({ kind: 'transport', error, handshakeDone, answered });
    const req = request({
      protocol: 'https:',
      hostname: host,
      port: o.url.port || 443,
      path: `${o.url.pathname}${o.url.search}`,
      method: 'POST',
      agent: false,
      key: o.certificate.keyPem,
      cert: [o.certificate.certPem, ...o.certificate.chainPem].join('\n'),
      ...(o.ca ? { ca: [...o.ca] } : {}),
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(isIP(host) ? {} : { servername: host }),
      headers: { ...o.headers, 'Content-Length': o.body.length },
    });
    const deadline = setTimeout(() => fail({ kind: 'timeout' }), o.timeoutMs);
    req.on('socket', (socket) => socket.once('secureConnect', () => (handshakeDone = true)));
    req.on('error', transport);
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > o.maxResponseBytes) return fail({ kind: 'too-large' });
        chunks.push(chunk);
      });
      res.on('error', transport);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks),
        });
      });
    });
    req.end(o.body);
  });
}

/** What a transport error says about the TLS connection. */
export type TlsDiagnosis =
  /** The server sent a TLS alert: it refused our certificate (expired, revoked, unknown CA…). */
  | { kind: 'alert'; alert: string }
  /** We did not trust the server's certificate. */
  | { kind: 'server-untrusted'; code: string }
  /** Closed during the handshake, or after it and before any answer: most likely a refusal. */
  | { kind: 'closed-during-handshake' }
  | { kind: 'closed-before-answer'; code: string }
  | { kind: 'network'; code: string };

/**
 * Node / OpenSSL errors read for what a person can act on. A server refusing the client
 * certificate sends a TLS alert that OpenSSL names in the error code
 * (ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED; ERR_SSL_SSL/TLS_ALERT_… since OpenSSL 3.2) or, for
 * some errors (EPROTO), only in the message. Some servers (Node's among them) close without a
 * readable alert; with TLS 1.3 the client has already sent its request and the close often
 * arrives as a reset.
 */
export function diagnoseTls(
  error: Error & { code?: string },
  state: { handshakeDone: boolean; answered: boolean },
): TlsDiagnosis {
  const code = error.code ?? '';
  const alert =
    /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13|SSL\/TLS)_ALERT_(.+)$/
      .exec(code)?.[1]
      ?.toLowerCase()
      .replace(/_/g, ' ') ??
    /(?:sslv3|tlsv1|tlsv13|ssl\/tls) alert ([a-z ]+?)(?::|$)/i.exec(error.message)?.[1]?.toLowerCase();
  if (alert) return { kind: 'alert', alert };
  if (
    /^(?:CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH)/.test(
      code,
    )
  ) {
    return { kind: 'server-untrusted', code };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    if (!state.handshakeDone && /before secure TLS connection/.test(error.message)) {
      return { kind: 'closed-during-handshake' };
    }
    if (state.handshakeDone && !state.answered) return { kind: 'closed-before-answer', code };
  }
  return { kind: 'network', code };
}
