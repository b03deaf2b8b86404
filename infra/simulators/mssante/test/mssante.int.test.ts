/**
 * MSSanté end to end on a real SMTP server: the connector's mails (@rayon/connectors/mssante)
 * sent with sendMssante over STARTTLS with an organisation certificate to the simulator, which
 * checks them strictly; what arrived is parsed back (mailparser, fflate).
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { unzipSync } from 'fflate';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrganisationCertificate, parsePkcs12 } from '@rayon/connectors/certificates';
import { DeliveryError } from '@rayon/connectors';
import {
  buildMssanteMessage,
  parseMssanteNotification,
  patientMailbox,
  closeMssanteConnections,
  sendMssante,
  toDeliveryError,
  type MssanteMessageInput,
} from '@rayon/connectors/mssante';
import {
  exampleDescription,
  exampleDocuments,
  type ReportDocument,
} from '@rayon/connectors/mssante/test-fixtures';
import {
  createMssanteTestPki,
  startMssanteSimulator,
  type MssanteSimulator,
  type MssanteSimulatorEvent,
} from '../src/index.ts';

const REFERRER = 'sophie.martin@medecin.mssante.fr';

describe('MSSanté simulator', () => {
  const pki = createMssanteTestPki({ now: new Date() });
  const MAILBOX = pki.clients.mailbox.mailbox;
  const cert = (c: { certPem: string; keyPem: string; chainPem: string[] }) =>
    OrganisationCertificate.fromPem({ certPem: c.certPem, keyPem: c.keyPem, chainPem: c.chainPem });
  // The practice's upload path: the PKCS#12 file and its passphrase.
  const certificate = parsePkcs12(pki.clients.mailbox.p12, pki.clients.mailbox.passphrase);
  const events: MssanteSimulatorEvent[] = [];
  let sim: MssanteSimulator;

  const message = (
    overrides: Partial<Omit<MssanteMessageInput, 'description'>> & { description?: ReportDocument } = {},
  ) => {
    const description = overrides.description ?? exampleDescription('qualified-ins');
    return buildMssanteMessage({
      description,
      ...exampleDocuments(description),
      from: MAILBOX,
      to: REFERRER,
      kind: 'professional',
      nil: 'RAYON-NIL-0001',
      ...overrides,
    });
  };

  const send = async (
    built: Awaited<ReturnType<typeof buildMssanteMessage>>,
    o: { certificate?: OrganisationCertificate; port?: number; now?: Date } = {},
  ) =>
    sendMssante({
      host: '127.0.0.1',
      port: o.port ?? sim.port,
      servername: 'localhost',
      ca: pki.caChainPem,
      certificate: o.certificate ?? certificate,
      password: 'mot-de-passe-bal',
      message: built,
      timeoutMs: 10_000,
      ...(o.now ? { now: o.now } : {}),
    });

  const failure = async (promise: Promise<unknown>): Promise<DeliveryError> => {
    const err = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeliveryError);
    return err as DeliveryError;
  };

  beforeAll(async () => {
    sim = await startMssanteSimulator({
      pki: {
        server: { certPem: pki.server.certPem + pki.caPem, keyPem: pki.server.keyPem },
        caPem: pki.caChainPem,
      },
      httpPort: 0,
      onEvent: (e) => events.push(e),
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('accepts a professional mail and keeps what arrived: XDM, METADATA.XML, PDF, headers', async () => {
    sim.clear();
    const built = await message();
    const result = await send(built);
    expect(result.accepted).toEqual([REFERRER]);
    expect(result.messageId).toBe(built.messageId);
    expect(result.response).toMatch(/^250 /);

    const [received] = sim.received();
    expect(received?.messageId).toBe(built.messageId);
    expect(received?.mailbox).toBe(MAILBOX);
    expect(received?.envelope).toMatchObject({ from: MAILBOX, to: [REFERRER] });
    expect(received?.envelope.dsn).toMatchObject({ envid: built.messageId, ret: 'HDRS' });
    expect(received?.headers).toMatchObject({
      'x-mss-nil': 'RAYON-NIL-0001',
      'x-mss-codecda': '18748-4',
      'x-mss-ins': 'O',
      'disposition-notification-to': MAILBOX,
    });
    expect(received?.headers['x-mss-mes']).toBeUndefined();
    expect(received?.subject).toMatch(/^XDM\/1\.0\/DDM\+/);
    expect(received?.xdm.files.sort()).toEqual(
      ['INDEX.HTM', 'README.TXT', 'IHE_XDM/SUBSET01/METADATA.XML', 'IHE_XDM/SUBSET01/DOC0001.XML'].sort(),
    );
    expect(received?.xdm.patientId).toBe('279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH');
    expect(received?.xdm.metadataXml).toContain('nodeRepresentation="18748-4"');
    expect(received?.xdm.metadataXml).toContain('nodeRepresentation="urn:ihe:iti:xds-sd:pdf:2008"');
    const description = exampleDescription('qualified-ins');
    const { cda, pdf } = exampleDocuments(description);
    expect(received?.xdm.documents['DOC0001.XML']?.equals(Buffer.from(cda))).toBe(true);
    expect(received?.pdf?.equals(Buffer.from(pdf))).toBe(true);
    // The raw mail parses back to the same archive the builder made.
    const zip = unzipSync(new Uint8Array(built.xdm));
    expect(Object.keys(zip)).toHaveLength(4);

    const listing = (await (await fetch(`${sim.httpUrl}/messages`)).json()) as { messageId: string }[];
    expect(listing.map((m) => m.messageId)).toEqual([built.messageId]);
  });

  it('accepts a patient mail to <INS>@patient.mssante.fr with X-MSS-MES: FIN', async () => {
    sim.clear();
    const built = await message({ kind: 'patient', to: patientMailbox('279035121518989'), noReply: true });
    const result = await send(built);
    expect(result.accepted).toEqual(['279035121518989@patient.mssante.fr']);
    const [received] = sim.received();
    expect(received?.headers).toMatchObject({ 'x-mss-ins': 'O', 'x-mss-mes': 'FIN' });
  });

  it('accepts a professional mail without INS for an identity that is not qualified, and a corrective mail', async () => {
    sim.clear();
    const first = await message({ description: exampleDescription('identity-not-qualified') });
    await send(first);
    const correction = await message({
      description: exampleDescription('replacement'),
      correctionOf: first.messageId,
    });
    await send(correction);
    const [a, b] = sim.received();
    expect(a?.headers['x-mss-ins']).toBe('N');
    expect(a?.xdm.patientId).toBe('IPP202^^^&1.2.250.1.999.1.3&ISO^PI');
    expect(b?.headers['in-reply-to']).toBe(first.messageId);
    expect(b?.subject).toContain('Annule et remplace');
  });

  it('writes DSN and MDN that the connector reads back', async () => {
    sim.clear();
    const built = await message();
    await send(built);
    expect(parseMssanteNotification(sim.notificationFor(built.messageId, 'delivered'))).toMatchObject({
      type: 'dsn',
      kind: 'delivered',
      originalMessageId: built.messageId,
      status: '2.0.0',
    });
    expect(parseMssanteNotification(sim.notificationFor(built.messageId, 'failed'))).toMatchObject({
      type: 'dsn',
      kind: 'failed',
      originalMessageId: built.messageId,
      status: '5.1.1',
    });
    expect(parseMssanteNotification(sim.notificationFor(built.messageId, 'displayed'))).toMatchObject({
      type: 'mdn',
      kind: 'displayed',
      originalMessageId: built.messageId,
    });
    expect(parseMssanteNotification(sim.notificationFor(built.messageId, 'processing_failed'))).toMatchObject(
      {
        type: 'mdn',
        kind: 'processing_failed',
        originalMessageId: built.messageId,
        error: { code: '902', label: 'Identifiant de patient inconnu' },
      },
    );
  });

  it('refuses at TLS a certificate from another CA, or expired: not retryable', async () => {
    const built = await message();
    // The expired one is sent with a clock from before its expiry, so that the server judges it.
    const beforeExpiry = new Date(cert(pki.clients.expired).notAfter.getTime() - 3_600_000);
    for (const [client, now] of [
      [pki.clients.otherCa, undefined],
      [pki.clients.expired, beforeExpiry],
    ] as const) {
      const err = await failure(send(built, { certificate: cert(client), ...(now ? { now } : {}) }));
      expect(err.retryable).toBe(false);
      expect(err.reason).toMatch(/TLS/);
    }
    // With the real clock, the connector stops before connecting, with the expiry date.
    const expired = await failure(send(built, { certificate: cert(pki.clients.expired) }));
    expect(expired).toMatchObject({
      retryable: false,
      reason: expect.stringMatching(/a expiré le \d{2}\/\d{2}\/\d{4}/),
    });
    expect(events.some((e) => e.kind === 'accepted')).toBe(true);
  });

  it('refuses at TLS with TLS 1.2 only as well (refusal inside the handshake)', async () => {
    const tls12 = await startMssanteSimulator({
      pki,
      maxTlsVersion: 'TLSv1.2',
    });
    try {
      const err = await failure(
        send(await message(), { certificate: cert(pki.clients.otherCa), port: tls12.port }),
      );
      expect(err.retryable).toBe(false);
      expect(err.reason).toMatch(/TLS/);
      const ok = await send(await message(), { port: tls12.port });
      expect(ok.accepted).toEqual([REFERRER]);
    } finally {
      closeMssanteConnections();
      await tls12.close();
    }
  });

  it('refuses at TLS a client without certificate: not retryable', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sim.port,
      secure: false,
      requireTLS: true,
      tls: { ca: pki.caChainPem, servername: 'localhost' },
    });
    const built = await message();
    const err = await transport.sendMail({ envelope: built.envelope, raw: built.raw }).then(
      () => null,
      (e: unknown) => e,
    );
    transport.close();
    expect(err).toBeInstanceOf(Error);
    const mapped = toDeliveryError(err);
    expect(mapped.retryable).toBe(false);
    expect(mapped.reason).toMatch(/TLS/);
  });

  it('refuses a certificate sending as another mailbox than its own (550)', async () => {
    const built = await message();
    const err = await failure(send(built, { certificate: cert(pki.clients.otherMailbox) }));
    expect(err.retryable).toBe(false);
    expect(err.remote).toMatch(/^535|^550/);
  });

  it('rejects a mail without IHE XDM archive with a 5xx: not retryable, a clear reason', async () => {
    sim.clear();
    const built = await message();
    const noXdm = Buffer.from(
      [
        `From: ${MAILBOX}`,
        `To: ${REFERRER}`,
        'Subject: test',
        'Message-ID: <no-xdm.rayon@imagerie-test.mssante.fr>',
        'X-MSS-NIL: RAYON-NIL-0001',
        `Disposition-Notification-To: ${MAILBOX}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Bonjour',
        '',
      ].join('\r\n'),
    );
    const err = await failure(send({ ...built, raw: noXdm }));
    expect(err.retryable).toBe(false);
    expect(err.remote).toMatch(/^554 .*IHE_XDM\.zip manquante/);
    expect(err.reason).toMatch(/rejeté le message/);
    expect(sim.received()).toHaveLength(0);
  });

  it('rejects a patient mail that does not carry the qualified INS', async () => {
    const built = await message({ description: exampleDescription('identity-not-qualified') });
    const forged = { ...built, envelope: { ...built.envelope, to: ['279035121518989@patient.mssante.fr'] } };
    const err = await failure(send(forged));
    expect(err.retryable).toBe(false);
    expect(err.remote).toMatch(/^554 .*INS qualifie \(/);
    // A malformed patient address is refused at RCPT.
    const bad = { ...built, envelope: { ...built.envelope, to: ['123@patient.mssante.fr'] } };
    const rcpt = await failure(send(bad));
    expect(rcpt.remote).toMatch(/^550 /);
    expect(rcpt.remote).not.toContain('123@');
  });

  it('gives a retryable DeliveryError when the server is down', async () => {
    const other = await startMssanteSimulator({
      pki,
    });
    const port = other.port;
    await other.close();
    const err = await failure(send(await message(), { port }));
    expect(err.retryable).toBe(true);
    expect(err.reason).toMatch(/injoignable/);
    expect(err.remote).toBeUndefined();
  });

  it('keeps serving after garbage on the socket', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(sim.port, '127.0.0.1', () => {
        socket.write(randomBytes(4096));
        socket.write('\r\nEHLO x\r\nSTARTTLS\r\n');
        socket.write(randomBytes(512));
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on('error', () => {});
      socket.on('close', () => resolve());
    });
    sim.clear();
    const result = await send(await message());
    expect(result.accepted).toEqual([REFERRER]);
    expect(sim.received()).toHaveLength(1);
  });
});
