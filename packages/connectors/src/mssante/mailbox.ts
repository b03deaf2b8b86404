/**
 * Reads the applicative mailbox over IMAP (national-services.md §2.1, SC.MSS/CONF.06/12) to
 * reconcile the DSN and MDN that come back with the mails sent (SC.MSS/UX.35): STARTTLS (or
 * implicit TLS), the same TLS policy and organisation certificate as sending (send.ts), SASL PLAIN
 * with the mailbox address as login, then INBOX read from a cursor (UIDVALIDITY + last UID).
 * Each message is handed over one by one, oldest first; a handled notification is marked \Seen.
 * Failures become a `DeliveryError` whose reason a person can act on. Nothing is logged: a
 * notification's Final-Recipient may be a patient's INS mailbox.
 */
import { isIP } from 'node:net';
import { ImapFlow } from 'imapflow';
import type { OrganisationCertificate } from '../certificates/index.ts';
import { DeliveryError } from '../delivery-error.ts';
import {
  NotificationParseError,
  parseMssanteNotification,
  type MssanteNotification,
} from './notification.ts';
import {
  certificateProblem,
  mssanteTlsOptions,
  redactAddresses,
  toDeliveryError,
  transportFailure,
} from './send.ts';

/** Where reading stopped: the INBOX's UIDVALIDITY and the last UID handled. */
export interface MssanteMailboxCursor {
  uidValidity: string;
  lastUid: number;
}

export interface ReadMssanteNotificationsOptions {
  host: string;
  port: number;
  /** `starttls` (port 143 per the historic DST) or implicit TLS (`tls`, port 993). */
  security: 'starttls' | 'tls';
  /** CAs that issued the operator's server certificate (IGC-Santé in production); default Node's. */
  ca?: string | string[];
  /** The tenant's organisation certificate (the applicative mailbox's AUTH_CLI certificate). */
  certificate: OrganisationCertificate;
  /** The applicative mailbox address: the SASL PLAIN login. */
  mailbox: string;
  /**
   * SASL PLAIN password. The reference gives the login but not what the password is, and IMAP
   * needs some authentication to open a mailbox (SMTP can go with the certificate alone);
   * without one the mailbox address is sent, which a server identifying the box by its
   * certificate alone accepts (the simulator with `requireAuth: false`).
   */
  password?: string | undefined;
  /** The cursor a previous call returned; null or absent: read the whole INBOX. */
  since?: MssanteMailboxCursor | null | undefined;
  /** Connection, greeting and socket timeouts (ms); default 30 s. */
  timeoutMs?: number | undefined;
  /** At most this many messages per call; default 200. */
  limit?: number | undefined;
  /** TLS server name to check; default `host`. */
  servername?: string | undefined;
  /** Clock for the certificate's validity check; default now. */
  now?: Date | undefined;
}

export interface MssanteMailboxItem {
  uid: number;
  /** The INBOX's UIDVALIDITY: with `uid`, where to resume (the caller may keep it with its effect). */
  uidValidity: string;
  /** The DSN/MDN (or "courriel standard") read, or null for a message that is none of these. */
  notification: MssanteNotification | null;
}

export interface ReadMssanteNotificationsResult extends MssanteMailboxCursor {
  /** Messages handed to `handle` (notifications or not). */
  read: number;
}

interface ImapError extends Error {
  code?: string;
  authenticationFailed?: boolean;
  serverResponseCode?: string;
  responseStatus?: string;
  responseText?: string;
  tlsFailed?: boolean;
}

const TIMEOUT_CODES = new Set(['ETIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'CONNECT_TIMEOUT']);

/** Maps what imapflow reports to a DeliveryError (exported for the tests). */
export function toMailboxError(raw: unknown, session: { authenticated?: boolean } = {}): DeliveryError {
  if (raw instanceof DeliveryError) return raw;
  const err = (raw instanceof Error ? raw : new Error(String(raw))) as ImapError;
  const responseText = typeof err.responseText === 'string' ? err.responseText : undefined;
  const remote = responseText ? redactAddresses(responseText) : undefined;
  const make = (o: { retryable: boolean; reason: string }) =>
    new DeliveryError({ ...o, ...(remote ? { remote } : {}), cause: err });
  if (err.authenticationFailed || err.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return make({
      retryable: false,
      reason:
        "Le serveur MSSanté a refusé l'authentification IMAP de la boîte aux lettres applicative : vérifiez l'adresse de la BAL, son mot de passe et son certificat.",
    });
  }
  if (err.code && TIMEOUT_CODES.has(err.code)) {
    return make({
      retryable: true,
      reason:
        "Le serveur MSSanté n'a pas répondu à temps lors de la lecture des accusés ; nouvel essai prévu.",
    });
  }
  if (err.responseStatus === 'NO' || err.responseStatus === 'BAD') {
    return make({
      retryable: err.responseStatus === 'NO',
      reason: `Le serveur MSSanté a refusé une commande IMAP (${err.responseStatus}) lors de la lecture des accusés.`,
    });
  }
  // imapflow marks an upgrade failure `tlsFailed`; a close right after TLS and before the session
  // was set up is the server refusing the certificate (see SessionTrail in send.ts).
  const trail = { tlsEstablished: true, answeredOverTls: session.authenticated === true };
  const failure = transportFailure(err, trail);
  if (failure) return toDeliveryError(err, trail);
  if (err.tlsFailed) return toDeliveryError(Object.assign(err, { code: 'ETLS' }), trail);
  return make({
    retryable: true,
    reason: 'La lecture des accusés MSSanté a échoué pour une raison inattendue ; nouvel essai prévu.',
  });
}

function parseOrNull(raw: Buffer): MssanteNotification | null {
  try {
    return parseMssanteNotification(raw);
  } catch (err) {
    if (err instanceof NotificationParseError) return null;
    throw err;
  }
}

/**
 * Reads the INBOX from `since` on and calls `handle` for each message, oldest first, up to
 * `limit`. Returns the cursor to pass next time. If `handle` throws, reading stops there (the
 * message is not marked \Seen and the cursor does not move past it) and its error is rethrown
 * after logging out. An IMAP failure midway throws a DeliveryError: what was handled before it
 * is handed again next time, so `handle` must be idempotent.
 */
export async function readMssanteNotifications(
  options: ReadMssanteNotificationsOptions,
  handle: (item: MssanteMailboxItem) => Promise<void> | void,
): Promise<ReadMssanteNotificationsResult> {
  const problem = certificateProblem(options.certificate, options.now ?? new Date());
  if (problem) throw problem;
  const timeout = options.timeoutMs ?? 30_000;
  const limit = options.limit ?? 200;
  const implicit = options.security === 'tls';
  const client = new ImapFlow({
    host: options.host,
    port: options.port,
    secure: implicit,
    ...(implicit ? {} : { doSTARTTLS: true }),
    ...(isIP(options.servername ?? options.host) ? {} : { servername: options.servername ?? options.host }),
    auth: {
      user: options.mailbox,
      pass: options.password || options.mailbox,
      loginMethod: 'AUTH=PLAIN',
    },
    tls: mssanteTlsOptions({
      ca: options.ca,
      certificate: options.certificate,
      servername: options.servername ?? options.host,
    }),
    // Addresses in IMAP traffic may be patients' INS mailboxes: no library log at all.
    logger: false,
    disableAutoIdle: true,
    disableCompression: true,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  let failure: unknown = null;
  // A connection error is also emitted as an event; without a listener it would crash the process.
  client.on('error', (err: unknown) => {
    failure ??= err;
  });
  try {
    await client.connect();
  } catch (err) {
    client.close();
    throw toMailboxError(err, { authenticated: Boolean(client.authenticated) });
  }

  let handled: ReadMssanteNotificationsResult | null = null;
  let handlerError: { error: unknown } | null = null;
  try {
    const box = await client.mailboxOpen('INBOX');
    const uidValidity = box.uidValidity.toString();
    const since = options.since && options.since.uidValidity === uidValidity ? options.since.lastUid : 0;
    handled = { uidValidity, lastUid: since, read: 0 };
    // `n:*` always includes the highest UID, even below n (RFC 3501 §6.4.8): filter again.
    const found = (await client.search({ uid: `${since + 1}:*` }, { uid: true })) || [];
    const uids = found
      .filter((uid) => uid > since)
      .sort((a, b) => a - b)
      .slice(0, limit);
    for (const uid of uids) {
      const message = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
      // Gone meanwhile (expunged by another client): nothing to hand over.
      const notification = message && message.source ? parseOrNull(message.source) : null;
      if (message && message.source) {
        try {
          await handle({ uid, uidValidity, notification });
        } catch (error) {
          handlerError = { error };
          break;
        }
        handled.read += 1;
        if (notification) await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
      }
      handled.lastUid = uid;
    }
  } catch (err) {
    await logout(client);
    throw toMailboxError(failure ?? err, { authenticated: true });
  }
  await logout(client);
  if (handlerError) throw handlerError.error;
  return handled;
}

async function logout(client: ImapFlow): Promise<void> {
  try {
    await client.logout();
  } catch {
    client.close();
  }
}
