/**
 * Sends a built MSSanté mail over SMTP the way an applicative mailbox does (national-services.md
 * §2.1, SC.MSS/CONF.05/12): STARTTLS (or implicit TLS), TLS 1.2+ with the socle's cipher suites,
 * the tenant's organisation certificate as TLS client certificate, SASL PLAIN with the mailbox
 * address as login, then the SMTP transaction with DSN requested (RFC 3461) when offered.
 * Failures become a `DeliveryError` whose reason a person can act on.
 */
import { formatParisDate } from '@rayon/domain';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import nodemailer, { type Transporter } from 'nodemailer';
import { checkUsable, type OrganisationCertificate } from '../certificates/index.ts';
import { connectionCache, connectionKey } from '../certificates/connections.ts';
import { DeliveryError } from '../delivery-error.ts';
import type { MssanteMessage } from './message.ts';

/**
 * SC.MSS/CONF.03 (TLS 1.2 suites, OpenSSL names) and the TLS 1.3 suites CONF.02 allows.
 * With no TLS 1.3 suite in the list, Node would not negotiate TLS 1.3 at all.
 */
export const MSSANTE_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-RSA-AES128-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-AES128-GCM-SHA256',
].join(':');

export interface SendMssanteOptions {
  host: string;
  port: number;
  /** `starttls` (default; port 587 per the historic DST) or implicit TLS (`tls`). */
  security?: 'starttls' | 'tls';
  /** CAs that issued the operator's server certificate (IGC-Santé in production). */
  ca: string | string[];
  /** The tenant's organisation certificate (the applicative mailbox's AUTH_CLI certificate). */
  certificate: OrganisationCertificate;
  message: MssanteMessage;
  /**
   * SASL PLAIN password of the applicative mailbox. The reference gives the login (the mailbox
   * address) but not what the password is; without one, no AUTH is sent and the certificate
   * alone identifies the mailbox.
   */
  password?: string;
  /** SASL login; default the envelope sender (the mailbox address). */
  mailbox?: string;
  /** TLS server name to check; default `host`. */
  servername?: string;
  /** Connection, greeting and socket timeouts (ms); default 30 s. */
  timeoutMs?: number;
  /** Clock for the certificate's validity check; default now. */
  now?: Date;
}

/**
 * The TLS side of an MSSanté connection (SMTP or IMAP): TLS 1.2+, the socle's suites, the
 * operator's CAs, and the organisation certificate (with its chain) as client certificate.
 */
export function mssanteTlsOptions(o: {
  ca?: string | string[] | undefined;
  certificate: OrganisationCertificate;
  servername: string;
}): ConnectionOptions {
  return {
    ...(o.ca ? { ca: o.ca } : {}),
    cert: [o.certificate.certPem, ...o.certificate.chainPem].join('\n'),
    key: o.certificate.keyPem,
    minVersion: 'TLSv1.2',
    ciphers: MSSANTE_CIPHERS,
    rejectUnauthorized: true,
    // An IP address is no server name (RFC 6066): Node checks the certificate against the IP then.
    ...(isIP(o.servername) ? {} : { servername: o.servername }),
  };
}

/**
 * A certificate that cannot work (expired, not yet valid, not for client authentication) stops the
 * delivery before any connection, with a reason a person can act on.
 */
export function certificateProblem(certificate: OrganisationCertificate, now: Date): DeliveryError | null {
  if (now.getTime() > certificate.notAfter.getTime()) {
    return new DeliveryError({
      retryable: false,
      reason: `Le certificat de l'organisation a expiré le ${formatParisDate(certificate.notAfter)} : déposez le certificat renouvelé pour reprendre les envois MSSanté.`,
    });
  }
  if (now.getTime() < certificate.notBefore.getTime()) {
    return new DeliveryError({
      retryable: false,
      reason: `Le certificat de l'organisation n'est valable qu'à partir du ${formatParisDate(certificate.notBefore)}.`,
    });
  }
  try {
    checkUsable(certificate, { now });
  } catch (cause) {
    return new DeliveryError({
      retryable: false,
      reason:
        "Le certificat de l'organisation ne permet pas l'authentification client (certificat AUTH_CLI attendu) : déposez le bon certificat.",
      cause,
    });
  }
  return null;
}

export interface SendMssanteResult {
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** The server's last answer (e.g. `250 2.0.0 OK: queued as …`). */
  response: string;
}

/** Mail addresses in a remote answer may hold an INS: never keep them. */
export function redactAddresses(text: string): string {
  return text.replace(/<?[^\s<>@"]+@[^\s<>"]+>?/g, '<adresse>').slice(0, 500);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EDNS',
]);

/**
 * What the SMTP client went through before failing (from its log lines: only the message
 * templates, never their arguments). Node's TLS server checks a client certificate after the
 * handshake and just closes the socket (with TLS 1.3 the client has already finished its side),
 * so a refused certificate shows as a connection closed right after the TLS upgrade, before the
 * server answered anything over TLS.
 */
export interface SessionTrail {
  /** STARTTLS upgrade done (or implicit TLS established). */
  tlsEstablished?: boolean;
  /** The server answered over TLS (authentication or envelope accepted). */
  answeredOverTls?: boolean;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/**
 * What kind of transport failure an SMTP or IMAP client error is: the TLS connection refused
 * (certificate), the server unreachable, or the connection cut; null when it is none of these.
 */
export function transportFailure(
  err: { code?: string | undefined; message: string },
  session: SessionTrail = {},
): 'tls' | 'unreachable' | 'interrupted' | null {
  const text = `${err.code ?? ''} ${err.message}`;
  const closedAfterHandshake =
    session.tlsEstablished === true &&
    session.answeredOverTls !== true &&
    (err.code === 'ECONNECTION' ||
      err.code === 'ECONNRESET' ||
      // imapflow: the server closed the connection after TLS, before the session was set up.
      err.code === 'ClosedAfterConnectTLS' ||
      /ECONNRESET|closed unexpectedly/.test(text));
  if (
    closedAfterHandshake ||
    err.code === 'ETLS' ||
    /ERR_SSL|ERR_TLS|SSL routines|alert|certificate|self[- ]signed|unable to (get|verify)|CERT_|before secure TLS connection/i.test(
      text,
    )
  ) {
    return 'tls';
  }
  const network =
    err.code && NETWORK_CODES.has(err.code) ? err.code : /\b(E[A-Z_]+)\b/.exec(err.message)?.[1];
  if (network && NETWORK_CODES.has(network)) return 'unreachable';
  if (err.code === 'ECONNECTION' || err.code === 'ESOCKET' || err.code === 'ETIMEDOUT') return 'interrupted';
  return null;
}

/** Maps what nodemailer reports to a DeliveryError (exported for the tests). */
export function toDeliveryError(raw: unknown, session: SessionTrail = {}): DeliveryError {
  const err = (raw instanceof Error ? raw : new Error(String(raw))) as SmtpError;
  const remote = err.response ? redactAddresses(err.response) : undefined;
  const withRemote = (o: { retryable: boolean; reason: string }) =>
    new DeliveryError({ ...o, ...(remote ? { remote } : {}), cause: err });
  if (typeof err.responseCode === 'number' && err.responseCode >= 400) {
    if (err.responseCode < 500) {
      return withRemote({
        retryable: true,
        reason: `Le serveur MSSanté a refusé temporairement le message (code ${err.responseCode}) ; nouvel essai prévu.`,
      });
    }
    if (err.command?.startsWith('AUTH') || err.responseCode === 530 || err.responseCode === 535) {
      return withRemote({
        retryable: false,
        reason: `Le serveur MSSanté a refusé l'authentification de la boîte aux lettres applicative (code ${err.responseCode}) : vérifiez l'adresse de la BAL et son certificat.`,
      });
    }
    if (err.command === 'RCPT TO') {
      return withRemote({
        retryable: false,
        reason: `Le serveur MSSanté a refusé le destinataire (code ${err.responseCode}) : vérifiez l'adresse MSSanté.`,
      });
    }
    return withRemote({
      retryable: false,
      reason: `Le serveur MSSanté a rejeté le message (code ${err.responseCode}).`,
    });
  }
  const failure = transportFailure(err, session);
  if (failure === 'tls') {
    return withRemote({
      retryable: false,
      reason:
        "La connexion TLS au serveur MSSanté a été refusée : le certificat de l'organisation n'est très probablement pas accepté (expiré, révoqué ou d'une autorité non reconnue), ou le certificat du serveur n'est pas de confiance.",
    });
  }
  if (failure === 'unreachable') {
    return withRemote({
      retryable: true,
      reason: 'Le serveur MSSanté est injoignable pour le moment ; nouvel essai prévu.',
    });
  }
  if (failure === 'interrupted') {
    return withRemote({
      retryable: true,
      reason: 'La connexion au serveur MSSanté a été interrompue ; nouvel essai prévu.',
    });
  }
  return withRemote({
    retryable: true,
    reason: "L'envoi MSSanté a échoué pour une raison inattendue ; nouvel essai prévu.",
  });
}

/** Connections one pool keeps to the operator for one mailbox certificate (more sends wait their turn). */
const MAX_CONNECTIONS = 2;
/** Mails sent over one connection before it is closed and another opened. */
const MAX_MESSAGES = 100;
/** An idle pooled connection is closed (QUIT) after this long. */
const IDLE_MS = 4_000;
/** Pools kept (one per certificate, server and credentials); the least recently used goes first. */
const MAX_POOLS = 256;

interface Pool {
  transport: Transporter;
  /** What each of the pool's SMTP connections (by its session id) went through, and whether it closed. */
  sessions: Map<string, SessionTrail & { closed?: boolean }>;
}
const pools = connectionCache<Pool>({
  max: MAX_POOLS,
  // Its idle connections close now, a mail under way first finishes.
  close: (pool) => (pool.transport.close(), true),
  closeAll: (pool) => pool.transport.close(),
});

/** Closes every pooled SMTP connection (a process stopping, tests). */
export function closeMssanteConnections(): void {
  pools.clear();
}

/**
 * The pooled transport of one (certificate and key, host, port, security, CAs, credentials): the
 * practice's mails to the operator reuse its STARTTLS sessions (a mail on a connection the server
 * closed meanwhile is sent again on another one by the pool, not a byte of it having gone). A
 * renewed certificate never uses a connection opened with the old one (connectionKey).
 */
function poolFor(options: SendMssanteOptions, implicit: boolean, timeout: number): Pool {
  const key = connectionKey(options.certificate, [
    options.host,
    String(options.port),
    implicit ? 'tls' : 'starttls',
    options.servername ?? options.host,
    ...[options.ca].flat(),
    options.password ?? '',
    options.password ? (options.mailbox ?? options.message.envelope.from) : '',
    String(timeout),
  ]);
  return pools.get(key, () => createPool(options, implicit, timeout));
}

function createPool(options: SendMssanteOptions, implicit: boolean, timeout: number): Pool {
  const { certificate } = options;
  const sessions: Pool['sessions'] = new Map();
  // Only the messages' templates and the session id are read (see SessionTrail); nothing is written.
  const record = (entry: unknown, message: unknown) => {
    const sid = (entry as { sid?: unknown } | undefined)?.sid;
    if (typeof message !== 'string' || typeof sid !== 'string') return;
    const trail = sessions.get(sid) ?? {};
    sessions.set(sid, trail);
    if (message.startsWith('Connection upgraded with STARTTLS')) trail.tlsEstablished = true;
    if (/authenticated|encoded mime message/.test(message) && (trail.tlsEstablished || implicit))
      trail.answeredOverTls = true;
    // A session that ended well is of no further interest.
    if (message === 'Connection closed') {
      if (trail.answeredOverTls) sessions.delete(sid);
      else trail.closed = true;
    }
  };
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: MAX_CONNECTIONS,
    maxMessages: MAX_MESSAGES,
    idleTimeout: IDLE_MS,
    logger: {
      trace: record,
      debug: record,
      info: record,
      warn: record,
      error: record,
      fatal: record,
      level: () => {},
    },
    host: options.host,
    port: options.port,
    secure: implicit,
    requireTLS: !implicit,
    ignoreTLS: false,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    dnsTimeout: timeout,
    disableFileAccess: true,
    disableUrlAccess: true,
    tls: mssanteTlsOptions({
      ca: options.ca,
      certificate,
      servername: options.servername ?? options.host,
    }),
    ...(options.password
      ? {
          auth: { user: options.mailbox ?? options.message.envelope.from, pass: options.password },
          authMethod: 'PLAIN',
        }
      : {}),
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return { transport, sessions };
}

/**
 * What the failing mail's connection went through: a session of the pool that upgraded to TLS
 * and closed without the server answering anything over TLS (its certificate refused), taken
 * once; else nothing is known beyond TLS being up on a pooled connection that answered before.
 */
function trailOfFailure(pool: Pool, implicit: boolean): SessionTrail {
  for (const [sid, trail] of pool.sessions) {
    if (trail.closed && !trail.answeredOverTls && (trail.tlsEstablished || implicit)) {
      pool.sessions.delete(sid);
      return { tlsEstablished: true };
    }
  }
  return implicit ? { tlsEstablished: true } : {};
}

export async function sendMssante(options: SendMssanteOptions): Promise<SendMssanteResult> {
  const { certificate, message } = options;
  const problem = certificateProblem(certificate, options.now ?? new Date());
  if (problem) throw problem;
  const timeout = options.timeoutMs ?? 30_000;
  const implicit = options.security === 'tls';
  const pool = poolFor(options, implicit, timeout);
  try {
    const info = await pool.transport.sendMail({
      envelope: message.envelope,
      raw: message.raw,
      dsn: {
        id: message.messageId,
        return: 'headers',
        notify: ['failure', 'delay', 'success'],
      },
    });
    const accepted = (info.accepted ?? []).map(String);
    const rejected = (info.rejected ?? []).map(String);
    if (accepted.length === 0) {
      throw new DeliveryError({
        retryable: false,
        reason: "Le serveur MSSanté n'a accepté aucun destinataire.",
        remote: redactAddresses(String(info.response ?? '')),
      });
    }
    return { messageId: message.messageId, accepted, rejected, response: String(info.response ?? '') };
  } catch (err) {
    if (err instanceof DeliveryError) throw err;
    throw toDeliveryError(err, trailOfFailure(pool, implicit));
  }
}
