/**
 * A mail catcher for the quick start and the tests: a real SMTP server (smtp-server) that accepts
 * any mail from anyone, keeps it in memory, and an HTTP listener that shows what was sent
 * (invitations, password resets) — a French page at `/`, the JSON list at `/messages`, one mail at
 * `/messages/{id}`. Nothing leaves the machine. Not MSSanté (see `@rayon/sim-mssante` for that).
 *
 * Malformed input (garbage commands, unparsable MIME, half-closed connections) only ends that
 * connection or that mail; the listeners keep serving.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  id: string;
  /** ISO 8601 time it was accepted. */
  at: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export interface MailCatcherOptions {
  /** SMTP port (0 or unset: any free port). */
  smtpPort?: number;
  /** HTTP port (0 or unset: any free port). */
  httpPort?: number;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** At most this many mails are kept, the oldest dropped first (default 1,000). */
  keep?: number;
}

export interface MailCatcher {
  /** `smtp://host:port`, for RAYON_SMTP_URL. */
  smtpUrl: string;
  /** `http://host:port` of the page and the JSON routes. */
  httpUrl: string;
  /** The caught mails, oldest first (`GET /messages` lists them newest first, as the page does). */
  messages(): CaughtMail[];
  close(): Promise<void>;
}

/** A caught mail is at most this big (bytes); larger ones are refused with 552. */
export const MAX_MAIL_BYTES = 5 * 1024 * 1024;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.map((v) => v.address ?? '').filter(Boolean));

function page(mails: CaughtMail[]): string {
  const paris = new Intl.DateTimeFormat('fr-FR', {
    dateStyle: 'short',
    timeStyle: 'medium',
    timeZone: 'Europe/Paris',
  });
  const items = [...mails]
    .reverse()
    .map(
      (m) => `<article>
  <h2>${escapeHtml(m.subject || '(sans objet)')}</h2>
  <p class="meta">Le ${escapeHtml(paris.format(new Date(m.at)))} — de ${escapeHtml(m.from || '(inconnu)')} à ${escapeHtml(m.to.join(', '))} — <a href="/messages/${m.id}">JSON</a></p>
  <pre>${escapeHtml(m.text)}</pre>
</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Courriels envoyés — Rayon</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1b1b1b; }
article { border: 1px solid #ccc; border-radius: 6px; padding: 0 1rem 1rem; margin: 1rem 0; }
.meta { color: #555; font-size: .9rem; }
pre { white-space: pre-wrap; word-break: break-word; background: #f6f6f6; padding: .75rem; }
</style>
</head>
<body>
<h1>Courriels envoyés</h1>
<p>Les courriels que Rayon a envoyés (invitations, réinitialisations de mot de passe), les plus récents en premier. Ils sont gardés en mémoire et ne quittent pas cette machine.</p>
${mails.length === 0 ? '<p>Aucun courriel pour le moment.</p>' : items}
</body>
</html>
`;
}

export async function startMailCatcher(o: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = o.host ?? '127.0.0.1';
  const keep = o.keep ?? 1000;
  const mails: CaughtMail[] = [];

  const smtp = new SMTPServer({
    name: 'mail-catcher.localhost',
    banner: 'Rayon : courriels locaux',
    // Plain SMTP on loopback: no TLS to negotiate, no account to give.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    size: MAX_MAIL_BYTES,
    logger: false,
    // close() waits this long for open connections before cutting them.
    closeTimeout: 1000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
          const err = new Error('Message trop volumineux') as Error & { responseCode: number };
          err.responseCode = 552;
          return callback(err);
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (mail) => {
            const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
            const rcpt = session.envelope.rcptTo.map((r) => r.address);
            mails.push({
              id: randomUUID(),
              at: new Date().toISOString(),
              from: addresses(mail.from)[0] ?? envelopeFrom,
              to: rcpt.length > 0 ? rcpt : addresses(mail.to),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
            });
            if (mails.length > keep) mails.splice(0, mails.length - keep);
            callback(null, 'Message accepted');
          },
          () => {
            const err = new Error('Message illisible') as Error & { responseCode: number };
            err.responseCode = 554;
            callback(err);
          },
        );
      });
    },
  });
  // Per-connection errors (garbage, resets) land here; the server keeps serving.
  smtp.on('error', () => {});

  await new Promise<void>((resolve, reject) => {
    smtp.server.once('error', reject);
    smtp.listen(o.smtpPort ?? 0, host, () => {
      smtp.server.off('error', reject);
      resolve();
    });
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const http = createHttpServer((req, res: ServerResponse) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      return json(400, { error: 'adresse invalide' });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'GET seulement' });
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(page(mails));
    }
    if (path === '/messages') return json(200, [...mails].reverse());
    const one = /^\/messages\/([^/]+)$/.exec(path);
    if (one) {
      const m = mails.find((x) => x.id === one[1]);
      return m ? json(200, m) : json(404, { error: 'courriel inconnu' });
    }
    if (path === '/health') return json(200, { ok: true, smtpPort });
    json(404, { error: 'introuvable' });
  });
  http.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.httpPort ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const httpPort = (http.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    smtpUrl: `smtp://${urlHost}:${smtpPort}`,
    httpUrl: `http://${urlHost}:${httpPort}`,
    messages: () => [...mails],
    async close() {
      http.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => http.close(() => resolve())),
        new Promise<void>((resolve) => smtp.close(() => resolve())),
      ]);
    },
  };
}
