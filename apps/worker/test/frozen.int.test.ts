/**
 * What is sent is frozen: a report validated, its documents made and its sends planned; then,
 * before any send goes, the patient's INS and name and the referrer's MSSanté address change.
 * The real DMP simulator and the real MSSanté simulator receive what was frozen with the
 * version: the DMP's metadata match the CDA (same INS), the mail goes to the address the report
 * was validated with, and both carry the very CDA stored at validation.
 */
import { randomBytes } from 'node:crypto';
import { OrganisationCertificate } from '@rayon/connectors/certificates';
import { outboundPolicy } from '@rayon/connectors/outbound';
import { Database, listReportDeliveries, listReportDocumentContents, putSetting } from '@rayon/db';
import type { Job } from 'bullmq';
import postgres from 'postgres';
import { createScratchDatabase, createTestTenant } from '@rayon/db/testing';
import { createHarness, type Harness } from '@rayon/api/test-harness';
import { DISTRIBUTION_SETTING } from '@rayon/domain';
import { installCertificate } from '@rayon/onboarding';
import { createDmpTestPki, startDmpSimulator, type DmpSimulator } from '@rayon/sim-dmp';
import { createMssanteTestPki, startMssanteSimulator, type MssanteSimulator } from '@rayon/sim-mssante';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deliverySendJob } from '../src/jobs/delivery.ts';
import { reportDocumentsJob } from '../src/jobs/reporting.ts';
import { defaultHandlers } from '../src/processor.ts';
import type { JobData } from '../src/queue.ts';
import { DESCRIPTION_KIND, deploymentSenders, frozenDescriptionIn } from '@rayon/delivery';
import { startWorkerTier } from '../src/worker.ts';
import { PAT_TROIS_INS, setUpPractice, simulatorDeployments, waitFor } from './support/practice.ts';

const FINESS = '750712184';
const REFERRER = 'sophie.martin@medecin.mssante.fr';
const silent = pino({ level: 'silent' });
let h: Harness;
/** The scratch database as its superuser (past the stored documents' immutability). */
let adminUrl: string;
let db: Database;
let dmp: DmpSimulator;
let mss: MssanteSimulator;
const dmpPki = createDmpTestPki({ structureId: `1${FINESS}` });
const mssPki = createMssanteTestPki({ now: new Date(), structureId: `1${FINESS}` });
type TestCertificate = { certPem: string; keyPem: string; chainPem: string[] };
const asCert = (c: TestCertificate) =>
  OrganisationCertificate.fromPem({ certPem: c.certPem, keyPem: c.keyPem, chainPem: c.chainPem });

beforeAll(async () => {
  const url = await createScratchDatabase(inject('adminDatabaseUrl'), inject('databaseUrl'));
  const scratch = new URL(inject('adminDatabaseUrl'));
  scratch.pathname = new URL(url).pathname;
  adminUrl = scratch.toString();
  h = await createHarness({ databaseUrl: url });
  db = new Database({ url, max: 4 });
  dmp = await startDmpSimulator({ pki: dmpPki, openForAnyIns: true });
  mss = await startMssanteSimulator({ pki: mssPki, requireAuth: false });
});
afterAll(async () => {
  await mss?.close();
  await dmp?.close();
  await db?.close();
  await h?.close();
});

describe('what is sent is frozen with the validated version', () => {
  it('identity and referrer changed between validation and the sends: the DMP and MSSanté get what the CDA says', async () => {
    const t = await createTestTenant(db, { finess: FINESS, firstSite: 'Imagerie' });
    const practice = await setUpPractice(h, db, t);
    await db.withTenant(t, async (tx) => {
      await installCertificate(tx, 'dmp', asCert(dmpPki.clients.organisation), h.secretsKey, null);
      await installCertificate(tx, 'mssante', asCert(mssPki.clients.mailbox), h.secretsKey, null);
      await putSetting(tx, DISTRIBUTION_SETTING, {
        dmp: true,
        mssante: { enabled: true, patient: false, mailbox: mssPki.clients.mailbox.mailbox },
        pfi: null,
      });
    });
    const prefix = `{frozen-${randomBytes(4).toString('hex')}}`;
    const connection = { url: inject('redisUrl'), maxRetriesPerRequest: null };
    const handlers = defaultHandlers(
      db,
      { secretsKey: h.secretsKey, insi: undefined },
      silent,
      deploymentSenders(h.secretsKey, {
        ...simulatorDeployments(
          { url: dmp.url, ca: dmpPki.caChainPem },
          { host: mss.host, port: mss.port, ca: mssPki.caChainPem },
        ),
        outbound: outboundPolicy(),
      }),
    );

    // 1. Validated: its documents are made and its sends planned, none goes yet.
    const documentsOnly = await startWorkerTier({
      db,
      connection,
      prefix,
      logger: silent,
      handlers: { 'report.documents': handlers['report.documents']! },
    });
    const patientId = await practice.patient({ qualified: true });
    let reportId: string;
    let versionId: string;
    try {
      ({ reportId, versionId } = await practice.validatedReport(await practice.acquiredExam(patientId)));
      await waitFor(async () => {
        const rows = await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId));
        return rows.length === 2 ? rows : undefined;
      }, 30_000);
    } finally {
      await documentsOnly.stop();
    }

    // 2. The identity and the referrer change before the sends go.
    const nir = '1850575123456';
    const otherIns = nir + String(97 - Number(BigInt(nir) % 97n)).padStart(2, '0');
    await db.withTenant(t, async (tx) => {
      await tx.execute(
        `update patients set ins_matricule = '${otherIns}', birth_family_name = 'NOUVEAU-NOM' where id = '${patientId}'`,
      );
      await tx.execute(`update referrers set mssante_address = 'autre.medecin@medecin.mssante.fr'`);
    });

    // 3. The sends go.
    const sending = await startWorkerTier({ db, connection, prefix, logger: silent, handlers });
    try {
      const sends = await waitFor(async () => {
        const rows = await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId));
        return rows.every((d) => d.status === 'delivered') ? rows : undefined;
      }, 60_000);
      expect(sends.map((d) => d.destination).sort()).toEqual(['dmp', 'mssante_referrer']);
      const docs = await db.withTenant(t, (tx) => listReportDocumentContents(tx, versionId));
      const cda = docs.find((d) => d.kind === 'cda')!.content;
      expect(cda.toString('utf8')).toContain(`extension="${PAT_TROIS_INS}"`);
      expect(cda.toString('utf8')).not.toContain('NOUVEAU-NOM');

      // The DMP: metadata with the CDA's INS, the CDA as stored.
      const entry = dmp.documents().find((d) => d.uniqueId === versionId.toUpperCase())!;
      expect(entry.ins.matricule).toBe(PAT_TROIS_INS);
      expect(entry.cda.equals(cda)).toBe(true);

      // MSSanté: to the address the report was validated with, the XDM of the CDA's patient.
      const mail = mss.received().find((m) => m.envelope.to.includes(REFERRER));
      expect(mail).toBeDefined();
      expect(mss.received().some((m) => m.envelope.to.includes('autre.medecin@medecin.mssante.fr'))).toBe(
        false,
      );
      expect(mail!.xdm.patientId).toContain(PAT_TROIS_INS);
      expect(Object.values(mail!.xdm.documents).some((d) => d.equals(cda))).toBe(true);
      expect(mail!.raw.toString('utf8')).not.toContain('NOUVEAU-NOM');
    } finally {
      await sending.queue.obliterate({ force: true });
      await sending.stop();
    }
  }, 120_000);

  it('a stored description of another shape fails at once naming the field, instead of being sent', async () => {
    const t = await createTestTenant(db, { finess: FINESS, firstSite: 'Imagerie' });
    const practice = await setUpPractice(h, db, t);
    const patientId = await practice.patient({ qualified: true });
    const { versionId } = await practice.validatedReport(await practice.acquiredExam(patientId));
    // The description frozen at validation is right; a copy of its row with a number for the
    // referrer's address (the stored rows themselves are immutable).
    const rows = await db.withTenant(t, (tx) => listReportDocumentContents(tx, versionId));
    const row = rows.find((d) => d.kind === DESCRIPTION_KIND)!;
    const stored = JSON.parse(row.content.toString('utf8')) as { description: unknown };
    const content = Buffer.from(JSON.stringify({ ...stored, routing: { referrerMailbox: 42 } }));
    expect(frozenDescriptionIn([row])?.description.document.id).toBe(versionId.toUpperCase());
    expect(() => frozenDescriptionIn([{ ...row, content }])).toThrow(
      /^frozen report description is malformed: routing\.referrerMailbox: [^;]*$/,
    );
  }, 60_000);
  it('a version documented before descriptions were frozen: its send asks for its documents again, then goes', async () => {
    const t = await createTestTenant(db, { finess: FINESS, firstSite: 'Imagerie' });
    const practice = await setUpPractice(h, db, t);
    await db.withTenant(t, (tx) =>
      putSetting(tx, DISTRIBUTION_SETTING, {
        dmp: false,
        mssante: { enabled: false, patient: false },
        pfi: { host: '127.0.0.1', port: 2575, receivingApplication: 'PFI', receivingFacility: 'CHU' },
      }),
    );
    const { reportId, versionId } = await practice.validatedReport(
      await practice.acquiredExam(await practice.patient({ qualified: false })),
    );
    const job = (payload: Record<string, unknown>) =>
      ({
        id: 'legacy',
        data: { outboxId: 0, tenantId: t.id, requestId: 'legacy', payload },
      }) as unknown as Job<JobData>;
    const documents = reportDocumentsJob(db);
    expect(await documents(job({ reportId, versionId }))).toEqual({ stored: 2, planned: 1 });
    // What an earlier Rayon stored: the PDF and the CDA, no description.
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    const asked = async () => {
      const [row] = await admin<{ n: number }[]>`select count(*)::int as n from platform.outbox
        where topic = 'report.documents' and payload->>'versionId' = ${versionId}`;
      return row!.n;
    };
    try {
      await admin.begin(async (sql) => {
        await sql`set local session_replication_role = replica`;
        await sql`delete from ${sql(t.schemaName)}.report_documents
          where version_id = ${versionId} and kind = ${DESCRIPTION_KIND}`;
      });
      expect(await asked()).toBe(1); // validation's

      const sent: string[] = [];
      const send = deliverySendJob(
        db,
        {
          pfi: async (ctx) => {
            sent.push(ctx.description.document.id);
            return { remoteId: 'MDM-1', detail: 'AA' };
          },
        },
        { policy: { baseMs: 1, capMs: 1, horizonMs: 3_600_000 } },
      );
      const [pfi] = await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId));
      await expect(send(job({ deliveryId: pfi!.id }))).rejects.toThrow(
        /description of the version is not frozen yet/,
      );
      expect(sent).toEqual([]);
      expect(await asked()).toBe(2); // and the send's

      // The documents job freezes it from the practice's data (its PDF and CDA stay as stored), and
      // the send goes.
      expect(await documents(job({ reportId, versionId }))).toEqual({ stored: 0, planned: 0 });
      await new Promise((r) => setTimeout(r, 5));
      expect(await send(job({ deliveryId: pfi!.id }))).toEqual({ status: 'delivered' });
      expect(sent).toEqual([versionId.toUpperCase()]);
    } finally {
      await admin.end();
    }
  }, 60_000);
});
