/**
 * The connector's IMAP reader (readMssanteNotifications) against the simulator: a mail sent with
 * sendMssante comes back as a DSN and an MDN in the applicative mailbox, read from a cursor,
 * reconciled by Message-ID; refusals become DeliveryErrors with French reasons.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrganisationCertificate } from '@rayon/connectors/certificates';
import { DeliveryError } from '@rayon/connectors';
import {
  buildMssanteMessage,
  readMssanteNotifications,
  sendMssante,
  type MssanteMailboxItem,
  type ReadMssanteNotificationsOptions,
} from '@rayon/connectors/mssante';
import { exampleDescription, exampleDocuments } from '@rayon/connectors/mssante/test-fixtures';
import { createMssanteTestPki, startMssanteSimulator, type MssanteSimulator } from '../src/index.ts';

const REFERRER = 'sophie.martin@medecin.mssante.fr';
const PATIENT = '279035121518989@patient.mssante.fr';

describe('MSSanté mailbox reader (IMAP)', () => {
  const pki = createMssanteTestPki({ now: new Date() });
  const MAILBOX = pki.clients.mailbox.mailbox;
  const cert = (c: { certPem: string; keyPem: string; chainPem: string[] }) =>
    OrganisationCertificate.fromPem({ certPem: c.certPem, keyPem: c.keyPem, chainPem: c.chainPem });
  const certificate = cert(pki.clients.mailbox);
  let sim: MssanteSimulator;
  let implicit: MssanteSimulator;

  const send = async (to = REFERRER) => {
    const description = exampleDescription('qualified-ins');
    const built = await buildMssanteMessage({
      description,
      ...exampleDocuments(description),
      from: MAILBOX,
      to,
      kind: to === PATIENT ? 'patient' : 'professional',
      nil: 'RAYON-NIL-0001',
    });
    await sendMssante({
      host: '127.0.0.1',
      port: sim.port,
      servername: 'localhost',
      ca: pki.caChainPem,
      certificate,
      password: 'mot-de-passe-bal',
      message: built,
      timeoutMs: 10_000,
    });
    return built;
  };

  const read = async (o: Partial<ReadMssanteNotificationsOptions> = {}) => {
    const items: MssanteMailboxItem[] = [];
    const result = await readMssanteNotifications(
      {
        host: '127.0.0.1',
        port: sim.imapPort,
        security: 'starttls',
        servername: 'localhost',
        ca: pki.caChainPem,
        certificate,
        mailbox: MAILBOX,
        password: 'mot-de-passe-bal',
        timeoutMs: 10_000,
        ...o,
      },
      (item) => {
        items.push(item);
      },
    );
    return { result, items };
  };

  const failure = async (promise: Promise<unknown>): Promise<DeliveryError> => {
    const err = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeliveryError);
    return err as DeliveryError;
  };

  const settle = async (count: number) => {
    const start = Date.now();
    while (sim.mailbox(MAILBOX).length < count && Date.now() - start < 5000)
      await new Promise((r) => setTimeout(r, 10));
  };

  beforeAll(async () => {
    sim = await startMssanteSimulator({ pki, autoNotifications: true });
    implicit = await startMssanteSimulator({ pki, security: 'tls' });
  });
  afterAll(async () => {
    await sim.close();
    await implicit.close();
  });

  it('reads the DSN delivered and the MDN processed of a sent mail, then nothing new from the cursor', async () => {
    const built = await send();
    await settle(2);
    const first = await read({ since: null });
    expect(first.result).toMatchObject({ lastUid: 2, read: 2 });
    expect(first.result.uidValidity).toMatch(/^\d+$/);
    expect(first.items).toMatchObject([
      { uid: 1, notification: { type: 'dsn', kind: 'delivered', originalMessageId: built.messageId } },
      { uid: 2, notification: { type: 'mdn', kind: 'processed', originalMessageId: built.messageId } },
    ]);
    // Handled notifications are marked \Seen.
    expect(sim.mailbox(MAILBOX).map((m) => m.flags)).toEqual([['\\Seen'], ['\\Seen']]);

    const again = await read({ since: first.result });
    expect(again.items).toEqual([]);
    expect(again.result).toEqual({ ...first.result, read: 0 });

    // A failed DSN (sent by hand), and a mail that is no notification.
    sim.notify(built.messageId, 'failed', { diagnostic: '550 5.1.1 Messagerie fermée' });
    sim.deliverTo(MAILBOX, Buffer.from('Subject: bonjour\r\nFrom: <a@b.mssante.fr>\r\n\r\nTexte.\r\n'));
    const third = await read({ since: again.result });
    expect(third.items).toMatchObject([
      {
        uid: 3,
        notification: { type: 'dsn', kind: 'failed', status: '5.1.1', originalMessageId: built.messageId },
      },
      { uid: 4, notification: null },
    ]);
    expect(third.result).toMatchObject({ uidValidity: first.result.uidValidity, lastUid: 4, read: 2 });
    // The other mail is left unread for a person.
    expect(sim.mailbox(MAILBOX).at(-1)?.flags).toEqual([]);

    // Another UIDVALIDITY (a recreated mailbox): everything is read again, up to `limit`.
    const reset = await read({ since: { uidValidity: '1', lastUid: 4 }, limit: 3 });
    expect(reset.items.map((i) => i.uid)).toEqual([1, 2, 3]);
    expect(reset.result.lastUid).toBe(3);
  });

  it('stops at a handler failure without moving the cursor past it, and rethrows', async () => {
    const since = { uidValidity: (await read({ limit: 0 })).result.uidValidity, lastUid: 0 };
    const seen: number[] = [];
    const boom = new Error('base indisponible');
    const err = await readMssanteNotifications(
      {
        host: '127.0.0.1',
        port: sim.imapPort,
        security: 'starttls',
        servername: 'localhost',
        ca: pki.caChainPem,
        certificate,
        mailbox: MAILBOX,
        since,
      },
      ({ uid }) => {
        seen.push(uid);
        if (uid === 2) throw boom;
      },
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBe(boom);
    expect(seen).toEqual([1, 2]);
  });

  it('reads over implicit TLS too', async () => {
    implicit.deliverTo(MAILBOX, Buffer.from('Subject: x\r\n\r\ny\r\n'));
    const { result, items } = await read({ port: implicit.imapPort, security: 'tls' });
    expect(result).toMatchObject({ lastUid: 1, read: 1 });
    expect(items).toEqual([{ uid: 1, uidValidity: result.uidValidity, notification: null }]);
  });

  it('refuses an expired certificate before connecting, with a French reason', async () => {
    // Port 1: nothing listens there; the refusal must come before any connection.
    const err = await failure(read({ certificate: cert(pki.clients.expired), port: 1 }));
    expect(err).toMatchObject({ retryable: false, reason: expect.stringMatching(/a expiré le/) });
  });

  it('maps refusals: certificate from another CA, wrong login, closed port', async () => {
    const otherCa = await failure(read({ certificate: cert(pki.clients.otherCa) }));
    expect(otherCa).toMatchObject({ retryable: false, reason: expect.stringMatching(/connexion TLS/) });

    const login = await failure(read({ mailbox: pki.clients.otherMailbox.mailbox }));
    expect(login).toMatchObject({ retryable: false, reason: expect.stringMatching(/authentification IMAP/) });

    const untrusted = await failure(read({ ca: [pki.otherCaPem] }));
    expect(untrusted).toMatchObject({ retryable: false, reason: expect.stringMatching(/TLS/) });

    const closed = await failure(read({ port: 1 }));
    expect(closed).toMatchObject({ retryable: true, reason: expect.stringMatching(/injoignable/) });
  });
});
