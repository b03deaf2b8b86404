/**
 * Reads the notifications that come back for a sent MSSanté mail (SC.MSS/UX.35: reconcile
 * DSN/MDN with sent mails):
 * - DSN, RFC 3464: `multipart/report; report-type=delivery-status`, a `message/delivery-status`
 *   part (per-message fields, then per-recipient fields with `Action` and `Status`), and the
 *   original's headers (`text/rfc822-headers`) or message;
 * - MDN, RFC 8098 and ig-struct-msg-mdn.md: `multipart/report; report-type=disposition-notification`,
 *   a `message/disposition-notification` part with `Disposition`, `Final-Recipient`,
 *   `Original-Message-ID` (and on error `processed/Error: <code>^<libellé>`);
 * - the "courriel standard" of ig-struct-email-standard.md, for an integration error when no MDN
 *   was asked for (subject `[KO Intégration système !][<code>] …`).
 *
 * A small MIME reader of our own: mailparser is asynchronous, a development dependency here,
 * and does not expose the report parts' fields; and the IG's own MDN example leaves out the
 * blank line between a part's headers and body, which this reader tolerates.
 */

export type MssanteNotificationKind =
  | 'delivered'
  | 'relayed'
  | 'delayed'
  | 'failed'
  | 'processed'
  | 'displayed'
  | 'dispatched'
  | 'deleted'
  | 'processing_failed';

export interface MssanteNotification {
  /** `mail`: the "courriel standard" an integration error may come as (ig-struct-email-standard.md). */
  type: 'dsn' | 'mdn' | 'mail';
  /** Message-ID of the mail this notification is about (`<…>`), or null when it cannot be found. */
  originalMessageId: string | null;
  kind: MssanteNotificationKind;
  /**
   * Short technical detail: DSN `Status` and diagnostic, or MDN disposition and error. It may
   * repeat what the remote wrote; addresses are removed.
   */
  detail: string;
  /** DSN status code (e.g. `5.1.1`). */
  status?: string;
  /** MDN error (`processed/Error: 902^Identifiant de patient inconnu`). */
  error?: { code: string; label: string };
  /** Final-Recipient address (may be a patient's INS mailbox: do not log). */
  finalRecipient?: string;
  /** Message-ID of the notification itself. */
  messageId?: string;
}

export class NotificationParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotificationParseError';
  }
}

type Headers = Map<string, string[]>;

function splitHeadBody(text: string): { head: string; body: string; hasBody: boolean } {
  const m = /\r?\n\r?\n/.exec(text);
  if (!m) return { head: text, body: '', hasBody: false };
  return { head: text.slice(0, m.index), body: text.slice(m.index + m[0].length), hasBody: true };
}

function parseHeaders(head: string): Headers {
  const headers: Headers = new Map();
  const lines = head.split(/\r?\n/);
  let current: string | null = null;
  for (const line of lines) {
    if (/^[ \t]/.test(line) && current !== null) {
      current += ' ' + line.trim();
      continue;
    }
    if (current !== null) add(headers, current);
    current = line;
  }
  if (current !== null) add(headers, current);
  return headers;
}

function add(headers: Headers, line: string): void {
  const i = line.indexOf(':');
  if (i <= 0) return;
  const name = line.slice(0, i).trim().toLowerCase();
  if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) return;
  const value = line.slice(i + 1).trim();
  headers.set(name, [...(headers.get(name) ?? []), value]);
}

const first = (h: Headers, name: string) => h.get(name)?.[0];

function contentType(h: Headers): { type: string; params: Record<string, string> } {
  const raw = first(h, 'content-type') ?? 'text/plain';
  const [type = 'text/plain', ...rest] = raw.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const m = /^\s*([^=\s]+)\s*=\s*(?:"([^"]*)"|([^\s;]*))/.exec(p);
    if (m) params[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  }
  return { type: type.trim().toLowerCase(), params };
}

interface Part {
  headers: Headers;
  body: string;
  hasBody: boolean;
}

function splitMultipart(body: string, boundary: string): Part[] {
  const lines = body.split(/\r?\n/);
  const parts: string[][] = [];
  let current: string[] | null = null;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === `--${boundary}--`) break;
    // The IG example closes some parts with an em dash instead of `--`: accept it.
    if (trimmed === `--${boundary}` || trimmed === `--${boundary}\u2014`) {
      current = [];
      parts.push(current);
      continue;
    }
    current?.push(line);
  }
  return parts.map((p) => {
    const text = p.join('\n');
    const { head, body: partBody, hasBody } = splitHeadBody(text);
    return { headers: parseHeaders(head), body: decode(partBody, parseHeaders(head)), hasBody };
  });
}

function decode(body: string, headers: Headers): string {
  const cte = (first(headers, 'content-transfer-encoding') ?? '').toLowerCase();
  if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable') {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** Field groups of a delivery-status body (blank-line separated). */
function fieldGroups(body: string): Headers[] {
  return body
    .split(/\r?\n[ \t]*\r?\n/)
    .map((g) => g.trim())
    .filter(Boolean)
    .map(parseHeaders);
}

const addressOf = (value: string | undefined) => {
  if (!value) return undefined;
  const i = value.indexOf(';');
  return (i >= 0 ? value.slice(i + 1) : value).trim();
};

/** `<id>` with inner spaces removed (the IG example writes `<199509192301.23456 >`). */
function messageIdOf(value: string | undefined): string | null {
  if (!value) return null;
  const m = /<([^<>]+)>/.exec(value);
  const id = (m ? m[1]! : value).replace(/\s+/g, '');
  return id ? `<${id}>` : null;
}

const redact = (s: string) => s.replace(/[^\s<>;@"]+@[^\s<>;"]+/g, '<adresse>');

function xtextDecode(s: string): string {
  return s.replace(/\+([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

const DSN_ACTIONS: Record<string, MssanteNotificationKind> = {
  delivered: 'delivered',
  expanded: 'delivered',
  relayed: 'relayed',
  delayed: 'delayed',
  failed: 'failed',
};

const MDN_TYPES: Record<string, MssanteNotificationKind> = {
  processed: 'processed',
  displayed: 'displayed',
  dispatched: 'dispatched',
  deleted: 'deleted',
};

/** Parses a DSN or an MDN (raw RFC 5322 bytes). Throws NotificationParseError on anything else. */
export function parseMssanteNotification(raw: Uint8Array | string): MssanteNotification {
  const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
  let { head, body } = splitHeadBody(text);
  // The IG's MDN example starts its first boundary right under the headers, without the blank line.
  const boundaryLine = /^--\S/m.exec(head);
  if (boundaryLine) {
    body = `${head.slice(boundaryLine.index)}\n${body}`;
    head = head.slice(0, boundaryLine.index);
  }
  const headers = parseHeaders(head);
  const ct = contentType(headers);
  const ownId = messageIdOf(first(headers, 'message-id')) ?? undefined;
  if (ct.type !== 'multipart/report' || !ct.params.boundary) {
    const standard = standardErrorMail(headers, ct, body, ownId);
    if (standard) return standard;
    throw new NotificationParseError('not a multipart/report notification');
  }
  const parts = splitMultipart(body, ct.params.boundary);
  const reportType = (ct.params['report-type'] ?? '').toLowerCase();

  const dsnPart = parts.find((p) => contentType(p.headers).type === 'message/delivery-status');
  if (reportType === 'delivery-status' || (dsnPart && reportType !== 'disposition-notification')) {
    if (!dsnPart) throw new NotificationParseError('DSN without a message/delivery-status part');
    const [perMessage, ...perRecipient] = fieldGroups(dsnPart.body);
    const recipient = perRecipient.find((g) => g.has('action')) ?? perMessage ?? new Map();
    const action = (first(recipient, 'action') ?? '').toLowerCase().trim();
    const kind = DSN_ACTIONS[action];
    if (!kind) throw new NotificationParseError(`DSN with an unknown Action "${action}"`);
    const status = first(recipient, 'status')?.split(/\s/)[0];
    const diagnostic = first(recipient, 'diagnostic-code');
    const original = parts.find((p) =>
      /^(text\/rfc822-headers|message\/rfc822)$/.test(contentType(p.headers).type),
    );
    const originalHeaders = original ? parseHeaders(splitHeadBody(original.body).head) : undefined;
    const envid = perMessage ? first(perMessage, 'original-envelope-id') : undefined;
    const originalMessageId =
      (originalHeaders && messageIdOf(first(originalHeaders, 'message-id'))) ??
      (envid ? messageIdOf(xtextDecode(envid)) : null);
    const finalRecipient = addressOf(first(recipient, 'final-recipient'));
    return {
      type: 'dsn',
      originalMessageId,
      kind,
      detail: redact([`${action}`, status, diagnostic].filter(Boolean).join(' ; ')),
      ...(status ? { status } : {}),
      ...(finalRecipient ? { finalRecipient } : {}),
      ...(ownId ? { messageId: ownId } : {}),
    };
  }

  const mdnPart = parts.find((p) => contentType(p.headers).type === 'message/disposition-notification');
  if (!mdnPart) throw new NotificationParseError('MDN without a message/disposition-notification part');
  // Fields are in the part's body; the IG example puts them right under its Content-Type.
  const fields: Headers = new Map([...mdnPart.headers, ...fieldGroups(mdnPart.body).flatMap((g) => [...g])]);
  const disposition = first(fields, 'disposition');
  if (!disposition) throw new NotificationParseError('MDN without a Disposition field');
  // disposition-field = "Disposition" ":" disposition-mode ";" disposition-type [ "/" disposition-modifier ]
  const m = /^\s*([^;]*);\s*([A-Za-z-]+)\s*(?:\/\s*([\s\S]*))?$/.exec(disposition);
  if (!m) throw new NotificationParseError('MDN with an unreadable Disposition field');
  const type = m[2]!.toLowerCase();
  const modifier = m[3]?.trim();
  const baseKind = MDN_TYPES[type];
  if (!baseKind) throw new NotificationParseError(`MDN with an unknown disposition type "${type}"`);
  let error: { code: string; label: string } | undefined;
  if (modifier && /^error\b/i.test(modifier)) {
    const detail = modifier.replace(/^error\s*:?\s*/i, '');
    const [code = '', label = ''] = detail.split('^');
    error = { code: code.trim(), label: label.trim() };
  }
  const finalRecipient = addressOf(first(fields, 'final-recipient'));
  return {
    type: 'mdn',
    originalMessageId: messageIdOf(first(fields, 'original-message-id')),
    kind: error ? 'processing_failed' : baseKind,
    detail: redact(
      error
        ? `${type}/error ${error.code} ${error.label}`.trim()
        : `${m[1]!.trim()}; ${type}${modifier ? `/${modifier}` : ''}`,
    ),
    ...(error ? { error } : {}),
    ...(finalRecipient ? { finalRecipient } : {}),
    ...(ownId ? { messageId: ownId } : {}),
  };
}

/**
 * ig-struct-email-standard.md: without an MDN request, an integration error comes back as a plain
 * mail whose subject starts `[KO Intégration système !][<code>]` (the IG's example writes
 * `[Erreur d’intégration !][<code>]`), with the original attached as message/rfc822.
 */
function standardErrorMail(
  headers: Headers,
  ct: { type: string; params: Record<string, string> },
  body: string,
  ownId: string | undefined,
): MssanteNotification | null {
  const subject = decodeSubject(first(headers, 'subject') ?? '');
  const m = /^\s*\[(?:KO Intégration système !|Erreur d[’']intégration !)\]\s*\[([^\]]+)\]/.exec(subject);
  if (!m) return null;
  const code = m[1]!.trim();
  let originalMessageId = messageIdOf(first(headers, 'in-reply-to'));
  let label = '';
  if (ct.type.startsWith('multipart/') && ct.params.boundary) {
    for (const part of splitMultipart(body, ct.params.boundary)) {
      const type = contentType(part.headers).type;
      if (type === 'message/rfc822' && !originalMessageId) {
        originalMessageId = messageIdOf(first(parseHeaders(splitHeadBody(part.body).head), 'message-id'));
      }
      if (type === 'text/plain' && !label)
        label = /Erreur détectée\s*:\s*(.+)/.exec(part.body)?.[1]?.trim() ?? '';
    }
  } else {
    label = /Erreur détectée\s*:\s*(.+)/.exec(body)?.[1]?.trim() ?? '';
  }
  return {
    type: 'mail',
    originalMessageId,
    kind: 'processing_failed',
    detail: redact(`integration error ${code}${label ? ` ${label}` : ''}`),
    error: { code, label },
    ...(ownId ? { messageId: ownId } : {}),
  };
}

/** RFC 2047 encoded words (B and Q) in a subject. */
function decodeSubject(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text
                .replace(/_/g, ' ')
                .replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
              'latin1',
            );
      return /^utf-?8$/i.test(charset) ? bytes.toString('utf8') : bytes.toString('latin1');
    });
}
