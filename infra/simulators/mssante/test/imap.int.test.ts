/**
 * The simulator's IMAP server on real sockets: STARTTLS and the client certificate, the login
 * rule, strictness on garbage, and a real client (imapflow, the connector's) reading what
 * `notify` / `autoNotifications` put in the sender's mailbox.
 */
import { createRequire } from 'node:module';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrganisationCertificate } from '@rayon/connectors/certificates';
import { buildMssanteMessage, parseMssanteNotification, sendMssante } from '@rayon/connectors/mssante';
import { exampleDescription, exampleDocuments } from '@rayon/connectors/mssante/test-fixtures';
import {
  createMssanteTestPki,
  type MssanteTestPki,
  startMssanteSimulator,
  type MssanteSimulator,
  type MssanteSimulatorEvent,
  type TestClientCertificate,
} from '../src/index.ts';

// imapflow is a dependency of the connectors, not of the simulator: reached through them.
const requireFromConnectors = createRequire(
  new URL('../../../../packages/connectors/package.json', import.meta.url),
);
interface ImapFlowClient {
  connect(): Promise<void>;
  list(): Promise<{ path: string }[]>;
  mailboxOpen(path: string): Promise<{ exists: number; uidValidity: bigint; uidNext: number }>;
  fetchAll(
    range: string,
    query: Record<string, boolean>,
    options?: { uid?: boolean },
  ): Promise<{ uid: number; source?: Buffer; flags?: Set<string>; size?: number }[]>;
  messageFlagsAdd(range: string, flags: string[], options?: { uid?: boolean }): Promise<boolean>;
  logout(): Promise<void>;
  close(): void;
  on(event: 'error', listener: (err: unknown) => void): void;
}
const { ImapFlow } = requireFromConnectors('imapflow') as {
  ImapFlow: new (options: Record<string, unknown>) => ImapFlowClient;
};

const REFERRER = 'sophie.martin@medecin.mssante.fr';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** A line-oriented IMAP client on a raw socket, for what a library would not send. */
class RawImap {
  private text = '';
  private closed = false;
  private socket: Socket;
  constructor(socket: Socket) {
    this.socket = socket;
    this.listen();
  }

  static open(port: number): Promise<RawImap> {
    return new Promise((resolve, reject) => {
      const socket = netConnect(port, '127.0.0.1', () => resolve(new RawImap(socket)));
      socket.once('error', reject);
    });
  }

  private listen() {
    this.socket.on('data', (c: Buffer) => (this.text += c.toString('latin1')));
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('error', () => (this.closed = true));
  }

  async waitFor(re: RegExp, timeoutMs = 5000): Promise<string> {
    const start = Date.now();
    for (;;) {
      const m = re.exec(this.text);
      if (m) {
        const out = this.text.slice(0, m.index + m[0].length);
        this.text = this.text.slice(m.index + m[0].length);
        return out;
      }
      if (this.closed) throw new Error(`closed before ${re}: ${this.text}`);
      if (Date.now() - start > timeoutMs) throw new Error(`timeout waiting for ${re}: ${this.text}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  write(data: string | Buffer) {
    this.socket.write(data);
  }

  /** Sends `tag command` and returns everything up to the tagged answer. */
  async command(tag: string, command: string): Promise<string> {
    this.write(`${tag} ${command}\r\n`);
    return this.waitFor(new RegExp(`^${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n`, 'm'));
  }

  /** STARTTLS then the handshake with this client certificate (or none). */
  async starttls(ca: string[], client: TestClientCertificate | null): Promise<void> {
    expect(await this.command('tls', 'STARTTLS')).toMatch(/^tls OK/m);
    const plain = this.socket;
    plain.removeAllListeners('data');
    await new Promise<void>((resolve, reject) => {
      const secured = tlsConnect(
        {
          socket: plain,
          ca,
          servername: 'localhost',
          ...(client ? { cert: client.certPem + client.chainPem.join(''), key: client.keyPem } : {}),
        },
        () => resolve(),
      );
      secured.once('error', reject);
      this.socket = secured;
      this.listen();
    });
  }

  get isClosed() {
    return this.closed;
  }

  async closedWithin(ms: number): Promise<boolean> {
    const start = Date.now();
    while (!this.closed && Date.now() - start < ms) await new Promise((r) => setTimeout(r, 10));
    return this.closed;
  }

  end() {
    this.socket.destroy();
  }
}

/** The example report mailed from the PKI's mailbox to the referrer through the simulator at `port`. */
async function sendExampleMail(port: number, pki: MssanteTestPki, password?: string) {
  const MAILBOX = pki.clients.mailbox.mailbox;
  const description = exampleDescription('qualified-ins');
  const built = await buildMssanteMessage({
    description,
    ...exampleDocuments(description),
    from: MAILBOX,
    to: REFERRER,
    kind: 'professional',
    nil: 'RAYON-NIL-0001',
  });
  await sendMssante({
    host: '127.0.0.1',
    port,
    servername: 'localhost',
    ca: pki.caChainPem,
    certificate: OrganisationCertificate.fromPem(pki.clients.mailbox),
    ...(password ? { password } : {}),
    message: built,
    timeoutMs: 10_000,
  });
  return built;
}

describe('MSSanté simulator, IMAP', () => {
  const pki = createMssanteTestPki({ now: new Date() });
  const MAILBOX = pki.clients.mailbox.mailbox;
  const OTHER = pki.clients.otherMailbox.mailbox;
  const events: MssanteSimulatorEvent[] = [];
  let sim: MssanteSimulator;

  const imapflow = (client: TestClientCertificate, user = client.mailbox, pass = 'mot-de-passe-bal') => {
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: sim.imapPort,
      secure: false,
      doSTARTTLS: true,
      servername: 'localhost',
      auth: { user, pass },
      tls: {
        ca: pki.caChainPem,
        cert: client.certPem + client.chainPem.join(''),
        key: client.keyPem,
        servername: 'localhost',
      },
      logger: false,
      disableAutoIdle: true,
    });
    c.on('error', () => {});
    return c;
  };

  const authenticated = async (client = pki.clients.mailbox) => {
    const raw = await RawImap.open(sim.imapPort);
    await raw.waitFor(/^\* OK[^\r\n]*\r\n/m);
    await raw.starttls(pki.caChainPem, client);
    expect(await raw.command('a1', `LOGIN ${client.mailbox} secret`)).toMatch(/^a1 OK/m);
    return raw;
  };

  beforeAll(async () => {
    sim = await startMssanteSimulator({ pki, httpPort: 0, onEvent: (e) => events.push(e) });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('requires STARTTLS before any login, and says so in its capabilities', async () => {
    const raw = await RawImap.open(sim.imapPort);
    expect(await raw.waitFor(/^\* OK[^\r\n]*\r\n/m)).toMatch(/STARTTLS LOGINDISABLED/);
    expect(await raw.command('a1', 'CAPABILITY')).toMatch(
      /^\* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n/m,
    );
    expect(await raw.command('a2', `LOGIN ${MAILBOX} secret`)).toMatch(/^a2 NO \[PRIVACYREQUIRED\]/m);
    expect(await raw.command('a3', `AUTHENTICATE PLAIN ${b64(`\0${MAILBOX}\0secret`)}`)).toMatch(/^a3 NO/m);
    expect(await raw.command('a4', 'SELECT INBOX')).toMatch(/^a4 BAD .*authentifi/m);
    await raw.starttls(pki.caChainPem, pki.clients.mailbox);
    const caps = await raw.command('a5', 'CAPABILITY');
    expect(caps).toMatch(/^\* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN NAMESPACE\r\n/m);
    expect(caps).not.toMatch(/LOGINDISABLED|STARTTLS/);
    expect(await raw.command('a6', 'STARTTLS')).toMatch(/^a6 BAD/m);
    raw.end();
  });

  it('refuses at TLS a client without certificate, from another CA, or expired', async () => {
    for (const client of [null, pki.clients.otherCa, pki.clients.expired]) {
      const raw = await RawImap.open(sim.imapPort);
      await raw.waitFor(/^\* OK[^\r\n]*\r\n/m);
      // TLS 1.3: the client finishes its side before the server checks the certificate.
      await raw.starttls(pki.caChainPem, client).catch(() => {});
      raw.write('a1 CAPABILITY\r\n');
      expect(await raw.closedWithin(3000)).toBe(true);
      raw.end();
    }
    expect(events.filter((e) => e.protocol === 'imap' && e.kind === 'tls-refused').length).toBeGreaterThan(0);
  });

  it('authenticates with LOGIN or AUTHENTICATE PLAIN (SASL-IR or continuation) as the certificate mailbox only', async () => {
    const raw = await RawImap.open(sim.imapPort);
    await raw.waitFor(/^\* OK[^\r\n]*\r\n/m);
    await raw.starttls(pki.caChainPem, pki.clients.mailbox);
    expect(await raw.command('a1', `LOGIN ${OTHER} secret`)).toMatch(/^a1 NO \[AUTHENTICATIONFAILED\]/m);
    expect(await raw.command('a2', `LOGIN ${MAILBOX} ""`)).toMatch(/^a2 NO \[AUTHENTICATIONFAILED\]/m);
    expect(
      await raw.command('a3', `AUTHENTICATE PLAIN ${b64(`\0${MAILBOX.toUpperCase()}\0secret`)}`),
    ).toMatch(/^a3 OK/m);
    expect(await raw.command('a4', 'LOGOUT')).toMatch(/^\* BYE/m);
    raw.end();

    const cont = await RawImap.open(sim.imapPort);
    await cont.waitFor(/^\* OK[^\r\n]*\r\n/m);
    await cont.starttls(pki.caChainPem, pki.clients.mailbox);
    cont.write('b1 AUTHENTICATE PLAIN\r\n');
    await cont.waitFor(/^\+ ?\r\n/m);
    cont.write(`${b64(`${MAILBOX}\0${MAILBOX}\0secret`)}\r\n`);
    expect(await cont.waitFor(/^b1 (OK|NO|BAD)[^\r\n]*\r\n/m)).toMatch(/^b1 OK/m);
    // The literal form of LOGIN (RFC 3501 §4.3).
    cont.end();

    const literal = await RawImap.open(sim.imapPort);
    await literal.waitFor(/^\* OK[^\r\n]*\r\n/m);
    await literal.starttls(pki.caChainPem, pki.clients.mailbox);
    literal.write(`c1 LOGIN {${MAILBOX.length}}\r\n`);
    await literal.waitFor(/^\+ [^\r\n]*\r\n/m);
    literal.write(`${MAILBOX} "p w"\r\n`);
    expect(await literal.waitFor(/^c1 (OK|NO|BAD)[^\r\n]*\r\n/m)).toMatch(/^c1 OK/m);
    literal.end();

    // Another mailbox's certificate cannot log in as this one.
    const other = await RawImap.open(sim.imapPort);
    await other.waitFor(/^\* OK[^\r\n]*\r\n/m);
    await other.starttls(pki.caChainPem, pki.clients.otherMailbox);
    expect(await other.command('d1', `LOGIN ${MAILBOX} secret`)).toMatch(/^d1 NO \[AUTHENTICATIONFAILED\]/m);
    other.end();
  });

  it('answers BAD to garbage, closes on an overlong line, and keeps serving', async () => {
    const raw = await authenticated();
    raw.write(Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x0d, 0x0a]));
    expect(await raw.waitFor(/^\* BAD[^\r\n]*\r\n/m)).toMatch(/invalides/);
    expect(await raw.command('a2', 'FROBNICATE now')).toMatch(/^a2 BAD .*inconnue/m);
    expect(await raw.command('a3', 'SELECT INBOX (')).toMatch(/^a3 BAD/m);
    expect(await raw.command('a4', 'UID FETCH 1:* (ENVELOPE)')).toMatch(/^a4 BAD .*SELECT INBOX/m);
    expect(await raw.command('a5', 'SELECT Archives')).toMatch(/^a5 NO \[NONEXISTENT\]/m);
    expect(await raw.command('a6', 'SELECT INBOX')).toMatch(/^a6 OK \[READ-WRITE\]/m);
    expect(await raw.command('a7', 'UID FETCH 1:* (ENVELOPE)')).toMatch(/^a7 BAD .*non pris en charge/m);
    expect(await raw.command('a8', 'FETCH x:y FLAGS')).toMatch(/^a8 BAD/m);
    expect(await raw.command('a9', 'UID STORE 1 +FLAGS (\\Recent)')).toMatch(/^a9 BAD/m);
    raw.write(Buffer.alloc(70 * 1024, 0x61));
    expect(await raw.waitFor(/^\* BAD[^\r\n]*\r\n/m)).toMatch(/trop longue/);
    expect(await raw.closedWithin(3000)).toBe(true);

    const next = await authenticated();
    expect(await next.command('b1', 'NOOP')).toMatch(/^b1 OK/m);
    next.end();
  });

  it('serves what deliverTo and notify put there to imapflow: LIST, SELECT, FETCH, STORE, EXPUNGE', async () => {
    const built = await sendExampleMail(sim.port, pki, 'mot-de-passe-bal');
    const before = sim.mailbox(MAILBOX).length;
    const failed = sim.notify(built.messageId, 'failed');
    expect(failed.mailbox).toBe(MAILBOX);
    const plain = sim.deliverTo(
      MAILBOX,
      Buffer.from('Subject: bonjour\r\nFrom: <a@b.mssante.fr>\r\n\r\nTexte.\r\n'),
    );
    expect(plain).toBe(failed.uid + 1);
    expect(sim.mailbox(MAILBOX)).toHaveLength(before + 2);

    const client = imapflow(pki.clients.mailbox);
    await client.connect();
    expect((await client.list()).map((f) => f.path)).toEqual(['INBOX']);
    const box = await client.mailboxOpen('INBOX');
    expect(box.exists).toBe(before + 2);
    expect(box.uidNext).toBe(plain + 1);
    const messages = await client.fetchAll(
      `${failed.uid}:*`,
      { uid: true, flags: true, source: true, size: true, internalDate: true },
      { uid: true },
    );
    expect(messages.map((m) => m.uid)).toEqual([failed.uid, plain]);
    expect(messages[0]!.source!.equals(failed.raw)).toBe(true);
    expect(messages[0]!.size).toBe(failed.raw.length);
    expect(messages[0]!.flags?.has('\\Seen')).toBe(false);
    const notification = parseMssanteNotification(messages[0]!.source!);
    expect(notification).toMatchObject({
      type: 'dsn',
      kind: 'failed',
      status: '5.1.1',
      originalMessageId: built.messageId,
    });
    await client.messageFlagsAdd(String(failed.uid), ['\\Seen', 'rayon-lu'], { uid: true });
    expect(sim.mailbox(MAILBOX).find((m) => m.uid === failed.uid)?.flags).toEqual(['\\Seen', 'rayon-lu']);
    await client.messageFlagsAdd(String(plain), ['\\Deleted'], { uid: true });
    await client.logout();

    // CLOSE expunges what is \Deleted (raw client: imapflow's logout does not close).
    const raw = await authenticated();
    expect(await raw.command('c1', 'SELECT INBOX')).toMatch(/UIDVALIDITY/);
    const search = await raw.command('c2', 'UID SEARCH DELETED');
    expect(search).toMatch(new RegExp(`^\\* SEARCH ${plain}\\r\\n`, 'm'));
    expect(await raw.command('c3', 'EXPUNGE')).toMatch(/^\* \d+ EXPUNGE\r\n/m);
    expect(sim.mailbox(MAILBOX).some((m) => m.uid === plain)).toBe(false);
    const fetched = await raw.command(
      'c4',
      `UID FETCH ${failed.uid} (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])`,
    );
    expect(fetched).toMatch(/BODY\[HEADER\.FIELDS \(SUBJECT\)\] \{\d+\}\r\nSubject: /);
    raw.end();

    // A certificate reads only its own mailbox: the other one's INBOX is empty.
    const other = imapflow(pki.clients.otherMailbox);
    await other.connect();
    expect((await other.mailboxOpen('INBOX')).exists).toBe(0);
    await other.logout();
    // And imapflow cannot log in as this mailbox with the other certificate.
    const impostor = imapflow(pki.clients.otherMailbox, MAILBOX);
    await expect(impostor.connect()).rejects.toMatchObject({ authenticationFailed: true });
    impostor.close();
  });

  it('triggers a notification over HTTP: 201, 404 for an unknown message, 400 for a bad kind', async () => {
    const messageId = sim.received().at(-1)!.messageId;
    const post = (id: string, body: string) =>
      fetch(`${sim.httpUrl}/messages/${encodeURIComponent(id)}/notifications`, { method: 'POST', body });
    const count = sim.mailbox(MAILBOX).length;
    const ok = await post(messageId, JSON.stringify({ kind: 'displayed' }));
    expect(ok.status).toBe(201);
    expect(sim.mailbox(MAILBOX)).toHaveLength(count + 1);
    expect(parseMssanteNotification(sim.mailbox(MAILBOX).at(-1)!.raw)).toMatchObject({
      type: 'mdn',
      kind: 'displayed',
      originalMessageId: messageId,
    });
    expect((await post('<inconnu@rayon.test>', JSON.stringify({ kind: 'displayed' }))).status).toBe(404);
    expect((await post(messageId, JSON.stringify({ kind: 'lu' }))).status).toBe(400);
    expect((await post(messageId, 'pas du json')).status).toBe(400);
    const health = (await (await fetch(`${sim.httpUrl}/health`)).json()) as { imapPort: number };
    expect(health.imapPort).toBe(sim.imapPort);
  });
});

describe('MSSanté simulator, automatic notifications', () => {
  const pki = createMssanteTestPki({ now: new Date() });
  const MAILBOX = pki.clients.mailbox.mailbox;
  let sim: MssanteSimulator;

  beforeAll(async () => {
    sim = await startMssanteSimulator({ pki, autoNotifications: true, requireAuth: false });
  });
  afterAll(async () => {
    await sim.close();
  });

  const waitForMailbox = async (count: number) => {
    const start = Date.now();
    while (sim.mailbox(MAILBOX).length < count && Date.now() - start < 5000)
      await new Promise((r) => setTimeout(r, 10));
    return sim.mailbox(MAILBOX);
  };

  it('puts a DSN delivered (DSN asked) then an MDN processed in the sender mailbox', async () => {
    const built = await sendExampleMail(sim.port, pki);
    const box = await waitForMailbox(2);
    expect(box.map((m) => parseMssanteNotification(m.raw))).toMatchObject([
      { type: 'dsn', kind: 'delivered', originalMessageId: built.messageId, finalRecipient: REFERRER },
      { type: 'mdn', kind: 'processed', originalMessageId: built.messageId },
    ]);
    expect(sim.received()[0]?.envelope.notify?.[REFERRER]).toContain('SUCCESS');
  });
});
