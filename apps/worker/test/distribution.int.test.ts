/**
 * The distribution end to end on real servers: validate a report of a patient with a qualified
 * INS → the strict DMP simulator (mutual TLS, signed VIHF, XDS metadata) holds the CDA, the
 * MSSanté simulator (a real SMTP server, TLS with the practice's certificate) received the
 * referrer's and the patient's mails with their XDM archives, and the PFI (the Debian python3-hl7
 * peer) an MDM^T02; correct it → RPLC at the DMP, corrective mails, MDM^T10; withdraw it →
 * deleted at the DMP, MDM^T04. The DMP answers 500 and times out for a while: retried, and each
 * destination still receives each send exactly once.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrganisationCertificate } from '@rayon/connectors/certificates';
import { Database, listReportDeliveries, putSetting } from '@rayon/db';
import { createScratchDatabase, createTestTenant } from '@rayon/db/testing';
import { createHarness, type Harness } from '@rayon/api/test-harness';
import { DISTRIBUTION_SETTING } from '@rayon/domain';
import { installCertificate } from '@rayon/identity';
import { createDmpTestPki, startDmpSimulator, type DmpSimulator } from '@rayon/sim-dmp';
import { createMssanteTestPki, startMssanteSimulator, type MssanteSimulator } from '@rayon/sim-mssante';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultHandlers } from '../src/processor.ts';
import { deploymentSenders } from '../src/senders.ts';
import { startWorkerTier } from '../src/worker.ts';
import { freePort, PAT_TROIS_INS, setUpPractice, waitFor } from './support/practice.ts';

/** ../shared beside the checkout (set RAYON_SHARED to point elsewhere). */
const shared = process.env.RAYON_SHARED ?? join(import.meta.dirname, '../../../../shared');
const silent = pino({ level: 'silent' });
const FINESS = '750712184';

let h: Harness;
let db: Database;
let dmp: DmpSimulator;
let mss: MssanteSimulator;
let peerDir: string;
let peer: ReturnType<typeof spawn>;
let tier: Awaited<ReturnType<typeof startWorkerTier>>;
let pfiPort: number;
const dmpPki = createDmpTestPki({ structureId: `1${FINESS}` });
const mssPki = createMssanteTestPki({ now: new Date(), structureId: `1${FINESS}` });

beforeAll(async () => {
  const url = await createScratchDatabase(inject('adminDatabaseUrl'), inject('databaseUrl'));
  h = await createHarness({ databaseUrl: url });
  db = new Database({ url, max: 4 });
  dmp = await startDmpSimulator({ pki: dmpPki });
  mss = await startMssanteSimulator({ pki: mssPki, requireAuth: false });
  pfiPort = await freePort();
  peerDir = mkdtempSync(join(tmpdir(), 'rayon-pfi-e2e-'));
  peer = spawn(
    join(shared, 'tools/hl7-listen'),
    ['--max', '3', '--seconds', '170', String(pfiPort), peerDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    peer.stdout!.on(
      'data',
      (d: Buffer) => ((out += d.toString()), out.includes('listening on') && resolve()),
    );
    peer.on('exit', (code) => reject(new Error(`hl7-listen exited (${code})`)));
  });
  tier = await startWorkerTier({
    db,
    connection: { url: inject('redisUrl'), maxRetriesPerRequest: null },
    prefix: `{dist-${randomBytes(4).toString('hex')}}`,
    logger: silent,
    handlers: defaultHandlers(
      db,
      { secretsKey: h.secretsKey, insi: undefined },
      silent,
      deploymentSenders(db, h.secretsKey, {
        dmp: {
          endpoint: dmp.url,
          ca: dmpPki.caChainPem,
          software: { name: 'Rayon', version: '0.1.0', homologation: 'RAYON-TEST' },
          timeoutMs: 1500,
        },
        mssante: {
          host: mss.host,
          port: mss.port,
          security: 'starttls',
          ca: mssPki.caChainPem,
          nil: 'RAYON-TEST',
        },
      }),
    ),
  });
});
afterAll(async () => {
  await tier?.queue.obliterate({ force: true });
  await tier?.stop();
  peer?.kill();
  rmSync(peerDir, { recursive: true, force: true });
  await mss?.close();
  await dmp?.close();
  await db?.close();
  await h?.close();
});

describe('distribution of a validated report (DMP, MSSanté, PFI)', () => {
  it('validation, correction and withdrawal reach each destination exactly once', async () => {
    const t = await createTestTenant(db, { finess: FINESS, firstSite: 'Imagerie Démo' });
    const practice = await setUpPractice(h, db, t);
    const radiologist = practice.radiologist;
    await db.withTenant(t, async (tx) => {
      const asCert = (c: { certPem: string; keyPem: string; chainPem: string[] }) =>
        OrganisationCertificate.fromPem({ certPem: c.certPem, keyPem: c.keyPem, chainPem: c.chainPem });
      await installCertificate(tx, 'dmp', asCert(dmpPki.clients.organisation), h.secretsKey, null);
      await installCertificate(tx, 'mssante', asCert(mssPki.clients.mailbox), h.secretsKey, null);
      await putSetting(tx, DISTRIBUTION_SETTING, {
        dmp: true,
        mssante: { enabled: true, patient: true, mailbox: mssPki.clients.mailbox.mailbox },
        pfi: { host: '127.0.0.1', port: pfiPort, receivingApplication: 'PFI', receivingFacility: 'CHU' },
      });
    });
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

    // 2. Correction: RPLC at the DMP, corrective mails, MDM^T10 — the DMP first times out once.
    dmp.injectFaults({ count: 1, kind: 'delay', delayMs: 2500 });
    let view = await radiologist.reports.correct.mutate({ id: reportId });
    view = await radiologist.reports.save.mutate({
      id: reportId,
      body: 'Fissure méniscale médiale, corrigée.',
      revision: view.versions[1]!.revision,
    });
    view = await radiologist.reports.validate.mutate({
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
    await radiologist.reports.withdraw.mutate({ id: reportId, reason: 'Erreur de patient' });
    expect(statusOf(await settled(v2, 'withdraw'))).toEqual({ dmp: 'delivered', pfi: 'delivered' });
    expect(dmp.documents().find((d) => d.uniqueId === v2.toUpperCase())!.status).toBe('deleted');

    // Exactly once each: two documents at the DMP, four mails, three HL7 messages.
    expect(dmp.documents()).toHaveLength(2);
    expect(mss.received()).toHaveLength(4);
    const messages = await waitFor(() => {
      const files = readdirSync(peerDir);
      return files.length >= 3 ? files.map((f) => readFileSync(join(peerDir, f), 'utf8')) : undefined;
    }, 20_000);
    expect(messages.map((m) => /MSH\|(?:[^|]*\|){7}([^|]*)/.exec(m)![1]).sort()).toEqual([
      'MDM^T02^MDM_T02',
      'MDM^T04^MDM_T02',
      'MDM^T10^MDM_T02',
    ]);
  }, 240_000);
});
