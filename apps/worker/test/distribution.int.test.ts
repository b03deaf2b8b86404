/**
 * The distribution end to end on real servers: validate a report of a patient with a qualified
 * INS → the strict DMP simulator (mutual TLS, signed VIHF, XDS metadata) holds the CDA, the
 * MSSanté simulator (a real SMTP server, TLS with the practice's certificate) received the
 * referrer's and the patient's mails with their XDM archives, and the PFI (the Debian python3-hl7
 * peer) an MDM^T02; correct it → RPLC at the DMP, corrective mails, MDM^T10; withdraw it →
 * deleted at the DMP, MDM^T04. The DMP answers 500 and times out for a while: retried, and each
 * destination still receives each send exactly once.
 * The rules on the same servers: an identity not qualified reaches neither the DMP nor the
 * patient, and the referrer's mail carries no INS; an announcement pending keeps the patient's
 * mail back and the DMP entry invisible to the patient until it is recorded (then a metadata
 * update makes the entry visible). Security: each practice's certificate serves its own sends
 * only, an expired one stops them with a clear state, and the worker's logs (debug level) hold no
 * private key and no patient data.
 */
import { randomBytes } from 'node:crypto';
import { OrganisationCertificate } from '@rayon/connectors/certificates';
import {
  Database,
  listAuditEvents,
  listDeliveryAttempts,
  listReportDeliveries,
  putSetting,
  type TenantRef,
} from '@rayon/db';
import { createScratchDatabase, createTestTenant } from '@rayon/db/testing';
import { createHarness, type Harness } from '@rayon/api/test-harness';
import { DISTRIBUTION_SETTING, NOT_SENT_REASONS } from '@rayon/domain';
import { installCertificate } from '@rayon/onboarding';
import { createDmpTestPki, startDmpSimulator, type DmpSimulator } from '@rayon/sim-dmp';
import { createMssanteTestPki, startMssanteSimulator, type MssanteSimulator } from '@rayon/sim-mssante';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mailboxJob } from '../src/jobs/mailbox.ts';
import { defaultHandlers } from '../src/processor.ts';
import { outboundPolicy } from '@rayon/connectors/outbound';
import { deploymentMailbox, deploymentSenders } from '@rayon/delivery';
import { startWorkerTier } from '../src/worker.ts';
import {
  cdaOf,
  messageType,
  PAT_TROIS_INS,
  setUpPractice,
  startHl7Peer,
  waitFor,
} from './support/practice.ts';

/** Every line the worker logs in this file, at debug level, to check none holds a secret. */
const logLines: string[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
const FINESS = '750712184';
const OTHER_FINESS = '990000099';

let h: Harness;
let db: Database;
let dmp: DmpSimulator;
let mss: MssanteSimulator;
let pfi: Awaited<ReturnType<typeof startHl7Peer>>;
let tier: Awaited<ReturnType<typeof startWorkerTier>>;
let pfiPort: number;
let mailboxReader: NonNullable<ReturnType<typeof deploymentMailbox>>;
const dmpPki = createDmpTestPki({ structureId: `1${FINESS}` });
const mssPki = createMssanteTestPki({ now: new Date(), structureId: `1${FINESS}` });
type TestCertificate = { certPem: string; keyPem: string; chainPem: string[] };
const asCert = (c: TestCertificate) =>
  OrganisationCertificate.fromPem({ certPem: c.certPem, keyPem: c.keyPem, chainPem: c.chainPem });

/** A practice with its own certificates (none for the DMP: no DMP) distributing everywhere. */
async function distributingPractice(o: {
  finess: string;
  dmp: TestCertificate | null;
  mailbox: TestCertificate & { mailbox: string };
}) {
  const t = await createTestTenant(db, { finess: o.finess, firstSite: 'Imagerie Démo' });
  const practice = await setUpPractice(h, db, t);
  await db.withTenant(t, async (tx) => {
    if (o.dmp) await installCertificate(tx, 'dmp', asCert(o.dmp), h.secretsKey, null);
    await installCertificate(tx, 'mssante', asCert(o.mailbox), h.secretsKey, null);
    await putSetting(tx, DISTRIBUTION_SETTING, {
      dmp: o.dmp !== null,
      mssante: { enabled: true, patient: true, mailbox: o.mailbox.mailbox },
      pfi: { host: '127.0.0.1', port: pfiPort, receivingApplication: 'PFI', receivingFacility: 'CHU' },
    });
  });
  return { t, ...practice };
}

/** The sends of a report once none is pending any more, by destination and action. */
const settledSends = (t: TenantRef, reportId: string, count: number) =>
  waitFor(async () => {
    const rows = await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId));
    return rows.length >= count && rows.every((d) => d.status !== 'pending') ? rows : undefined;
  }, 90_000);
const stateOf = (rows: { destination: string; status: string; reason: string | null }[]) =>
  Object.fromEntries(rows.map((d) => [d.destination, d.status === 'delivered' ? d.status : d.reason]));

beforeAll(async () => {
  const url = await createScratchDatabase(inject('adminDatabaseUrl'), inject('databaseUrl'));
  h = await createHarness({ databaseUrl: url });
  db = new Database({ url, max: 4 });
  dmp = await startDmpSimulator({ pki: dmpPki });
  mss = await startMssanteSimulator({ pki: mssPki, requireAuth: false, autoNotifications: true });
  pfi = await startHl7Peer({ max: 50, seconds: 900 });
  pfiPort = pfi.port;
  const dmpDeployment = {
    endpoint: dmp.url,
    ca: dmpPki.caChainPem,
    software: { name: 'Rayon', version: '0.1.0', homologation: 'RAYON-TEST' },
    timeoutMs: 1500,
  };
  const mssDeployment = {
    host: mss.host,
    port: mss.port,
    security: 'starttls' as const,
    ca: mssPki.caChainPem,
    nil: 'RAYON-TEST',
    imapPort: mss.imapPort,
  };
  mailboxReader = deploymentMailbox(db, h.secretsKey, mssDeployment)!;
  tier = await startWorkerTier({
    db,
    connection: { url: inject('redisUrl'), maxRetriesPerRequest: null },
    prefix: `{dist-${randomBytes(4).toString('hex')}}`,
    logger,
    handlers: defaultHandlers(
      db,
      { secretsKey: h.secretsKey, insi: undefined },
      logger,
      deploymentSenders(h.secretsKey, {
        dmp: dmpDeployment,
        mssante: mssDeployment,
        // The local PFI peer is on loopback: allowed as the quick start allows its simulators.
        outbound: outboundPolicy(['127.0.0.1/32', '::1/128']),
      }),
      { mailbox: mailboxReader },
    ),
    mailboxEveryMs: 500,
  });
});
afterAll(async () => {
  await tier?.queue.obliterate({ force: true });
  await tier?.stop();
  pfi?.stop();
  await mss?.close();
  await dmp?.close();
  await db?.close();
  await h?.close();
});

describe('distribution of a validated report (DMP, MSSanté, PFI)', () => {
  it('validation, correction and withdrawal reach each destination exactly once', async () => {
    const practice = await distributingPractice({
      finess: FINESS,
      dmp: dmpPki.clients.organisation,
      mailbox: mssPki.clients.mailbox,
    });
    const { t, radiologist } = practice;
    const examId = await practice.acquiredExam(await practice.patient({ qualified: true }));
    // The DMP answers 500 twice before accepting.
    dmp.injectFaults({ count: 2, kind: 'http-500' });
    const { reportId, versionId: v1 } = await practice.validatedReport(examId, 'Fissure méniscale médiale.');

    const settled = (versionId: string, action: string) =>
      waitFor(async () => {
        const rows = (await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId))).filter(
          (d) => d.versionId === versionId && d.action === action,
        );
        return rows.length > 0 && rows.every((d) => d.status !== 'pending') ? rows : undefined;
      }, 90_000);
    const statusOf = (rows: { destination: string; status: string; reason: string | null }[]) =>
      Object.fromEntries(rows.map((d) => [d.destination, d.status === 'failed' ? d.reason : d.status]));

    // 1. Validation: DMP, the referrer's and the patient's mailboxes, the PFI.
    expect(statusOf(await settled(v1, 'publish'))).toEqual({
      dmp: 'delivered',
      mssante_referrer: 'delivered',
      mssante_patient: 'delivered',
      pfi: 'delivered',
    });
    const dmpSend = (await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId))).find(
      (d) => d.destination === 'dmp',
    )!;
    expect(dmpSend.attempts).toBe(3);
    const [first] = dmp.documents();
    expect(first).toMatchObject({ uniqueId: v1.toUpperCase(), status: 'approved', typeCode: '18748-4' });
    expect(first!.ins.matricule).toBe(PAT_TROIS_INS);
    expect(
      mss
        .received()
        .map((m) => m.envelope.to[0])
        .sort(),
    ).toEqual([`${PAT_TROIS_INS}@patient.mssante.fr`, 'sophie.martin@medecin.mssante.fr']);
    for (const m of mss.received()) {
      expect(m.headers['x-mss-ins']).toBe('O');
      expect(m.xdm).toBeDefined();
      expect(m.pdf?.subarray(0, 5).toString()).toBe('%PDF-');
    }
    // The notifications come back to the practice's mailbox (IMAP): each mail's DSN then its MDN
    // « processed » move its send to « intégré »; the referrer then reads it: « lu ».
    const receipts = (want: Record<string, string>) =>
      waitFor(async () => {
        const rows = (await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId))).filter(
          (d) => d.versionId === v1 && d.destination.startsWith('mssante'),
        );
        const got = rows.map((d) => `${d.destination}:${d.receipt}`).sort();
        const wanted = Object.entries(want)
          .map(([k, v]) => `${k}:${v}`)
          .sort();
        return got.join() === wanted.join() ? rows : undefined;
      }, 20_000);
    await receipts({ mssante_referrer: 'processed', mssante_patient: 'processed' });
    const toReferrer = mss.received().find((m) => m.envelope.to[0] === 'sophie.martin@medecin.mssante.fr')!;
    mss.notify(toReferrer.messageId, 'displayed');
    const [referrerSend] = (
      await receipts({ mssante_referrer: 'displayed', mssante_patient: 'processed' })
    ).filter((d) => d.destination === 'mssante_referrer');
    expect(
      (await db.withTenant(t, (tx) => listDeliveryAttempts(tx, referrerSend!.id))).map((a) => a.outcome),
    ).toEqual(['delivered', 'notification', 'notification', 'notification']);

    // 2. Correction: RPLC at the DMP, corrective mails, MDM^T10 — the DMP first times out once.
    dmp.injectFaults({ count: 1, kind: 'delay', delayMs: 2500 });
    let view = await radiologist.reporting.correct.mutate({ id: reportId });
    view = await radiologist.reporting.save.mutate({
      id: reportId,
      body: 'Fissure méniscale médiale, corrigée.',
      revision: view.versions[1]!.revision,
    });
    view = await radiologist.reporting.validate.mutate({
      id: reportId,
      revision: view.versions[1]!.revision,
    });
    const v2 = view.versions[1]!.id;
    expect(Object.values(statusOf(await settled(v2, 'replace')))).toEqual([
      'delivered',
      'delivered',
      'delivered',
      'delivered',
    ]);
    const byId = Object.fromEntries(dmp.documents().map((d) => [d.uniqueId, d]));
    expect(byId[v1.toUpperCase()]!.status).toBe('deprecated');
    expect(byId[v2.toUpperCase()]).toMatchObject({
      status: 'approved',
      replaces: byId[v1.toUpperCase()]!.entryUuid,
    });
    expect(mss.received()).toHaveLength(4);

    // 3. Withdrawal: deleted at the DMP, MDM^T04 to the PFI.
    await radiologist.reporting.withdraw.mutate({ id: reportId, reason: 'Erreur de patient' });
    expect(statusOf(await settled(v2, 'withdraw'))).toEqual({ dmp: 'delivered', pfi: 'delivered' });
    expect(dmp.documents().find((d) => d.uniqueId === v2.toUpperCase())!.status).toBe('deleted');

    // A mail of the correction bounces afterwards: its send needs someone, with the reason.
    const corrective = mss
      .received()
      .find((m) => m.envelope.to[0] === 'sophie.martin@medecin.mssante.fr' && m !== toReferrer)!;
    mss.notify(corrective.messageId, 'failed');
    const bounced = await waitFor(async () => {
      const d = (await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId))).find(
        (r) => r.versionId === v2 && r.destination === 'mssante_referrer',
      );
      return d?.status === 'failed' ? d : undefined;
    }, 20_000);
    expect(bounced.reason).toMatch(/^Le message n'a pas pu être remis au destinataire \(5\.1\.1\)/);

    // Exactly once each: two documents at the DMP, four mails, three HL7 messages.
    expect(dmp.documents()).toHaveLength(2);
    expect(mss.received()).toHaveLength(4);
    const messages = await pfi.messages(3, 20_000);
    expect(messages.map(messageType)).toEqual(['MDM^T02^MDM_T02', 'MDM^T10^MDM_T02', 'MDM^T04^MDM_T02']);
    // The PFI's OBX carries the very CDA the DMP holds.
    expect(cdaOf(messages[0]!).equals(byId[v1.toUpperCase()]!.cda)).toBe(true);
    expect(cdaOf(messages[1]!).equals(byId[v2.toUpperCase()]!.cda)).toBe(true);
  }, 240_000);

  it('identity not qualified: no DMP, no patient mail, a referrer mail without INS; an announcement pending holds the patient mail until it is recorded', async () => {
    const practice = await distributingPractice({
      finess: FINESS,
      dmp: dmpPki.clients.organisation,
      mailbox: mssPki.clients.mailbox,
    });
    const atDmp = dmp.documents().length;
    const mailsBefore = mss.received().length;

    // Not qualified: only the professional's mail (and the PFI).
    const unqualified = await practice.validatedReport(
      await practice.acquiredExam(await practice.patient({ qualified: false })),
    );
    expect(stateOf(await settledSends(practice.t, unqualified.reportId, 4))).toEqual({
      dmp: NOT_SENT_REASONS.dmpIdentity,
      mssante_referrer: 'delivered',
      mssante_patient: NOT_SENT_REASONS.patientIdentity,
      pfi: 'delivered',
    });
    expect(dmp.documents()).toHaveLength(atDmp);
    const [referrerMail, ...others] = mss.received().slice(mailsBefore);
    expect(others).toEqual([]);
    expect(referrerMail!.envelope.to).toEqual(['sophie.martin@medecin.mssante.fr']);
    expect(referrerMail!.headers['x-mss-ins']).toBe('N');
    expect(referrerMail!.xdm.metadataXml).not.toContain('1.2.250.1.213.1.4.');

    // Qualified, announcement required: everything but the patient's mail, which waits.
    const examId = await practice.acquiredExam(await practice.patient({ qualified: true }));
    const report = await practice.radiologist.reporting.create.mutate({
      examIds: [examId],
      announcementRequired: true,
    });
    const saved = await practice.radiologist.reporting.save.mutate({
      id: report.id,
      body: 'Lésion.',
      revision: 0,
    });
    await practice.radiologist.reporting.validate.mutate({
      id: report.id,
      revision: saved.versions[0]!.revision,
    });
    expect(stateOf(await settledSends(practice.t, report.id, 4))).toEqual({
      dmp: 'delivered',
      mssante_referrer: 'delivered',
      mssante_patient: NOT_SENT_REASONS.announcementPending,
      pfi: 'delivered',
    });
    const toPatient = () =>
      mss.received().filter((m) => m.envelope.to[0] === `${PAT_TROIS_INS}@patient.mssante.fr`).length;
    const patientMailsBefore = toPatient();
    // The DMP entry is kept invisible to the patient while the announcement is pending.
    expect(dmp.documents().at(-1)!.confidentialityCodes).toContain('INVISIBLE_PATIENT');
    await new Promise((r) => setTimeout(r, 1000));
    expect(toPatient()).toBe(patientMailsBefore);

    const entry = dmp.documents().at(-1)!;
    await practice.radiologist.reporting.announce.mutate({ id: report.id });
    expect(stateOf(await settledSends(practice.t, report.id, 5)).mssante_patient).toBe('delivered');
    expect(toPatient()).toBe(patientMailsBefore + 1);
    // Announced, the DMP entry becomes visible to the patient: a new logical version of it (ITI-57).
    const versions = dmp.documents().filter((d) => d.uniqueId === entry.uniqueId);
    expect(versions.map((d) => [d.version, d.status, d.visibility.patient])).toEqual([
      [1, 'deprecated', false],
      [2, 'approved', true],
    ]);
  }, 180_000);

  it("each practice's certificate serves its own sends only; an expired one stops the sends with a clear state", async () => {
    const a = await distributingPractice({
      finess: FINESS,
      dmp: dmpPki.clients.organisation,
      mailbox: mssPki.clients.mailbox,
    });
    const b = await distributingPractice({
      finess: OTHER_FINESS,
      dmp: dmpPki.clients.otherStructure,
      mailbox: mssPki.clients.otherMailbox,
    });
    const before = { dmp: dmp.documents().length, mails: mss.received().length };
    const [ra, rb] = await Promise.all([
      a.acquiredExam(await a.patient({ qualified: true })).then((e) => a.validatedReport(e)),
      b.acquiredExam(await b.patient({ qualified: true })).then((e) => b.validatedReport(e)),
    ]);
    for (const [p, r] of [
      [a, ra],
      [b, rb],
    ] as const) {
      expect(Object.values(stateOf(await settledSends(p.t, r.reportId, 4)))).toEqual(
        Array(4).fill('delivered'),
      );
    }
    // The DMP saw each document under its own practice's certificate (TLS and VIHF).
    const structureOf = Object.fromEntries(
      dmp
        .documents()
        .slice(before.dmp)
        .map((d) => [d.uniqueId, d.structureId]),
    );
    expect(structureOf).toEqual({
      [ra.versionId.toUpperCase()]: `1${FINESS}`,
      [rb.versionId.toUpperCase()]: `1${OTHER_FINESS}`,
    });
    // Each mail left from the mailbox its practice's certificate names (the server checks the two match).
    const senders = mss
      .received()
      .slice(before.mails)
      .map((m) => `${m.mailbox} ${m.envelope.from}`);
    expect(senders.sort()).toEqual(
      [
        ...Array(2).fill(`${mssPki.clients.mailbox.mailbox} ${mssPki.clients.mailbox.mailbox}`),
        ...Array(2).fill(`${mssPki.clients.otherMailbox.mailbox} ${mssPki.clients.otherMailbox.mailbox}`),
      ].sort(),
    );
    // And each practice's audit names only its own certificates.
    const usedBy = async (t: TenantRef) =>
      new Set(
        (await db.platform((tx) => listAuditEvents(tx, { tenantId: t.id, action: 'certificate.used' }))).map(
          (e) => (e.details as { fingerprint: string }).fingerprint,
        ),
      );
    expect(await usedBy(a.t)).toEqual(
      new Set([dmpPki.clients.organisation, mssPki.clients.mailbox].map((c) => asCert(c).fingerprintSha256)),
    );
    expect(await usedBy(b.t)).toEqual(
      new Set(
        [dmpPki.clients.otherStructure, mssPki.clients.otherMailbox].map((c) => asCert(c).fingerprintSha256),
      ),
    );

    // A practice whose MSSanté certificate has expired: nothing leaves, the reason says why.
    const c = await distributingPractice({
      finess: OTHER_FINESS,
      dmp: null,
      mailbox: mssPki.clients.expired,
    });
    const mailsBefore = mss.received().length;
    const rc = await c.validatedReport(await c.acquiredExam(await c.patient({ qualified: true })));
    const sends = await settledSends(c.t, rc.reportId, 3);
    for (const d of sends.filter((d) => d.destination !== 'pfi')) {
      expect(d).toMatchObject({ status: 'failed', attempts: 1 });
      expect(d.reason).toMatch(/^Le certificat MSSanté du cabinet a expiré le \d{2}\/\d{2}\/\d{4}/);
    }
    expect(mss.received()).toHaveLength(mailsBefore);
  }, 180_000);

  it('readings of the mailbox at the same time apply each notification once', async () => {
    const practice = await distributingPractice({
      finess: FINESS,
      dmp: dmpPki.clients.organisation,
      mailbox: mssPki.clients.mailbox,
    });
    const { reportId } = await practice.validatedReport(
      await practice.acquiredExam(await practice.patient({ qualified: false })),
    );
    const send = await waitFor(async () => {
      const d = (await db.withTenant(practice.t, (tx) => listReportDeliveries(tx, reportId))).find(
        (r) => r.destination === 'mssante_referrer',
      );
      return d?.receipt === 'processed' ? d : undefined;
    }, 30_000);
    // The referrer reads it; three slow readings run at once, beside the worker's own.
    mss.notify(send.remoteId!, 'displayed');
    // Only this practice's mailbox: the shared test database holds the practices of every other
    // test file, and reading theirs too made this test slow and dependent on them.
    const slow: typeof mailboxReader = (tenant, mailbox, since, handle) =>
      tenant.id !== practice.t.id
        ? Promise.resolve({ read: 0 })
        : mailboxReader(tenant, mailbox, since, async (m) => {
            await new Promise((r) => setTimeout(r, 300));
            await handle(m);
          });
    await Promise.all([1, 2, 3].map(() => mailboxJob(db, slow, logger)()));
    await waitFor(async () => {
      const d = (await db.withTenant(practice.t, (tx) => listReportDeliveries(tx, reportId))).find(
        (r) => r.id === send.id,
      );
      return d?.receipt === 'displayed' ? d : undefined;
    }, 20_000);
    const notes = (await db.withTenant(practice.t, (tx) => listDeliveryAttempts(tx, send.id))).filter(
      (a) => a.outcome === 'notification',
    );
    expect(notes.map((a) => a.detail!.split(' ').slice(0, 2).join(' '))).toEqual([
      'DSN delivered',
      'MDN processed',
      'MDN displayed',
    ]);
    // As the test above: generous, since a loaded machine (the whole suite in parallel) is slow.
  }, 180_000);

  it('the worker logs (debug level) hold no private key and no patient data', () => {
    expect(logLines.length).toBeGreaterThan(50);
    const all = logLines.join('\n');
    for (const secret of [
      'PRIVATE KEY',
      PAT_TROIS_INS,
      'PAT-TROIS',
      'DOMINIQUE',
      'ENVOI',
      'Noël',
      '1979-03-28',
      'patient.mssante.fr',
      'Fissure',
    ]) {
      expect(all, secret).not.toContain(secret);
    }
  });
});
