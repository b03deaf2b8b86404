import { randomUUID } from 'node:crypto';
import { diagnoseTls, MtlsError, mtlsPost } from '../certificates/mtls.ts';
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
export async function postDmp(
  options: DmpTransportOptions,
  message: { contentType: string; body: Buffer },
): Promise<DmpHttpResponse> {
  const url = new URL(options.url);
  if (url.protocol !== 'https:') {
    throw new DeliveryError({ retryable: false, reason: "L'adresse du DMP doit être une URL https://." });
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    return await mtlsPost({
      url,
      certificate: options.certificate,
      ca: options.ca,
      timeoutMs,
      maxResponseBytes: options.maxResponseBytes ?? 4 * 1024 * 1024,
      headers: { 'Content-Type': message.contentType, Accept: 'multipart/related, application/soap+xml' },
      body: message.body,
    });
  } catch (e) {
    if (!(e instanceof MtlsError)) throw e;
    const f = e.failure;
    if (f.kind === 'timeout') {
      throw new DeliveryError({
        retryable: true,
        reason: `Le DMP n'a pas répondu dans le délai (${Math.round(timeoutMs / 1000)} s) : nouvel essai prévu.`,
        remote: 'timeout',
      });
    }
    if (f.kind === 'too-large') {
      throw new DeliveryError({ retryable: false, reason: 'Réponse du DMP trop volumineuse : refusée.' });
    }
    throw transportError(f.error, f);
  }
}

/** Node/OpenSSL errors → DeliveryError (the TLS reading shared with the INSi transport). */
export function transportError(
  error: Error & { code?: string },
  state: { handshakeDone: boolean; answered: boolean },
): DeliveryError {
  const code = error.code ?? '';
  const d = diagnoseTls(error, state);
  switch (d.kind) {
    case 'alert':
    case 'closed-during-handshake':
      return new DeliveryError({
        retryable: false,
        reason:
          "Le DMP a refusé le certificat de l'établissement (connexion TLS) : vérifier qu'il est valide, émis par l'IGC-Santé et non révoqué.",
        remote: d.kind === 'alert' ? `tls-alert: ${d.alert}` : `tls: ${code || 'closed'}`,
        cause: error,
      });
    case 'server-untrusted':
      return new DeliveryError({
        retryable: false,
        reason: "Le certificat du serveur DMP n'est pas reconnu : connexion non établie.",
        remote: `tls: ${code}`,
        cause: error,
      });
    // A close after the handshake and before any answer may be a refusal (TLS 1.3 servers refuse
    // after the client's first flight) or a server that died mid-request: retried, and said so.
    case 'closed-before-answer':
      return new DeliveryError({
        retryable: true,
        reason:
          'Le DMP a fermé la connexion sans répondre (certificat refusé ou service interrompu) : nouvel essai prévu.',
        remote: `tls: ${code}`,
        cause: error,
      });
    case 'network':
      return new DeliveryError({
        retryable: true,
        reason: `DMP injoignable (${code || 'erreur réseau'}) : nouvel essai prévu.`,
        remote: code || 'network',
        cause: error,
      });
  }
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
