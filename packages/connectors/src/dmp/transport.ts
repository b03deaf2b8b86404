import { randomUUID } from 'node:crypto';
import { request } from 'node:https';
import { isIP } from 'node:net';
import type { OrganisationCertificate } from '../certificates/organisation-certificate.ts';
import { DeliveryError } from '../delivery-error.ts';

export interface DmpHttpResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

export interface DmpTransportOptions {
  /** Full service URL (base URL + /repository, /registry or /patients). */
  url: string;
  certificate: OrganisationCertificate;
  /** CAs that may issue the DMP server's certificate (PEM); absent = Node's default trust store. */
  ca?: readonly string[] | undefined;
  timeoutMs?: number | undefined;
  maxResponseBytes?: number | undefined;
}

export interface MimePart {
  contentType: string;
  contentId: string;
  body: Buffer;
}

/**
 * A SOAP 1.2 MTOM/XOP message (multipart/related, root part application/xop+xml), with the HTTP
 * Content-Type of national-services.md §1.1 (DRIMbox ProvideAndRegisterRequest.java; the
 * start-info/type/action parameters as IHE requires).
 */
export function mtomMessage(input: {
  envelope: string;
  action: string;
  rootAction: string;
  attachments: readonly MimePart[];
}): { contentType: string; body: Buffer } {
  const boundary = `MIMEBoundary_${randomUUID().replace(/-/g, '')}`;
  const crlf = '\r\n';
  const chunks: Buffer[] = [
    Buffer.from(
      `--${boundary}${crlf}Content-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"; action="${input.rootAction}"${crlf}` +
        `Content-Transfer-Encoding: binary${crlf}Content-ID: <0.1>${crlf}${crlf}`,
    ),
    Buffer.from(input.envelope, 'utf8'),
  ];
  for (const part of input.attachments) {
    chunks.push(
      Buffer.from(
        `${crlf}--${boundary}${crlf}Content-Type: ${part.contentType}${crlf}Content-Transfer-Encoding: binary${crlf}Content-ID: <${part.contentId}>${crlf}${crlf}`,
      ),
      part.body,
    );
  }
  chunks.push(Buffer.from(`${crlf}--${boundary}--${crlf}`));
  return {
    contentType: `multipart/related; boundary="${boundary}"; type="application/xop+xml"; start="<0.1>"; start-info="application/soap+xml"; action="${input.action}"`,
    body: Buffer.concat(chunks),
  };
}

/** One HTTPS POST with the organisation certificate as TLS client certificate (and its chain). */
export function postDmp(
  options: DmpTransportOptions,
  message: { contentType: string; body: Buffer },
): Promise<DmpHttpResponse> {
  const url = new URL(options.url);
  if (url.protocol !== 'https:') {
    return Promise.reject(
      new DeliveryError({ retryable: false, reason: "L'adresse du DMP doit être une URL https://." }),
    );
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise<DmpHttpResponse>((resolve, reject) => {
    let settled = false;
    let handshakeDone = false;
    let answered = false;
    const fail = (error: DeliveryError) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      reject(error);
    };
    const req = request({
      protocol: 'https:',
      hostname: host,
      port: url.port || 443,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      agent: false,
      key: options.certificate.keyPem,
      cert: [options.certificate.certPem, ...options.certificate.chainPem].join('\n'),
      ...(options.ca ? { ca: [...options.ca] } : {}),
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(isIP(host) ? {} : { servername: host }),
      headers: {
        'Content-Type': message.contentType,
        'Content-Length': message.body.length,
        Accept: 'multipart/related, application/soap+xml',
      },
    });
    const deadline = setTimeout(
      () =>
        fail(
          new DeliveryError({
            retryable: true,
            reason: `Le DMP n'a pas répondu dans le délai (${Math.round(timeoutMs / 1000)} s) : nouvel essai prévu.`,
            remote: 'timeout',
          }),
        ),
      timeoutMs,
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
          fail(new DeliveryError({ retryable: false, reason: 'Réponse du DMP trop volumineuse : refusée.' }));
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
          body: Buffer.concat(chunks),
        });
      });
    });
    req.end(message.body);
  });
}

/** Node/OpenSSL errors → DeliveryError (same reading of TLS alerts as the INSi transport). */
export function transportError(
  error: Error & { code?: string },
  state: { handshakeDone: boolean; answered: boolean },
): DeliveryError {
  const code = error.code ?? '';
  const alert =
    /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13|SSL\/TLS)_ALERT_(.+)$/
      .exec(code)?.[1]
      ?.toLowerCase()
      .replace(/_/g, ' ') ??
    /(?:sslv3|tlsv1|tlsv13|ssl\/tls) alert ([a-z ]+?)(?::|$)/i.exec(error.message)?.[1]?.toLowerCase();
  const refused = () =>
    new DeliveryError({
      retryable: false,
      reason:
        "Le DMP a refusé le certificat de l'établissement (connexion TLS) : vérifier qu'il est valide, émis par l'IGC-Santé et non révoqué.",
      remote: alert ? `tls-alert: ${alert}` : `tls: ${code || 'closed'}`,
      cause: error,
    });
  if (alert) return refused();
  if (
    /^(?:CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID)/.test(
      code,
    )
  ) {
    return new DeliveryError({
      retryable: false,
      reason: "Le certificat du serveur DMP n'est pas reconnu : connexion non établie.",
      remote: `tls: ${code}`,
      cause: error,
    });
  }
  // A close during the handshake is a refusal of our certificate. A close after it and before any
  // answer may be one too (TLS 1.3 servers refuse after the client's first flight) or a server
  // that died mid-request: retried, and said so.
  if ((code === 'ECONNRESET' || code === 'EPIPE') && !state.handshakeDone) {
    if (/before secure TLS connection/.test(error.message)) return refused();
  }
  if ((code === 'ECONNRESET' || code === 'EPIPE') && state.handshakeDone && !state.answered) {
    return new DeliveryError({
      retryable: true,
      reason:
        'Le DMP a fermé la connexion sans répondre (certificat refusé ou service interrompu) : nouvel essai prévu.',
      remote: `tls: ${code}`,
      cause: error,
    });
  }
  return new DeliveryError({
    retryable: true,
    reason: `DMP injoignable (${code || 'erreur réseau'}) : nouvel essai prévu.`,
    remote: code || 'network',
    cause: error,
  });
}

/** The root XML of an answer: the body itself, or the first part of a multipart/related answer. */
export function soapXmlOf(response: DmpHttpResponse): string {
  const boundary = /boundary="?([^";]+)"?/i.exec(response.contentType)?.[1];
  if (!/^multipart\//i.test(response.contentType) || !boundary) return response.body.toString('utf8');
  const text = response.body.toString('utf8');
  const start = text.indexOf(`--${boundary}`);
  if (start < 0) return text;
  const afterHeaders = text.indexOf('\r\n\r\n', start);
  const end = text.indexOf(`--${boundary}`, start + boundary.length + 2);
  return text.slice(afterHeaders < 0 ? start : afterHeaders + 4, end < 0 ? undefined : end).trim();
}
