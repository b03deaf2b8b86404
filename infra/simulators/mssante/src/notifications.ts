/**
 * The notifications a sent mail can get back, written the way RFC 3464 (DSN) and RFC 8098 (MDN,
 * with the ANS form of ig-struct-msg-mdn.md) lay them out, for a message the simulator received.
 */
import { randomUUID } from 'node:crypto';
import type { ReceivedMessage } from './server.ts';

export type NotificationKind =
  'delivered' | 'delayed' | 'failed' | 'displayed' | 'processed' | 'processing_failed';

export interface NotificationOptions {
  /** Which recipient the notification is for; default the first. */
  recipient?: string;
  /** MDN error (processing_failed), e.g. `{ code: '902', label: 'Identifiant de patient inconnu' }`. */
  error?: { code: string; label: string };
  /** DSN failure diagnostic; default "550 5.1.1 Messagerie fermée". */
  diagnostic?: string;
  date?: Date;
}

const CRLF = '\r\n';

function rfc2047(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

function originalHeaders(raw: Buffer): string {
  const text = raw.toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  return (end >= 0 ? text.slice(0, end) : text).replace(/\r?\n/g, CRLF);
}

export function buildNotification(
  message: ReceivedMessage,
  kind: NotificationKind,
  options: NotificationOptions = {},
): Buffer {
  const recipient = options.recipient ?? message.envelope.to[0]!;
  const date = (options.date ?? new Date()).toUTCString().replace('GMT', '+0000');
  const boundary = `sim-${randomUUID()}`;
  const domain = recipient.slice(recipient.lastIndexOf('@') + 1);
  const id = `<${randomUUID()}@mssante-sim.localhost>`;
  const isDsn = kind === 'delivered' || kind === 'delayed' || kind === 'failed';
  const lines: string[] = [];

  if (isDsn) {
    const status = kind === 'delivered' ? '2.0.0' : kind === 'delayed' ? '4.4.1' : '5.1.1';
    const human =
      kind === 'delivered'
        ? 'Votre message a été remis à la boîte aux lettres du destinataire.'
        : kind === 'delayed'
          ? "Votre message n'a pas encore pu être remis ; de nouveaux essais sont en cours."
          : "Votre message n'a pas pu être remis au destinataire.";
    lines.push(
      `Date: ${date}`,
      `From: Mail Delivery System <MAILER-DAEMON@${domain}>`,
      `To: <${message.envelope.from}>`,
      `Subject: ${rfc2047(kind === 'delivered' ? 'Avis de remise' : 'Échec de remise du message')}`,
      `Message-ID: ${id}`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      human,
      '',
      `--${boundary}`,
      'Content-Type: message/delivery-status',
      '',
      `Reporting-MTA: dns; mssante-sim.localhost`,
      ...(message.envelope.dsn?.envid ? [`Original-Envelope-Id: ${message.envelope.dsn.envid}`] : []),
      `Arrival-Date: ${message.receivedAt.toUTCString().replace('GMT', '+0000')}`,
      '',
      `Final-Recipient: rfc822; ${recipient}`,
      `Original-Recipient: rfc822; ${recipient}`,
      `Action: ${kind}`,
      `Status: ${status}`,
      ...(kind === 'failed'
        ? [`Diagnostic-Code: smtp; ${options.diagnostic ?? '550 5.1.1 Messagerie fermée'}`]
        : []),
      '',
      `--${boundary}`,
      'Content-Type: text/rfc822-headers',
      '',
      originalHeaders(message.raw),
      '',
      `--${boundary}--`,
      '',
    );
  } else {
    const error =
      kind === 'processing_failed'
        ? (options.error ?? { code: '902', label: 'Identifiant de patient inconnu' })
        : null;
    const dispositionType = kind === 'displayed' ? 'displayed' : 'processed';
    const mode =
      kind === 'displayed' ? 'manual-action/MDN-sent-manually' : 'automatic-action/MDN-sent-automatically';
    const disposition = `${mode}; ${dispositionType}${error ? `/Error: ${error.code}^${error.label}` : ''}`;
    const subject = error ? `[KO Intégration système !][${error.code}] ${message.subject}` : message.subject;
    const human = error
      ? `Le message ci-dessous n’a pas pu être intégré automatiquement dans le DPI pour la raison suivante : ${error.label} (${error.code}).`
      : kind === 'displayed'
        ? 'Votre message a été affiché par son destinataire.'
        : 'Votre message a été traité par le logiciel du destinataire.';
    lines.push(
      `Date: ${date}`,
      `From: <${recipient}>`,
      `To: <${message.headers['disposition-notification-to'] ?? message.envelope.from}>`,
      `Subject: ${rfc2047(subject)}`,
      `Message-ID: ${id}`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=disposition-notification; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      human,
      '',
      `--${boundary}`,
      'Content-Type: message/disposition-notification',
      '',
      'Reporting-UA: mssante-sim.localhost; Simulateur MSSanté Rayon',
      `Original-Recipient: rfc822;${recipient}`,
      `Final-Recipient: rfc822;${recipient}`,
      `Original-Message-ID: ${message.messageId}`,
      `Disposition: ${disposition}`,
      '',
      `--${boundary}`,
      'Content-Type: text/rfc822-headers',
      '',
      originalHeaders(message.raw),
      '',
      `--${boundary}--`,
      '',
    );
  }
  return Buffer.from(lines.join(CRLF), 'utf8');
}
