/**
 * Sends through a national service's outage, on the real DMP simulator (mutual TLS, strict CDA
 * and metadata checks) answering errors, then back:
 * - one circuit per destination: while the DMP is down, one probe at a time goes, the waiting
 *   sends spend no attempt; once it answers, the backlog drains by itself, each patient's sends
 *   in the order they were made;
 * - past the configured horizon (a few seconds here, 72 h by default), a send is failed for a
 *   person;
 * - what is sent is frozen: the patient's INS and name changed after validation, the DMP still
 *   gets metadata that match the CDA rendered at validation;
 * - a correction made while the original never reached the DMP goes there as an original (no
 *   RPLC), the original's send is cancelled; a withdrawal where nothing arrived sends nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { OrganisationCertificate } from '@rayon/connectors/certificates';
import { outboundPolicy } from '@rayon/connectors/outbound';
import {
  Database,
  findCircuit,
  listReportDeliveries,
  listReportDocumentContents,
  putSetting,
  saveCircuit,
  type TenantRef,
} from '@rayon/db';
import { createScratchDatabase, createTestTenant } from '@rayon/db/testing';
import { createHarness, type Harness } from '@rayon/api/test-harness';
import { DELIVERY_REASONS, DISTRIBUTION_SETTING, type RetryPolicy } from '@rayon/domain';
import { installCertificate } from '@rayon/onboarding';
import { createDmpTestPki, startDmpSimulator, type DmpSimulator } from '@rayon/sim-dmp';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultHandlers } from '../src/processor.ts';
import { deploymentSenders } from '@rayon/delivery';
import { startWorkerTier } from '../src/worker.ts';
import { PAT_TROIS_INS, setUpPractice, waitFor } from './support/practice.ts';

const FINESS = '750712184';
const silent = pino({ level: 'silent' });
let h: Harness;
let db: Database;
let dmp: DmpSimulator;
const dmpPki = createDmpTestPki({ structureId: `1${FINESS}` });

beforeAll(async () => {
  const url = await createScratchDatabase(inject('adminDatabaseUrl'), inject('databaseUrl'));
  h = await createHarness({ databaseUrl: url });
  db = new Database({ url, max: 6 });
  dmp = await startDmpSimulator({ pki: dmpPki, openForAnyIns: true });
});
afterAll(async () => {
  await dmp?.close();
  await db?.close();
  await h?.close();
});

/** The DMP down (every request answered HTTP 500), or back. */
const dmpDown = () => dmp.injectFaults({ count: 1_000_000, kind: 'http-500' });
const dmpBack = () => dmp.injectFaults({ count: 0, kind: 'http-500' });

/** The worker, sending to the DMP with a short backoff (and the horizon the test gives). */
async function startWorker(policy: Partial<RetryPolicy> = {}, leaseMs = 20_000) {
  return startWorkerTier({
    db,
    connection: { url: inject('redisUrl'), maxRetriesPerRequest: null },
    prefix: `{outage-${randomBytes(4).toString('hex')}}`,
    logger: silent,
    handlers: defaultHandlers(
      db,
      { secretsKey: h.secretsKey, insi: undefined },
      silent,
      deploymentSenders(h.secretsKey, {
        dmp: {
          endpoint: dmp.url,
          ca: dmpPki.caChainPem,
          software: { name: 'Rayon', version: '0.1.0', homologation: 'RAYON-TEST' },
          timeoutMs: 5_000,
        },
        outbound: outboundPolicy(),
      }),
      {
        delivery: {
          policy: { baseMs: 200, capMs: 1_000, horizonMs: 3_600_000, ...policy },
          leaseMs,
        },
      },
    ),
  });
}

/** A practice publishing to the DMP only, with its certificate. */
async function dmpPractice() {
  const t = await createTestTenant(db, { finess: FINESS, firstSite: 'Imagerie' });
  const practice = await setUpPractice(h, db, t);
  await db.withTenant(t, async (tx) => {
    const c = dmpPki.clients.organisation;
    await installCertificate(
      tx,
      'dmp',
      OrganisationCertificate.fromPem({ certPem: c.certPem, keyPem: c.keyPem, chainPem: c.chainPem }),
      h.secretsKey,
      null,
    );
    await putSetting(tx, DISTRIBUTION_SETTING, {
      dmp: true,
      mssante: { enabled: false, patient: false },
      pfi: null,
    });
  });
  return { t, ...practice };
}

const dmpSends = (t: TenantRef, reportId: string) =>
  db.withTenant(t, async (tx) =>
    (await listReportDeliveries(tx, reportId)).filter((d) => d.destination === 'dmp'),
  );

/** The report's DMP send once it has been tried at least once (the DMP being down). */
const triedOnce = (t: TenantRef, reportId: string) =>
  waitFor(async () => {
    const [send] = await dmpSends(t, reportId);
    return send && send.attempts >= 1 ? send : undefined;
  }, 60_000);

/** A patient qualified with the given INS (the DMP simulator opens a DMP for any). */
async function qualifiedPatient(t: TenantRef, patientId: string, ins: string): Promise<string> {
  await db.withTenant(t, (tx) =>
    tx.execute(
      `update patients set status = 'qualifiee', ins_matricule = '${ins}', ins_oid = '1.2.250.1.213.1.4.10',
       birth_place_code = '63220' where id = '${patientId}'`,
    ),
  );
  return patientId;
}

/** A valid INS from a 13-digit NIR (key = 97 − NIR mod 97). */
function otherIns(nir = '1850575123456'): string {
  return nir + String(97 - Number(BigInt(nir) % 97n)).padStart(2, '0');
}

describe('sends through an outage of the DMP', () => {
  it('one circuit: waiting sends spend no attempt, one probe at a time; once the DMP is back the backlog drains by itself, per patient in the order the sends were made', async () => {
    // Claims last a minute here: a send waiting behind the probe's claim sleeps past the test's window.
    const worker = await startWorker({}, 60_000);
    const p = await dmpPractice();
    try {
      // The DMP has been down for ten minutes: its circuit is open, next probe in a few seconds.
      dmpDown();
      const since = new Date(Date.now() - 10 * 60_000);
      await db.withTenant(p.t, (tx) =>
        saveCircuit(tx, {
          destination: 'dmp',
          openedAt: since,
          lastFailureAt: since,
          failures: 1,
          nextProbeAt: new Date(Date.now() + 4_000),
          reason: 'Le DMP ne répond pas',
        }),
      );
      const anne = await p.patient({ qualified: true });
      const bruno = await qualifiedPatient(
        p.t,
        await p.patient({ qualified: false }),
        otherIns('1850575123456'),
      );
      const chloe = await qualifiedPatient(
        p.t,
        await p.patient({ qualified: false }),
        otherIns('2910175123457'),
      );
      const order: { patient: string; reportId: string; versionId: string }[] = [];
      for (const patient of [anne, bruno, chloe, anne, bruno]) {
        const { reportId, versionId } = await p.validatedReport(await p.acquiredExam(patient));
        order.push({ patient, reportId, versionId });
      }
      const sendsNow = (tx: Parameters<Parameters<Database['withTenant']>[1]>[0]) =>
        Promise.all(order.map((o) => listReportDeliveries(tx, o.reportId))).then((r) => r.flat());
      // Planned while the circuit is open: each first send of a patient waits for the probe, none
      // is tried.
      const waiting = await waitFor(
        () =>
          db.withTenant(p.t, async (tx) => {
            const sends = await sendsNow(tx);
            const firsts = sends.filter((d) => order.slice(0, 3).some((o) => o.reportId === d.reportId));
            return sends.length === order.length && firsts.every((d) => d.nextAttemptAt) ? sends : undefined;
          }),
        30_000,
      );
      expect(waiting.map((d) => d.attempts)).toEqual([0, 0, 0, 0, 0]);
      // Then one probe at a time: while it fails again and again, only one send is tried.
      const during = await waitFor(
        () =>
          db.withTenant(p.t, async (tx) => {
            const circuit = await findCircuit(tx, 'dmp');
            return circuit && circuit.failures >= 4 ? { circuit, sends: await sendsNow(tx) } : undefined;
          }),
        60_000,
      );
      const tried = during.sends.filter((d) => d.attempts > 0);
      expect(tried).toHaveLength(1);
      expect(tried[0]!.attempts).toBe(during.circuit.failures - 1);
      expect(during.circuit.openedAt).toEqual(since);
      expect(during.sends.every((d) => d.status === 'pending')).toBe(true);

      const before = dmp.documents().length;
      dmpBack();
      const delivered = await waitFor(async () => {
        const sends = (await Promise.all(order.map((o) => dmpSends(p.t, o.reportId)))).flat();
        return sends.every((d) => d.status === 'delivered') ? sends : undefined;
      }, 60_000);
      expect(await db.withTenant(p.t, (tx) => findCircuit(tx, 'dmp'))).toBeUndefined();
      // Each document once; each patient's documents in the order the reports were validated.
      const arrived = dmp
        .documents()
        .slice(before)
        .map((d) => d.uniqueId);
      expect([...arrived].sort()).toEqual(order.map((o) => o.versionId.toUpperCase()).sort());
      for (const patient of [anne, bruno]) {
        const mine = order.filter((o) => o.patient === patient).map((o) => o.versionId.toUpperCase());
        expect(arrived.filter((id) => mine.includes(id))).toEqual(mine);
      }
      // The sends that waited went once, with their first attempt.
      for (const d of delivered.filter((x) => x.id !== tried[0]!.id)) expect(d.attempts).toBe(1);
    } finally {
      dmpBack();
      await worker.queue.obliterate({ force: true });
      await worker.stop();
    }
  }, 180_000);

  it('past the configured horizon the send is failed for a person, with the reason', async () => {
    const worker = await startWorker({ horizonMs: 3_000 });
    const p = await dmpPractice();
    try {
      dmpDown();
      const { reportId } = await p.validatedReport(
        await p.acquiredExam(await p.patient({ qualified: true })),
      );
      const failed = await waitFor(async () => {
        const [send] = await dmpSends(p.t, reportId);
        return send?.status === 'failed' ? send : undefined;
      }, 60_000);
      expect(failed.attempts).toBeGreaterThanOrEqual(2);
      expect(failed.reason).toMatch(/ — envoi abandonné après 3 s de tentatives$/);
      expect(failed.nextAttemptAt).toBeNull();
    } finally {
      dmpBack();
      await worker.queue.obliterate({ force: true });
      await worker.stop();
    }
  }, 120_000);

  it("what is sent is frozen: the patient's INS and name changed after validation, the DMP gets the identity of the CDA", async () => {
    const worker = await startWorker();
    const p = await dmpPractice();
    try {
      dmpDown();
      const patientId = await p.patient({ qualified: true });
      const { reportId, versionId } = await p.validatedReport(await p.acquiredExam(patientId));
      await triedOnce(p.t, reportId);
      // The description was frozen with the documents, with its SHA-256.
      const docs = await db.withTenant(p.t, (tx) => listReportDocumentContents(tx, versionId));
      const frozen = docs.find((d) => d.kind === 'description')!;
      expect(frozen.mediaType).toBe('application/json');
      expect(frozen.sha256).toBe(createHash('sha256').update(frozen.content).digest('hex'));
      // The identity changes before the send goes.
      await db.withTenant(p.t, (tx) =>
        tx.execute(
          `update patients set ins_matricule = '${otherIns()}', birth_family_name = 'NOUVEAU-NOM' where id = '${patientId}'`,
        ),
      );
      dmpBack();
      await waitFor(async () => {
        const [send] = await dmpSends(p.t, reportId);
        return send?.status === 'delivered' ? send : undefined;
      }, 60_000);
      const entry = dmp.documents().find((d) => d.uniqueId === versionId.toUpperCase())!;
      const cda = docs.find((d) => d.kind === 'cda')!.content;
      expect(entry.cda.equals(cda)).toBe(true);
      expect(entry.ins.matricule).toBe(PAT_TROIS_INS);
      expect(cda.toString('utf8')).toContain(`extension="${PAT_TROIS_INS}"`);
      expect(cda.toString('utf8')).not.toContain('NOUVEAU-NOM');
    } finally {
      dmpBack();
      await worker.queue.obliterate({ force: true });
      await worker.stop();
    }
  }, 120_000);

  it('a correction made while the original never reached the DMP goes as an original, the original is never sent; a withdrawal where nothing arrived sends nothing', async () => {
    const worker = await startWorker();
    const p = await dmpPractice();
    try {
      dmpDown();
      const patientId = await p.patient({ qualified: true });
      const { reportId, versionId: v1 } = await p.validatedReport(await p.acquiredExam(patientId));
      await triedOnce(p.t, reportId);
      let view = await p.radiologist.reporting.correct.mutate({ id: reportId });
      view = await p.radiologist.reporting.save.mutate({
        id: reportId,
        body: 'Conclusion corrigée.',
        revision: view.versions[1]!.revision,
      });
      view = await p.radiologist.reporting.validate.mutate({
        id: reportId,
        revision: view.versions[1]!.revision,
      });
      const v2 = view.versions[1]!.id;
      const planned = await waitFor(async () => {
        const sends = await dmpSends(p.t, reportId);
        return sends.length === 2 ? sends : undefined;
      }, 60_000);
      expect(planned.find((d) => d.versionId === v1)).toMatchObject({
        status: 'cancelled',
        reason: DELIVERY_REASONS.replaced(2),
      });
      expect(planned.find((d) => d.versionId === v2)).toMatchObject({ status: 'pending', action: 'publish' });

      // A second report, withdrawn while its send waits (behind the correction's, same patient).
      const second = await p.validatedReport(await p.acquiredExam(patientId));
      await waitFor(
        async () => ((await dmpSends(p.t, second.reportId)).length === 1 ? true : undefined),
        60_000,
      );
      await p.radiologist.reporting.withdraw.mutate({ id: second.reportId, reason: 'Erreur de patient' });
      expect(await dmpSends(p.t, second.reportId)).toMatchObject([
        {
          versionId: second.versionId,
          action: 'publish',
          status: 'cancelled',
          reason: DELIVERY_REASONS.withdrawn,
        },
      ]);

      dmpBack();
      const sent = await waitFor(async () => {
        const sends = await dmpSends(p.t, reportId);
        const current = sends.find((d) => d.versionId === v2);
        return current?.status === 'delivered' ? sends : undefined;
      }, 60_000);
      expect(sent.find((d) => d.versionId === v2)!.action).toBe('publish');
      expect(sent.find((d) => d.versionId === v1)!.status).toBe('cancelled');
      const ids = dmp.documents().map((d) => d.uniqueId);
      expect(ids).toContain(v2.toUpperCase());
      expect(ids).not.toContain(v1.toUpperCase());
      expect(ids).not.toContain(second.versionId.toUpperCase());
      const entry = dmp.documents().find((d) => d.uniqueId === v2.toUpperCase())!;
      expect(entry.replaces).toBeUndefined();
      expect(entry.cda.toString('utf8')).not.toContain('typeCode="RPLC"');
      // Nothing was withdrawn where nothing arrived: no withdrawal planned.
      expect((await dmpSends(p.t, second.reportId)).map((d) => d.action)).toEqual(['publish']);
    } finally {
      dmpBack();
      await worker.queue.obliterate({ force: true });
      await worker.stop();
    }
  }, 180_000);
});
