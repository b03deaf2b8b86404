/**
 * The MSSanté simulator: a real SMTP server (smtp-server) on loopback standing in for an
 * operator's "API LPS" for an applicative mailbox (national-services.md §2.1):
 * - STARTTLS (RFC 3207) on a plain listener, as the historic DST's port 587, or implicit TLS;
 *   TLS 1.2+ with the socle's cipher suites; a client certificate issued by the configured CA
 *   is required at TLS (no certificate, another CA or an expired one: the handshake is refused);
 * - AUTH PLAIN with the mailbox address as login, after TLS (required unless `requireAuth: false`;
 *   any non-empty password: the reference does not say what it is);
 * - MAIL FROM, AUTH login and the From header must all be the mailbox the client certificate
 *   names (its subjectAltName rfc822Name, else its CN): a certificate sends only as its own box;
 * - each mail is parsed (mailparser) and checked strictly (./checks.ts); a bad one gets a 5xx
 *   with a clear French text; accepted ones are kept in memory (and optionally in a directory).
 * It also writes the DSN/MDN a real operator or recipient would send back (notificationFor), puts
 * them in the sender's mailbox (notify, or autoNotifications) which an IMAP server (./imap.ts, same
 * TLS and certificate rules) serves, and serves GET /messages (JSON) and
 * POST /messages/:messageId/notifications over HTTP for the portal and the quick start.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { checkMail, checkRecipient, MailRejection, type XdmContent } from './checks.ts';
import { ImapMailStore, startImapServer } from './imap.ts';
import { buildNotification, type NotificationKind, type NotificationOptions } from './notifications.ts';
import type { MssanteTestPki } from './pki.ts';

/** SC.MSS/CONF.03 suites (OpenSSL names) plus the TLS 1.3 suites CONF.02 allows. */
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

/** 25 MB, the size limit the reference cites for Mon espace santé bounces. */
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

export interface MssanteSimulatorOptions {
  /** SMTP port; 0 (default) = a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** IMAP port (STARTTLS, or implicit TLS with `security: 'tls'`); 0 (default) = a free port. */
  imapPort?: number;
  /** HTTP port of GET /messages; 0 = a free port; null (default) = no HTTP endpoint. */
  httpPort?: number | null;
  /** The test PKI as created by `createMssanteTestPki`, or the server's PEMs and the client CAs. */
  pki: MssanteTestPki | MssanteSimulatorTls;
  /** `starttls` (default) or implicit `tls`. */
  security?: 'starttls' | 'tls';
  requireAuth?: boolean;
  maxTlsVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Also write each accepted message as `<n>.eml` in this directory. */
  storeDir?: string;
  /** Addresses whose mailbox is closed: RCPT TO refused with 550 5.1.1 ("messagerie fermée"). */
  closedMailboxes?: string[];
  /**
   * Each accepted mail yields, in its sender's mailbox, a DSN `delivered` per recipient that asked
   * for one (RCPT NOTIFY=SUCCESS), then an MDN `processed` per recipient when it carries
   * Disposition-Notification-To, as a cooperative operator and recipient would. Default false.
   */
  autoNotifications?: boolean;
  /** One call per SMTP outcome (and IMAP refusal), without patient data (for logs and tests). */
  onEvent?: (event: MssanteSimulatorEvent) => void;
}

export interface MssanteSimulatorTls {
  /** Server certificate (optionally followed by its chain) and key. */
  server: { certPem: string; keyPem: string };
  /** CAs that may issue client certificates. */
  caPem: string | string[];
}

function tlsOf(pki: MssanteTestPki | MssanteSimulatorTls): MssanteSimulatorTls {
  if ('caChainPem' in pki) {
    return {
      server: { certPem: pki.server.certPem + pki.caPem, keyPem: pki.server.keyPem },
      caPem: pki.caChainPem,
    };
  }
  return pki;
}

export interface MssanteSimulatorEvent {
  kind: 'tls-refused' | 'accepted' | 'rejected' | 'auth-refused';
  /** Default `smtp`. */
  protocol?: 'smtp' | 'imap';
  mailbox?: string;
  code?: number;
  /** The rejection text (addresses removed). */
  reason?: string;
}

export interface ReceivedMessage {
  /** Message-ID header (`<…>`). */
  messageId: string;
  /** Queue id given in the 250 answer. */
  queueId: string;
  receivedAt: Date;
  /** The mailbox named by the client certificate. */
  mailbox: string;
  envelope: {
    from: string;
    to: string[];
    dsn?: { ret?: string | null; envid?: string | null };
    /** RCPT NOTIFY per recipient (RFC 3461), e.g. `['FAILURE', 'DELAY', 'SUCCESS']`. */
    notify?: Record<string, string[]>;
  };
  subject: string;
  headers: Record<string, string>;
  text: string;
  attachments: { filename: string; contentType: string; size: number }[];
  xdm: XdmContent;
  pdf: Buffer | undefined;
  raw: Buffer;
}

/** A message in a simulated mailbox, as the IMAP server serves it. */
export interface MailboxMessage {
  uid: number;
  flags: string[];
  internalDate: Date;
  raw: Buffer;
}

export interface MssanteSimulator {
  host: string;
  port: number;
  /** IMAP port (same host). */
  imapPort: number;
  /** `http://host:port` of GET /messages, when enabled. */
  httpUrl: string | null;
  received(): ReceivedMessage[];
  clear(): void;
  /** The DSN (`delivered`, `failed`, `delayed`) or MDN (`displayed`, `processed`, `processing_failed`) of a received message, as raw RFC 5322 bytes. */
  notificationFor(messageId: string, kind: NotificationKind, options?: NotificationOptions): Buffer;
  /** Builds that notification and puts it in the mailbox of the message's sender (envelope from). */
  notify(
    messageId: string,
    kind: NotificationKind,
    options?: NotificationOptions,
  ): { mailbox: string; uid: number; raw: Buffer };
  /** Appends a message to a mailbox (created on demand); returns its UID. */
  deliverTo(mailbox: string, raw: Buffer): number;
  /** What a mailbox holds (its INBOX), oldest first. */
  mailbox(address: string): MailboxMessage[];
  close(): Promise<void>;
}

interface Session extends SMTPServerSession {
  mailbox?: string;
}

/** The mailbox a client certificate is for: subjectAltName `email:`, else a CN that is an address. */
export function mailboxOfCertificate(cert: {
  subject?: Record<string, unknown>;
  subjectaltname?: string;
}): string | null {
  const san = cert.subjectaltname
    ?.split(',')
    .map((s) => s.trim())
    .find((s) => s.startsWith('email:'));
  if (san) return san.slice('email:'.length).toLowerCase();
  const cn = cert.subject?.CN;
  return typeof cn === 'string' && /^[^@\s]+@[^@\s]+$/.test(cn) ? cn.toLowerCase() : null;
}

const redact = (s: string) => s.replace(/[^\s<>@"]+@[^\s<>"]+/g, '<adresse>');

/** SMTP reply texts are US-ASCII (RFC 5321 §4.2 textstring): the French texts lose their accents. */
export const asciiReply = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’‘]/g, "'")
    .replace(/œ/g, 'oe')
    .replace(/[^\x20-\x7e]/g, '?');

export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  'delivered',
  'delayed',
  'failed',
  'displayed',
  'processed',
  'processing_failed',
];

class UnknownMessageError extends Error {
  constructor(messageId: string) {
    super(`no received message ${messageId}`);
  }
}

/** A small JSON request body (the notification trigger); anything over 10 kB is refused. */
function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 10_000) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}

const smtpError = (code: number, message: string) =>
  Object.assign(new Error(asciiReply(message)), { responseCode: code });

export async function startMssanteSimulator(options: MssanteSimulatorOptions): Promise<MssanteSimulator> {
  const host = options.host ?? '127.0.0.1';
  const tls = tlsOf(options.pki);
  const messages: ReceivedMessage[] = [];
  const closed = new Set((options.closedMailboxes ?? []).map((a) => a.toLowerCase()));
  const requireAuth = options.requireAuth ?? true;
  const implicit = options.security === 'tls';
  const emit = (e: MssanteSimulatorEvent) => options.onEvent?.(e);
  const store = new ImapMailStore();
  let counter = 0;

  const deliverTo = (mailbox: string, raw: Buffer) => store.append(mailbox, raw);
  const notificationFor = (messageId: string, kind: NotificationKind, o?: NotificationOptions) => {
    const message = messages.find((m) => m.messageId === messageId);
    if (!message) throw new UnknownMessageError(messageId);
    return { message, raw: buildNotification(message, kind, o) };
  };
  const notify = (messageId: string, kind: NotificationKind, o?: NotificationOptions) => {
    const { message, raw } = notificationFor(messageId, kind, o);
    return { mailbox: message.envelope.from, uid: deliverTo(message.envelope.from, raw), raw };
  };
  const autoNotify = (message: ReceivedMessage) => {
    for (const recipient of message.envelope.to) {
      if (message.envelope.notify?.[recipient]?.includes('SUCCESS'))
        notify(message.messageId, 'delivered', { recipient });
    }
    if (message.headers['disposition-notification-to']) {
      for (const recipient of message.envelope.to) notify(message.messageId, 'processed', { recipient });
    }
  };
  if (options.storeDir) mkdirSync(options.storeDir, { recursive: true });

  const server = new SMTPServer({
    secure: implicit,
    name: 'mssante-sim.localhost',
    banner: 'Simulateur MSSanté Rayon',
    key: tls.server.keyPem,
    cert: tls.server.certPem,
    ca: tls.caPem,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    maxVersion: options.maxTlsVersion ?? 'TLSv1.3',
    ciphers: MSSANTE_CIPHERS,
    authMethods: ['PLAIN'],
    authOptional: !requireAuth,
    allowInsecureAuth: false,
    size: MAX_MESSAGE_BYTES,
    logger: false,
    // Advertise DSN (RFC 3461): the client asks for delivery notifications.
    hideDSN: false,
    onSecure(socket, session: Session, callback) {
      const cert = (socket as TLSSocket).getPeerCertificate();
      const mailbox = mailboxOfCertificate(cert as never);
      if (!mailbox) {
        emit({ kind: 'tls-refused', reason: 'certificate names no mailbox' });
        return callback(
          smtpError(535, '5.7.8 Le certificat client ne désigne aucune boîte aux lettres applicative.'),
        );
      }
      session.mailbox = mailbox;
      callback();
    },
    onAuth(auth, session: Session, callback) {
      if (
        auth.method !== 'PLAIN' ||
        !session.mailbox ||
        auth.username?.toLowerCase() !== session.mailbox ||
        !auth.password
      ) {
        emit({ kind: 'auth-refused', ...(session.mailbox ? { mailbox: session.mailbox } : {}) });
        return callback(
          smtpError(
            535,
            "5.7.8 Authentification refusée : l'identifiant doit être l'adresse de la BAL applicative du certificat.",
          ),
        );
      }
      callback(null, { user: session.mailbox });
    },
    onMailFrom(address, session: Session, callback) {
      if (!session.secure || !session.mailbox)
        return callback(smtpError(530, '5.7.0 STARTTLS obligatoire avant MAIL FROM.'));
      if (address.address.toLowerCase() !== session.mailbox) {
        return callback(
          smtpError(
            550,
            "5.7.1 Expéditeur refusé : le certificat client n'est pas celui de cette boîte aux lettres applicative.",
          ),
        );
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      try {
        checkRecipient(address.address);
      } catch (err) {
        if (err instanceof MailRejection) return callback(smtpError(err.responseCode, err.message));
        return callback(err as Error);
      }
      if (closed.has(address.address.toLowerCase())) {
        return callback(
          smtpError(550, '5.1.1 Messagerie fermée : le destinataire ne peut plus recevoir de messages.'),
        );
      }
      callback();
    },
    onData(stream, session: Session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        void (async () => {
          if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
            emit({ kind: 'rejected', code: 552, mailbox: session.mailbox! });
            return callback(smtpError(552, '5.3.4 Message trop volumineux (25 Mo au plus).'));
          }
          const raw = Buffer.concat(chunks);
          const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          const rcptTo = session.envelope.rcptTo.map((r) => r.address);
          const notify = Object.fromEntries(
            session.envelope.rcptTo
              .filter((r) => r.dsn?.notify)
              .map((r) => [r.address, r.dsn!.notify!.map((n) => n.toUpperCase())]),
          );
          try {
            const mail = await simpleParser(raw);
            const checked = checkMail({ mail, raw, mailFrom, rcptTo });
            const queueId = randomUUID();
            const envelope = session.envelope as typeof session.envelope & {
              dsn?: { ret?: string | null; envid?: string | null };
            };
            const message: ReceivedMessage = {
              messageId: mail.messageId!,
              queueId,
              receivedAt: new Date(),
              mailbox: session.mailbox!,
              envelope: {
                from: mailFrom,
                to: rcptTo,
                ...(envelope.dsn ? { dsn: { ...envelope.dsn } } : {}),
                ...(Object.keys(notify).length > 0 ? { notify } : {}),
              },
              subject: mail.subject ?? '',
              headers: checked.headers,
              text: mail.text ?? '',
              attachments: mail.attachments.map((a) => ({
                filename: a.filename ?? '',
                contentType: a.contentType,
                size: a.size,
              })),
              xdm: checked.xdm,
              pdf: checked.pdf,
              raw,
            };
            messages.push(message);
            counter += 1;
            if (options.storeDir)
              writeFileSync(join(options.storeDir, `${counter}.eml`), raw, { mode: 0o600 });
            emit({ kind: 'accepted', mailbox: session.mailbox! });
            // After the 250, as a real operator's report and the recipient's MDN come later.
            if (options.autoNotifications) {
              setImmediate(() => {
                try {
                  autoNotify(message);
                } catch {
                  // clear() ran in between: nothing to notify about any more.
                }
              });
            }
            callback(null, asciiReply(`2.0.0 Message accepté, file ${queueId}`));
          } catch (err) {
            const rejection =
              err instanceof MailRejection
                ? err
                : new MailRejection(554, '5.6.0 Message illisible (MIME invalide).');
            emit({
              kind: 'rejected',
              code: rejection.responseCode,
              mailbox: session.mailbox!,
              reason: redact(rejection.message),
            });
            callback(smtpError(rejection.responseCode, rejection.message));
          }
        })();
      });
    },
  });
  server.on('error', () => {
    // Client errors (garbage, TLS refusals) are per connection; the server keeps serving.
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;

  const imap = await startImapServer({
    host,
    port: options.imapPort ?? 0,
    implicitTls: implicit,
    tls: { keyPem: tls.server.keyPem, certPem: tls.server.certPem, caPem: tls.caPem },
    maxTlsVersion: options.maxTlsVersion ?? 'TLSv1.3',
    requireAuth,
    store,
    onEvent: (e) => {
      if (e.kind !== 'login') emit({ ...e, kind: e.kind, protocol: 'imap' });
    },
  });

  let http: HttpServer | null = null;
  let httpUrl: string | null = null;
  if (options.httpPort !== undefined && options.httpPort !== null) {
    http = createHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      const trigger = /^\/messages\/([^/]+)\/notifications$/.exec(url.pathname);
      if (req.method === 'POST' && trigger) {
        return void readJson(req).then(
          (body) => {
            const kind = (body as { kind?: unknown } | null)?.kind;
            if (typeof kind !== 'string' || !NOTIFICATION_KINDS.includes(kind as NotificationKind)) {
              return json(400, { error: `kind attendu parmi ${NOTIFICATION_KINDS.join(', ')}` });
            }
            let id: string;
            try {
              id = decodeURIComponent(trigger[1]!);
            } catch {
              return json(400, { error: 'messageId mal encodé' });
            }
            if (!id.startsWith('<')) id = `<${id}>`;
            if (!messages.some((m) => m.messageId === id)) return json(404, { error: 'message inconnu' });
            const { uid } = notify(id, kind as NotificationKind);
            return json(201, { messageId: id, kind, uid });
          },
          () => json(400, { error: 'corps JSON attendu, par exemple {"kind":"displayed"}' }),
        );
      }
      if (req.method === 'GET' && url.pathname === '/messages') {
        const body = messages.map((m) => ({
          messageId: m.messageId,
          queueId: m.queueId,
          receivedAt: m.receivedAt.toISOString(),
          mailbox: m.mailbox,
          envelope: m.envelope,
          subject: m.subject,
          headers: m.headers,
          attachments: m.attachments,
          xdm: { files: m.xdm.files, patientId: m.xdm.patientId, documents: Object.keys(m.xdm.documents) },
        }));
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        return res.end(JSON.stringify(body));
      }
      if (req.method === 'GET' && url.pathname === '/health') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ ok: true, smtpPort: port, imapPort: imap.port }));
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found' }));
    });
    await new Promise<void>((resolve) => http!.listen(options.httpPort!, host, resolve));
    httpUrl = `http://${host}:${(http.address() as AddressInfo).port}`;
  }

  return {
    host,
    port,
    imapPort: imap.port,
    httpUrl,
    received: () => [...messages],
    clear: () => {
      messages.length = 0;
    },
    notificationFor: (messageId, kind, notificationOptions) =>
      notificationFor(messageId, kind, notificationOptions).raw,
    notify,
    deliverTo,
    mailbox: (address) =>
      store.box(address).messages.map((m) => ({
        uid: m.uid,
        flags: [...m.flags],
        internalDate: m.internalDate,
        raw: m.raw,
      })),
    async close() {
      await imap.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (http) await new Promise<void>((resolve) => http!.close(() => resolve()));
    },
  };
}
