/**
 * The platform's own e-mail (invitations, password resets) through an SMTP relay named by
 * `RAYON_SMTP_URL` (`smtp://user:pass@host:587`, STARTTLS when offered; `smtps://…:465` for
 * implicit TLS). Not MSSanté: no patient data ever goes this way.
 */
import nodemailer from 'nodemailer';

export interface PlatformMail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Sends one mail; rejects with a `MailError` whose message says what the relay answered. */
  send(mail: PlatformMail): Promise<void>;
}

export class MailError extends Error {}

export interface MailerOptions {
  /** smtp:// or smtps:// URL of the relay (credentials in the URL's user info). */
  url: string;
  /** The From header, e.g. `Rayon <no-reply@rayon.example>`. */
  from: string;
  /** Connection, greeting and socket timeouts (ms). */
  timeoutMs?: number;
}

export function parseSmtpUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new MailError('RAYON_SMTP_URL must be an smtp:// or smtps:// URL');
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') {
    throw new MailError('RAYON_SMTP_URL must be an smtp:// or smtps:// URL');
  }
  return u;
}

export function createMailer(o: MailerOptions): Mailer {
  const u = parseSmtpUrl(o.url);
  const timeout = o.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 587)),
    secure: u.protocol === 'smtps:',
    ...(u.username
      ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } }
      : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(mail) {
      try {
        await transport.sendMail({ from: o.from, to: mail.to, subject: mail.subject, text: mail.text });
      } catch (e) {
        const err = e as { response?: string; code?: string; message?: string };
        throw new MailError(err.response ?? err.code ?? err.message ?? 'the SMTP relay refused the mail');
      }
    },
  };
}
