/**
 * The IMAP side of the MSSanté simulator: what an applicative mailbox reads its DSN/MDN from
 * (national-services.md §2.1, SC.MSS/CONF.06/12). Hand-written on node:net / node:tls, small and
 * strict, per RFC 3501 (IMAP4rev1):
 * - a plain listener with STARTTLS (the historic DST's port 143), or implicit TLS; the same TLS
 *   policy as the SMTP side: TLS 1.2+, the socle's suites, a client certificate from the
 *   configured CAs required (no certificate, another CA or an expired one: the connection ends);
 * - before TLS, LOGINDISABLED: no LOGIN or AUTHENTICATE;
 * - AUTHENTICATE PLAIN (SASL-IR or continuation) and LOGIN, the login being the mailbox the client
 *   certificate names; a certificate opens only its own mailbox, which has a single INBOX;
 * - the commands a client such as imapflow uses to read and mark notifications: CAPABILITY, NOOP,
 *   LOGOUT, NAMESPACE, LIST/LSUB, SELECT/EXAMINE, STATUS, (UID) SEARCH/FETCH/STORE, EXPUNGE, CHECK,
 *   CLOSE. Nothing else is advertised; anything else gets a BAD with a clear text.
 * Garbage (binary, unknown commands, overlong lines) only affects its own connection.
 */
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createSecureContext, createServer as createTlsServer, TLSSocket } from 'node:tls';
import { asciiReply, mailboxOfCertificate, MSSANTE_CIPHERS } from './server.ts';

/** Longest command line (and client literal) accepted; beyond it: BAD and the connection ends. */
export const IMAP_MAX_LINE = 64 * 1024;
/** Commands answered BAD in a row before the server gives up on a connection. */
const MAX_ERRORS = 10;
const MAX_AUTH_FAILURES = 3;

export interface ImapMessage {
  uid: number;
  /** System flags in their canonical case (`\Seen`) and keywords. */
  flags: Set<string>;
  internalDate: Date;
  raw: Buffer;
  expunged: boolean;
}

interface MailboxState {
  uidValidity: number;
  uidNext: number;
  messages: ImapMessage[];
}

let lastUidValidity = 0;

/** Per-address in-memory INBOXes, shared by the IMAP sessions and the simulator. */
export class ImapMailStore {
  private readonly boxes = new Map<string, MailboxState>();

  box(address: string): MailboxState {
    const key = address.toLowerCase();
    let box = this.boxes.get(key);
    if (!box) {
      // UIDVALIDITY must change when a mailbox is recreated (a restarted simulator): seconds since
      // the epoch, strictly increasing within the process.
      lastUidValidity = Math.max(lastUidValidity + 1, Math.floor(Date.now() / 1000));
      box = { uidValidity: lastUidValidity, uidNext: 1, messages: [] };
      this.boxes.set(key, box);
    }
    return box;
  }

  append(address: string, raw: Buffer, flags: string[] = [], internalDate = new Date()): number {
    const box = this.box(address);
    const uid = box.uidNext++;
    box.messages.push({ uid, flags: new Set(flags), internalDate, raw, expunged: false });
    return uid;
  }

  clear(): void {
    this.boxes.clear();
  }
}

export interface ImapServerOptions {
  host: string;
  /** 0 = a free port. */
  port: number;
  implicitTls: boolean;
  tls: { keyPem: string; certPem: string; caPem: string | string[] };
  maxTlsVersion: 'TLSv1.2' | 'TLSv1.3';
  /** When false, any password is accepted (the login must still be the certificate's mailbox). */
  requireAuth: boolean;
  store: ImapMailStore;
  /** Idle time before `* BYE` (ms); default 10 minutes. */
  idleTimeoutMs?: number;
  onEvent?: (event: {
    kind: 'tls-refused' | 'auth-refused' | 'login';
    mailbox?: string;
    reason?: string;
  }) => void;
}

export interface ImapServer {
  port: number;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Command parsing

type Token =
  { type: 'atom'; value: string } | { type: 'string'; value: string } | { type: 'list'; value: Token[] };

class ImapSyntaxError extends Error {}

/** Literals are replaced by `\0<index>\0` in the command text (control characters are refused). */
function tokenize(text: string, literals: Buffer[]): Token[] {
  let i = 0;
  const parse = (depth: number): Token[] => {
    const out: Token[] = [];
    while (i < text.length) {
      const c = text[i]!;
      if (c === ' ') {
        i += 1;
        continue;
      }
      if (c === ')') {
        if (depth === 0) throw new ImapSyntaxError('parenthèse fermante inattendue');
        i += 1;
        return out;
      }
      if (c === '(') {
        i += 1;
        out.push({ type: 'list', value: parse(depth + 1) });
        continue;
      }
      if (c === '"') {
        let value = '';
        i += 1;
        for (;;) {
          if (i >= text.length) throw new ImapSyntaxError('chaîne entre guillemets non terminée');
          const d = text[i]!;
          if (d === '\\') {
            const next = text[i + 1];
            if (next !== '"' && next !== '\\') throw new ImapSyntaxError('échappement invalide');
            value += next;
            i += 2;
          } else if (d === '"') {
            i += 1;
            break;
          } else {
            value += d;
            i += 1;
          }
        }
        out.push({ type: 'string', value });
        continue;
      }
      if (c === '\0') {
        const end = text.indexOf('\0', i + 1);
        out.push({ type: 'string', value: literals[Number(text.slice(i + 1, end))]!.toString('utf8') });
        i = end + 1;
        continue;
      }
      // An atom; a `[...]` inside (BODY[HEADER.FIELDS (A B)]) is kept whole, spaces included.
      let value = '';
      while (i < text.length && !' ()"\0'.includes(text[i]!)) {
        if (text[i] === '[') {
          const end = text.indexOf(']', i);
          if (end < 0) throw new ImapSyntaxError('crochet non fermé');
          value += text.slice(i, end + 1);
          i = end + 1;
        } else {
          value += text[i];
          i += 1;
        }
      }
      // Spaces are allowed inside a section's brackets only.
      if (!/^[\x21-\x7e]+$/.test(value.replace(/\[[\x20-\x7e]*?\]/g, '[]')))
        throw new ImapSyntaxError('caractère invalide');
      out.push({ type: 'atom', value });
    }
    if (depth > 0) throw new ImapSyntaxError('parenthèse non fermée');
    return out;
  };
  return parse(0);
}

const astring = (t: Token | undefined): string | null => (t && t.type !== 'list' ? t.value : null);
const atom = (t: Token | undefined): string | null => (t && t.type === 'atom' ? t.value : null);

const MAX_NUMBER = 4_294_967_295;

/** A sequence set (`1:3,5,7:*`) as a predicate; `*` is `max` (the largest seq or UID). */
function parseSet(text: string | null, max: number): ((n: number) => boolean) | null {
  if (!text || !/^(\d+|\*)(:(\d+|\*))?(,(\d+|\*)(:(\d+|\*))?)*$/.test(text)) return null;
  const ranges: [number, number][] = [];
  for (const part of text.split(',')) {
    const [a, b = a] = part.split(':').map((s) => (s === '*' ? max : Number(s)));
    if (a! < 1 && a !== max) return null;
    if (b! < 1 && b !== max) return null;
    if (a! > MAX_NUMBER || b! > MAX_NUMBER) return null;
    ranges.push([Math.min(a!, b!), Math.max(a!, b!)]);
  }
  return (n) => ranges.some(([lo, hi]) => n >= lo && n <= hi);
}

const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'];

/** A storable flag in canonical form, or null (`\Recent`, unknown system flag, bad keyword). */
function canonicalFlag(flag: string): string | null {
  if (flag.startsWith('\\')) return SYSTEM_FLAGS.find((f) => f.toLowerCase() === flag.toLowerCase()) ?? null;
  return /^[\x21-\x7e]+$/.test(flag) && !/[(){%*"\\\]]/.test(flag) ? flag : null;
}

function imapDate(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `"${p(d.getUTCDate())}-${months[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000"`;
}

function splitMessage(raw: Buffer): { header: Buffer; text: Buffer } {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { header: raw, text: Buffer.alloc(0) };
  return { header: raw.subarray(0, end + 4), text: raw.subarray(end + 4) };
}

/** The header fields named (or, with `not`, all but those), followed by the blank line. */
function headerFields(header: Buffer, names: string[], not: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const fields: string[] = [];
  for (const line of header.toString('latin1').split('\r\n')) {
    if (line === '') continue;
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += `\r\n${line}`;
    else fields.push(line);
  }
  const kept = fields.filter((f) => wanted.has(f.slice(0, f.indexOf(':')).trim().toLowerCase()) !== not);
  return Buffer.from(kept.map((f) => `${f}\r\n`).join('') + '\r\n', 'latin1');
}

/**
 * Whether a STARTTLS socket's client certificate chains to our CAs and is valid now. A TLSSocket
 * made by hand is not checked by Node (tls.Server does it for its own sockets, after the
 * handshake, from the same handle result smtp-server reads for its STARTTLS): no result or an
 * error means refused.
 */
function clientCertificateVerified(socket: TLSSocket): boolean {
  const handle = (socket as unknown as { _handle?: { verifyError?: () => Error | null } })._handle;
  if (socket.destroyed || typeof handle?.verifyError !== 'function') return false;
  if (handle.verifyError()) return false;
  const cert = socket.getPeerCertificate();
  return !!cert && Object.keys(cert).length > 0;
}

// ---------------------------------------------------------------------------------------------
// Sessions

interface Selected {
  box: MailboxState;
  readOnly: boolean;
  /** This session's view of the INBOX: sequence number = index + 1 (RFC 3501 §2.3.1.2). */
  view: ImapMessage[];
}

class BadCommand extends Error {}
class NoCommand extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

export async function startImapServer(options: ImapServerOptions): Promise<ImapServer> {
  const tlsOptions = {
    key: options.tls.keyPem,
    cert: options.tls.certPem,
    ca: options.tls.caPem,
    minVersion: 'TLSv1.2' as const,
    maxVersion: options.maxTlsVersion,
    ciphers: MSSANTE_CIPHERS,
  };
  const secureContext = createSecureContext(tlsOptions);
  const sockets = new Set<Socket>();
  const emit = (e: Parameters<NonNullable<ImapServerOptions['onEvent']>>[0]) => options.onEvent?.(e);

  const serve = (socket: Socket, tlsSocket: TLSSocket | null) => {
    sockets.add(socket);
    // Many short answers: without this, Nagle and delayed ACKs add tens of ms to each exchange.
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {
      // A broken connection only ends that session.
    });
    let stream: Socket = tlsSocket ?? socket;
    let certMailbox: string | null = null;
    let user: string | null = null;
    let selected: Selected | null = null;
    let buffer: Buffer = Buffer.alloc(0);
    let parts: string[] = [];
    let literals: Buffer[] = [];
    let literalWanted = 0;
    let errors = 0;
    let authFailures = 0;
    let pendingAuth: { tag: string } | null = null;
    let closed = false;
    let upgrading = false;

    const write = (data: string | Buffer) => {
      if (!closed && !stream.destroyed) stream.write(data);
    };
    const line = (text: string) => write(`${text}\r\n`);
    const bye = (text: string) => {
      line(`* BYE ${asciiReply(text)}`);
      closed = true;
      stream.end();
      setTimeout(() => stream.destroy(), 1000).unref();
    };

    const capabilities = () => {
      if (!(stream instanceof TLSSocket)) return 'IMAP4rev1 STARTTLS LOGINDISABLED';
      if (!user) return 'IMAP4rev1 SASL-IR AUTH=PLAIN NAMESPACE';
      return 'IMAP4rev1 NAMESPACE';
    };

    const onSecure = (secured: TLSSocket) => {
      const cert = secured.getPeerCertificate();
      certMailbox = cert && Object.keys(cert).length > 0 ? mailboxOfCertificate(cert as never) : null;
      if (!certMailbox) {
        emit({ kind: 'tls-refused', reason: 'certificate names no mailbox' });
        bye('Le certificat client ne désigne aucune boîte aux lettres applicative.');
      }
    };

    const attach = (s: Socket) => {
      s.on('data', (chunk: Buffer) => {
        if (closed || upgrading) return;
        buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
        try {
          pump();
        } catch {
          bye('Erreur interne du simulateur.');
        }
      });
      s.setTimeout(options.idleTimeoutMs ?? 600_000, () => bye('Délai d’inactivité dépassé, déconnexion.'));
    };

    /** Cuts the input into command lines and client literals (`{n}` then n bytes). */
    const pump = () => {
      while (!closed && !upgrading) {
        if (literalWanted > 0) {
          if (buffer.length < literalWanted) return;
          literals.push(buffer.subarray(0, literalWanted));
          parts.push(`\0${literals.length - 1}\0`);
          buffer = buffer.subarray(literalWanted);
          literalWanted = 0;
          continue;
        }
        const nl = buffer.indexOf(0x0a);
        if (nl < 0) {
          if (buffer.length > IMAP_MAX_LINE) {
            line('* BAD Ligne de commande trop longue (64 Kio au plus).');
            bye('Ligne de commande trop longue.');
          }
          return;
        }
        if (nl > IMAP_MAX_LINE) {
          line('* BAD Ligne de commande trop longue (64 Kio au plus).');
          return bye('Ligne de commande trop longue.');
        }
        const raw = buffer.subarray(0, nl > 0 && buffer[nl - 1] === 0x0d ? nl - 1 : nl);
        buffer = buffer.subarray(nl + 1);
        const text = raw.toString('utf8');
        // Control bytes (NUL, bare CR…) or invalid UTF-8 have no place in a command line.
        if (raw.some((byte) => byte < 0x20 || byte === 0x7f) || text.includes('\ufffd')) {
          parts = [];
          literals = [];
          bad('*', 'Caractères invalides dans la commande (texte US-ASCII ou UTF-8 attendu).');
          continue;
        }
        if (pendingAuth) {
          const { tag } = pendingAuth;
          pendingAuth = null;
          if (text === '*') bad(tag, 'Authentification annulée.');
          else finishPlain(tag, text);
          continue;
        }
        const literal = /\{(\d{1,10})(\+?)\}$/.exec(text);
        if (literal) {
          const size = Number(literal[1]);
          // The whole command, literals included, stays under the line limit.
          const total = parts.join('').length + literals.reduce((n, l) => n + l.length, 0) + size;
          if (literal[2] === '+' || total > IMAP_MAX_LINE) {
            parts = [];
            literals = [];
            line(
              `* BAD ${asciiReply('Littéral refusé (LITERAL+ non pris en charge, commande de 64 Kio au plus).')}`,
            );
            return bye('Littéral refusé.');
          }
          parts.push(text.slice(0, literal.index));
          // Synchronising literal (RFC 3501 §4.3): the client waits for the go-ahead, even for {0}.
          line('+ Pret pour le litteral');
          literalWanted = size;
          if (size === 0) {
            literals.push(Buffer.alloc(0));
            parts.push(`\0${literals.length - 1}\0`);
          }
          continue;
        }
        parts.push(text);
        const command = parts.join('');
        const commandLiterals = literals;
        parts = [];
        literals = [];
        run(command, commandLiterals);
      }
    };

    const bad = (tag: string, text: string) => {
      line(`${tag} BAD ${asciiReply(text)}`);
      errors += 1;
      if (errors >= MAX_ERRORS) bye('Trop de commandes invalides, déconnexion.');
    };

    const run = (command: string, commandLiterals: Buffer[]) => {
      const tagMatch = /^([\x21-\x7e]+?) /.exec(command);
      const tag = tagMatch?.[1];
      if (!tag || /[(){%*"\\+]/.test(tag))
        return bad('*', 'Commande sans étiquette valide (« étiquette COMMANDE arguments »).');
      let tokens: Token[];
      try {
        tokens = tokenize(command.slice(tag.length + 1), commandLiterals);
      } catch (err) {
        return bad(tag, `Syntaxe invalide : ${(err as Error).message}.`);
      }
      const name = atom(tokens[0])?.toUpperCase();
      if (!name) return bad(tag, 'Commande absente.');
      try {
        execute(tag, name, tokens.slice(1));
        errors = 0;
      } catch (err) {
        if (err instanceof BadCommand) return bad(tag, err.message);
        if (err instanceof NoCommand)
          return line(`${tag} NO ${err.code ? `[${err.code}] ` : ''}${asciiReply(err.message)}`);
        line(`${tag} BAD ${asciiReply('Erreur interne du simulateur.')}`);
      }
    };

    const requireArgs = (args: Token[], n: number, usage: string) => {
      if (args.length !== n) throw new BadCommand(`Arguments invalides, attendu : ${usage}.`);
    };

    const refuseAuth = (tag: string, why: string) => {
      authFailures += 1;
      emit({ kind: 'auth-refused', ...(certMailbox ? { mailbox: certMailbox } : {}), reason: why });
      line(
        `${tag} NO [AUTHENTICATIONFAILED] ${asciiReply("Authentification refusée : l'identifiant doit être l'adresse de la BAL applicative du certificat.")}`,
      );
      if (authFailures >= MAX_AUTH_FAILURES) bye("Trop d'échecs d'authentification.");
    };

    const login = (tag: string, name: string | null, password: string | null) => {
      if (!certMailbox || !name || name.toLowerCase() !== certMailbox)
        return refuseAuth(tag, 'login is not the certificate mailbox');
      if (options.requireAuth && !password) return refuseAuth(tag, 'empty password');
      user = certMailbox;
      emit({ kind: 'login', mailbox: user });
      line(`${tag} OK [CAPABILITY ${capabilities()}] Authentification reussie`);
    };

    const finishPlain = (tag: string, response: string) => {
      if (response === '=') return refuseAuth(tag, 'empty PLAIN response');
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(response) || response.length % 4 !== 0)
        return bad(tag, 'Réponse SASL invalide (base64 attendu).');
      const fields = Buffer.from(response, 'base64').toString('utf8').split('\0');
      if (fields.length !== 3)
        return bad(tag, 'Réponse SASL PLAIN invalide (autorisation\\0identifiant\\0mot de passe).');
      const [authzid, authcid, password] = fields as [string, string, string];
      if (authzid && authzid.toLowerCase() !== authcid.toLowerCase())
        return refuseAuth(tag, 'authzid differs');
      login(tag, authcid, password);
    };

    const needSelected = () => {
      if (!selected) throw new BadCommand('Aucune boîte sélectionnée (SELECT INBOX d’abord).');
      return selected;
    };

    /** Tells this session about messages added or expunged elsewhere (NOOP, CHECK, SELECT…). */
    const sync = () => {
      if (!selected) return;
      for (let i = selected.view.length - 1; i >= 0; i -= 1) {
        if (selected.view[i]!.expunged) {
          selected.view.splice(i, 1);
          line(`* ${i + 1} EXPUNGE`);
        }
      }
      const last = selected.view.at(-1)?.uid ?? 0;
      const added = selected.box.messages.filter((m) => m.uid > last);
      if (added.length > 0) {
        selected.view.push(...added);
        line(`* ${selected.view.length} EXISTS`);
      }
    };

    const isInbox = (name: string | null) => name !== null && name.toUpperCase() === 'INBOX';

    const execute = (tag: string, name: string, args: Token[]) => {
      const secure = stream instanceof TLSSocket;
      switch (name) {
        case 'CAPABILITY':
          requireArgs(args, 0, 'CAPABILITY');
          line(`* CAPABILITY ${capabilities()}`);
          return line(`${tag} OK CAPABILITY terminee`);
        case 'NOOP':
        case 'CHECK':
          requireArgs(args, 0, name);
          if (name === 'CHECK') needSelected();
          sync();
          return line(`${tag} OK ${name} terminee`);
        case 'LOGOUT':
          requireArgs(args, 0, 'LOGOUT');
          line('* BYE Simulateur MSSante Rayon, au revoir');
          line(`${tag} OK LOGOUT terminee`);
          closed = true;
          stream.end();
          return;
        case 'STARTTLS': {
          requireArgs(args, 0, 'STARTTLS');
          if (secure) throw new BadCommand('TLS déjà établi.');
          line(`${tag} OK Debut de la negociation TLS`);
          // Anything the client sent after STARTTLS and before the handshake is discarded
          // (RFC 3501 §6.2.1: it could be injected plaintext).
          upgrading = true;
          buffer = Buffer.alloc(0);
          socket.removeAllListeners('data');
          socket.removeAllListeners('timeout');
          const secured = new TLSSocket(socket, {
            isServer: true,
            secureContext,
            requestCert: true,
            rejectUnauthorized: true,
          });
          secured.on('error', () => {
            emit({ kind: 'tls-refused', reason: 'TLS handshake failed' });
            socket.destroy();
          });
          secured.once('secure', () => {
            if (!clientCertificateVerified(secured)) {
              emit({ kind: 'tls-refused', reason: 'client certificate refused' });
              socket.destroy();
              return;
            }
            stream = secured;
            upgrading = false;
            attach(secured);
            onSecure(secured);
          });
          return;
        }
        case 'LOGIN': {
          if (!secure) throw new NoCommand('LOGIN interdit avant STARTTLS.', 'PRIVACYREQUIRED');
          if (user) throw new BadCommand('Déjà authentifié.');
          requireArgs(args, 2, 'LOGIN identifiant mot-de-passe');
          return login(tag, astring(args[0]), astring(args[1]));
        }
        case 'AUTHENTICATE': {
          if (!secure) throw new NoCommand('AUTHENTICATE interdit avant STARTTLS.', 'PRIVACYREQUIRED');
          if (user) throw new BadCommand('Déjà authentifié.');
          if (args.length < 1 || args.length > 2)
            throw new BadCommand('Arguments invalides, attendu : AUTHENTICATE PLAIN [réponse initiale].');
          if (atom(args[0])?.toUpperCase() !== 'PLAIN')
            throw new NoCommand('Mécanisme non pris en charge : PLAIN seulement.', 'CANNOT');
          if (args.length === 2) {
            const initial = atom(args[1]);
            if (!initial) throw new BadCommand('Réponse initiale invalide.');
            return finishPlain(tag, initial);
          }
          pendingAuth = { tag };
          return line('+ ');
        }
      }

      if (!user) {
        if (KNOWN_COMMANDS.has(name))
          throw new BadCommand(
            `${name} demande d'être authentifié (LOGIN ou AUTHENTICATE PLAIN après STARTTLS).`,
          );
        throw new BadCommand(`Commande inconnue ou non prise en charge : ${name.slice(0, 40)}.`);
      }
      const box = options.store.box(user);

      switch (name) {
        case 'NAMESPACE':
          requireArgs(args, 0, 'NAMESPACE');
          line('* NAMESPACE (("" "/")) NIL NIL');
          return line(`${tag} OK NAMESPACE terminee`);
        case 'LIST':
        case 'LSUB': {
          requireArgs(args, 2, `${name} référence motif`);
          const reference = astring(args[0]);
          const pattern = astring(args[1]);
          if (reference === null || pattern === null) throw new BadCommand('Référence ou motif invalide.');
          if (pattern === '' && name === 'LIST') line('* LIST (\\Noselect) "/" ""');
          else {
            const re = new RegExp(
              `^${(reference + pattern)
                .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '.*')
                .replace(/%/g, '[^/]*')}$`,
              'i',
            );
            if (re.test('INBOX')) line(`* ${name} (\\HasNoChildren) "/" INBOX`);
          }
          return line(`${tag} OK ${name} terminee`);
        }
        case 'STATUS': {
          requireArgs(args, 2, 'STATUS INBOX (MESSAGES UIDNEXT …)');
          if (!isInbox(astring(args[0])))
            throw new NoCommand('Boîte inconnue : seule INBOX existe.', 'NONEXISTENT');
          const items = args[1]?.type === 'list' ? args[1].value.map(atom) : [];
          if (items.length === 0) throw new BadCommand('Liste d’éléments STATUS attendue.');
          const values: string[] = [];
          for (const item of items) {
            const key = item?.toUpperCase();
            const live = box.messages;
            if (key === 'MESSAGES') values.push(`MESSAGES ${live.length}`);
            else if (key === 'RECENT') values.push('RECENT 0');
            else if (key === 'UIDNEXT') values.push(`UIDNEXT ${box.uidNext}`);
            else if (key === 'UIDVALIDITY') values.push(`UIDVALIDITY ${box.uidValidity}`);
            else if (key === 'UNSEEN')
              values.push(`UNSEEN ${live.filter((m) => !m.flags.has('\\Seen')).length}`);
            else throw new BadCommand(`Élément STATUS non pris en charge : ${String(item).slice(0, 40)}.`);
          }
          line(`* STATUS INBOX (${values.join(' ')})`);
          return line(`${tag} OK STATUS terminee`);
        }
        case 'SELECT':
        case 'EXAMINE': {
          requireArgs(args, 1, `${name} INBOX`);
          selected = null;
          if (!isInbox(astring(args[0])))
            throw new NoCommand('Boîte inconnue : seule INBOX existe.', 'NONEXISTENT');
          const readOnly = name === 'EXAMINE';
          selected = { box, readOnly, view: [...box.messages] };
          const keywords = new Set<string>();
          for (const m of box.messages) for (const f of m.flags) if (!f.startsWith('\\')) keywords.add(f);
          const flags = [...SYSTEM_FLAGS, ...keywords].join(' ');
          line(`* FLAGS (${flags})`);
          line(`* OK [PERMANENTFLAGS (${readOnly ? '' : `${flags} \\*`})] Drapeaux modifiables`);
          line(`* ${selected.view.length} EXISTS`);
          line('* 0 RECENT');
          const firstUnseen = selected.view.findIndex((m) => !m.flags.has('\\Seen'));
          if (firstUnseen >= 0) line(`* OK [UNSEEN ${firstUnseen + 1}] Premier message non lu`);
          line(`* OK [UIDVALIDITY ${box.uidValidity}] UID valides`);
          line(`* OK [UIDNEXT ${box.uidNext}] Prochain UID`);
          return line(`${tag} OK [${readOnly ? 'READ-ONLY' : 'READ-WRITE'}] ${name} terminee`);
        }
        case 'CLOSE': {
          requireArgs(args, 0, 'CLOSE');
          const current = needSelected();
          if (!current.readOnly) expunge(current, false);
          selected = null;
          return line(`${tag} OK CLOSE terminee`);
        }
        case 'EXPUNGE': {
          requireArgs(args, 0, 'EXPUNGE');
          const current = needSelected();
          if (current.readOnly) throw new NoCommand('Boîte ouverte en lecture seule (EXAMINE).', 'READ-ONLY');
          sync();
          expunge(current, true);
          return line(`${tag} OK EXPUNGE terminee`);
        }
        case 'UID': {
          const sub = atom(args[0])?.toUpperCase();
          if (sub !== 'FETCH' && sub !== 'STORE' && sub !== 'SEARCH')
            throw new BadCommand('UID FETCH, UID STORE ou UID SEARCH attendu.');
          return messageCommand(tag, sub, args.slice(1), true);
        }
        case 'FETCH':
        case 'STORE':
        case 'SEARCH':
          return messageCommand(tag, name, args, false);
      }
      throw new BadCommand(`Commande inconnue ou non prise en charge : ${name.slice(0, 40)}.`);
    };

    const expunge = (current: Selected, announce: boolean) => {
      for (let i = current.view.length - 1; i >= 0; i -= 1) {
        const m = current.view[i]!;
        if (!m.flags.has('\\Deleted')) continue;
        m.expunged = true;
        current.view.splice(i, 1);
        if (announce) line(`* ${i + 1} EXPUNGE`);
      }
      current.box.messages = current.box.messages.filter((m) => !m.expunged);
    };

    /** The messages a set names, with their sequence numbers, in mailbox order. */
    const pick = (current: Selected, set: string | null, uid: boolean) => {
      const max = uid ? (current.view.at(-1)?.uid ?? 0) : current.view.length;
      const inSet = parseSet(set, max);
      if (!inSet) throw new BadCommand(`Ensemble de messages invalide : ${String(set).slice(0, 40)}.`);
      if (!uid && set !== null && max === 0 && set !== '') {
        // A sequence number in an empty mailbox names nothing that exists (RFC 3501 §6.4.8).
        throw new BadCommand('La boîte est vide : aucun numéro de séquence valide.');
      }
      return current.view
        .map((m, i) => ({ m, seq: i + 1 }))
        .filter(({ m, seq }) => !m.expunged && inSet(uid ? m.uid : seq));
    };

    const flagList = (m: ImapMessage) => `FLAGS (${[...m.flags].join(' ')})`;

    const messageCommand = (tag: string, name: 'FETCH' | 'STORE' | 'SEARCH', args: Token[], uid: boolean) => {
      const current = needSelected();
      const label = `${uid ? 'UID ' : ''}${name}`;
      if (name === 'SEARCH') {
        const matches = search(current, args, uid);
        line(`* SEARCH${matches.map((n) => ` ${n}`).join('')}`);
        return line(`${tag} OK ${label} terminee`);
      }
      if (name === 'STORE') {
        if (args.length < 3)
          throw new BadCommand('Arguments invalides, attendu : STORE ensemble +FLAGS (drapeaux).');
        const targets = pick(current, atom(args[0]), uid);
        const mode = /^([+-]?)FLAGS(\.SILENT)?$/i.exec(atom(args[1]) ?? '');
        if (!mode) throw new BadCommand('FLAGS, +FLAGS ou -FLAGS (.SILENT) attendu.');
        const rawFlags = args.length === 3 && args[2]!.type === 'list' ? args[2]!.value : args.slice(2);
        const flags = rawFlags.map((t) => {
          const f = atom(t);
          const canonical = f ? canonicalFlag(f) : null;
          if (!canonical) throw new BadCommand(`Drapeau invalide : ${String(f).slice(0, 40)}.`);
          return canonical;
        });
        if (current.readOnly) throw new NoCommand('Boîte ouverte en lecture seule (EXAMINE).', 'READ-ONLY');
        for (const { m, seq } of targets) {
          if (mode[1] === '+') for (const f of flags) m.flags.add(f);
          else if (mode[1] === '-') for (const f of flags) m.flags.delete(f);
          else m.flags = new Set(flags);
          if (!mode[2]) line(`* ${seq} FETCH (${flagList(m)}${uid ? ` UID ${m.uid}` : ''})`);
        }
        return line(`${tag} OK ${label} terminee`);
      }
      // FETCH
      if (args.length !== 2)
        throw new BadCommand('Arguments invalides, attendu : FETCH ensemble (éléments).');
      const targets = pick(current, atom(args[0]), uid);
      const items = fetchItems(args[1]!);
      if (uid && !items.some((i) => i.name === 'UID')) items.unshift({ name: 'UID' });
      for (const { m, seq } of targets) {
        const out: (string | Buffer)[] = [];
        let setSeen = false;
        for (const item of items) {
          const add = (label: string, content: Buffer) =>
            out.push(`${label} {${content.length}}\r\n`, content);
          switch (item.name) {
            case 'UID':
              out.push(`UID ${m.uid}`);
              break;
            case 'FLAGS':
              out.push(flagList(m));
              break;
            case 'INTERNALDATE':
              out.push(`INTERNALDATE ${imapDate(m.internalDate)}`);
              break;
            case 'RFC822.SIZE':
              out.push(`RFC822.SIZE ${m.raw.length}`);
              break;
            case 'RFC822':
              add('RFC822', m.raw);
              setSeen = true;
              break;
            case 'RFC822.HEADER':
              add('RFC822.HEADER', splitMessage(m.raw).header);
              break;
            case 'RFC822.TEXT':
              add('RFC822.TEXT', splitMessage(m.raw).text);
              setSeen = true;
              break;
            case 'BODY': {
              const { header, text } = splitMessage(m.raw);
              const section = item.section!;
              const content =
                section === ''
                  ? m.raw
                  : section === 'HEADER'
                    ? header
                    : section === 'TEXT'
                      ? text
                      : headerFields(header, item.fields!, section === 'HEADER.FIELDS.NOT');
              add(`BODY[${item.label}]`, content);
              if (!item.peek) setSeen = true;
              break;
            }
          }
        }
        if (setSeen && !current.readOnly && !m.flags.has('\\Seen')) {
          m.flags.add('\\Seen');
          if (!items.some((i) => i.name === 'FLAGS')) out.push(flagList(m));
        }
        const chunks: (string | Buffer)[] = [`* ${seq} FETCH (`];
        out.forEach((part, i) => {
          // A literal's header and its bytes are one item: no space between them.
          if (i > 0 && !(typeof out[i - 1] === 'string' && (out[i - 1] as string).endsWith('}\r\n')))
            chunks.push(' ');
          chunks.push(part);
        });
        chunks.push(')\r\n');
        write(Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c))));
      }
      return line(`${tag} OK ${label} terminee`);
    };

    const search = (current: Selected, args: Token[], uid: boolean): number[] => {
      let keys = args;
      if (atom(keys[0])?.toUpperCase() === 'CHARSET') {
        const charset = astring(keys[1])?.toUpperCase();
        if (charset !== 'US-ASCII' && charset !== 'UTF-8')
          throw new NoCommand('Jeu de caractères non pris en charge.', 'BADCHARSET');
        keys = keys.slice(2);
      }
      if (keys.length === 0) throw new BadCommand('Critère de recherche attendu.');
      const all = current.view.map((m, i) => ({ m, seq: i + 1 }));
      const criteria = (tokens: Token[]): ((e: { m: ImapMessage; seq: number }) => boolean)[] => {
        const out: ((e: { m: ImapMessage; seq: number }) => boolean)[] = [];
        for (let i = 0; i < tokens.length; i += 1) {
          const t = tokens[i]!;
          if (t.type === 'list') {
            const inner = criteria(t.value);
            out.push((e) => inner.every((c) => c(e)));
            continue;
          }
          const key = atom(t)?.toUpperCase();
          const flagKey: Record<string, [string, boolean]> = {
            SEEN: ['\\Seen', true],
            UNSEEN: ['\\Seen', false],
            DELETED: ['\\Deleted', true],
            UNDELETED: ['\\Deleted', false],
            FLAGGED: ['\\Flagged', true],
            UNFLAGGED: ['\\Flagged', false],
            ANSWERED: ['\\Answered', true],
            UNANSWERED: ['\\Answered', false],
          };
          if (key === 'ALL') out.push(() => true);
          else if (key && flagKey[key]) {
            const [flag, present] = flagKey[key];
            out.push((e) => e.m.flags.has(flag) === present);
          } else if (key === 'UID') {
            const set = atom(tokens[++i]);
            const max = current.view.at(-1)?.uid ?? 0;
            const inSet = parseSet(set, max);
            if (!inSet) throw new BadCommand('Ensemble d’UID invalide.');
            out.push((e) => inSet(e.m.uid));
          } else if (key === 'NOT') {
            const inner = criteria([tokens[++i] ?? { type: 'atom', value: '' }]);
            out.push((e) => !inner.every((c) => c(e)));
          } else if (key && /^[\d,:*]+$/.test(key)) {
            const inSet = parseSet(key, current.view.length);
            if (!inSet) throw new BadCommand('Ensemble de messages invalide.');
            out.push((e) => inSet(e.seq));
          } else {
            throw new BadCommand(
              `Critère de recherche non pris en charge : ${String(key ?? '(liste)').slice(0, 40)}.`,
            );
          }
        }
        return out;
      };
      const tests = criteria(keys);
      return all.filter((e) => tests.every((c) => c(e))).map((e) => (uid ? e.m.uid : e.seq));
    };

    line(`* OK [CAPABILITY ${capabilities()}] Simulateur MSSante Rayon IMAP4rev1 pret`);
    attach(stream);
    if (tlsSocket) onSecure(tlsSocket);
  };

  const server: NetServer | ReturnType<typeof createTlsServer> = options.implicitTls
    ? createTlsServer({ ...tlsOptions, requestCert: true, rejectUnauthorized: true }, (s) => serve(s, s))
    : createNetServer((s) => serve(s, null));
  server.on('tlsClientError', () =>
    options.onEvent?.({ kind: 'tls-refused', reason: 'TLS handshake failed' }),
  );
  server.on('error', () => {
    // Per-connection errors; the listener keeps serving.
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** RFC 3501 commands: before authentication they get "authenticate first" rather than "unknown". */
const KNOWN_COMMANDS = new Set([
  'SELECT',
  'EXAMINE',
  'CREATE',
  'DELETE',
  'RENAME',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'LIST',
  'LSUB',
  'STATUS',
  'APPEND',
  'CHECK',
  'CLOSE',
  'EXPUNGE',
  'SEARCH',
  'FETCH',
  'STORE',
  'COPY',
  'UID',
  'NAMESPACE',
]);

interface FetchItem {
  name:
    'UID' | 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' | 'BODY';
  peek?: boolean;
  /** '', HEADER, TEXT, HEADER.FIELDS, HEADER.FIELDS.NOT */
  section?: string;
  fields?: string[];
  /** The section as echoed in the answer (`HEADER.FIELDS (DATE FROM)`). */
  label?: string;
}

function fetchItems(token: Token): FetchItem[] {
  const raw = token.type === 'list' ? token.value : [token];
  if (raw.length === 0) throw new BadCommand('Liste d’éléments FETCH vide.');
  const items: FetchItem[] = [];
  for (const t of raw) {
    const value = atom(t);
    if (!value) throw new BadCommand('Élément FETCH invalide.');
    const upper = value.toUpperCase();
    if (upper === 'FAST' && token.type !== 'list') {
      items.push({ name: 'FLAGS' }, { name: 'INTERNALDATE' }, { name: 'RFC822.SIZE' });
      continue;
    }
    if (
      ['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT'].includes(
        upper,
      )
    ) {
      items.push({ name: upper as FetchItem['name'] });
      continue;
    }
    const body = /^BODY(\.PEEK)?\[([^\]]*)\]$/i.exec(value);
    if (body) {
      const section = body[2]!.trim();
      const fields = /^(HEADER\.FIELDS(?:\.NOT)?) \(([^()]*)\)$/i.exec(section);
      if (fields) {
        const names = fields[2]!.trim().split(/\s+/).filter(Boolean);
        if (names.length === 0 || names.some((n) => !/^[\x21-\x39\x3b-\x7e]+$/.test(n)))
          throw new BadCommand('Liste de champs d’en-tête invalide.');
        items.push({
          name: 'BODY',
          peek: !!body[1],
          section: fields[1]!.toUpperCase(),
          fields: names,
          label: `${fields[1]!.toUpperCase()} (${names.map((n) => n.toUpperCase()).join(' ')})`,
        });
        continue;
      }
      const upperSection = section.toUpperCase();
      if (upperSection === '' || upperSection === 'HEADER' || upperSection === 'TEXT') {
        items.push({ name: 'BODY', peek: !!body[1], section: upperSection, label: upperSection });
        continue;
      }
    }
    throw new BadCommand(
      `Élément FETCH non pris en charge par le simulateur : ${value.slice(0, 60)} (UID, FLAGS, INTERNALDATE, RFC822.SIZE, RFC822*, BODY[] / BODY.PEEK[] / HEADER / TEXT / HEADER.FIELDS).`,
    );
  }
  return items;
}
