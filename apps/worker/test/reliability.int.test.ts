/**
 * No report lost: the worker process (apps/worker/src/main.ts, as deployed) is killed with
 * SIGKILL in the middle of the deliveries of a batch of validated reports, then started again;
 * at the end every send of every report is delivered, and the servers hold each document once
 * (the DMP simulator by uniqueId; the PFI peer by message control id, which a resend repeats).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrganisationCertificate } from '@rayon/connectors/certificates';
import { Database, listReportDeliveries, putSetting } from '@rayon/db';
import { createScratchDatabase, createTestTenant } from '@rayon/db/testing';
import { createHarness, type Harness } from '@rayon/api/test-harness';
import { DISTRIBUTION_SETTING } from '@rayon/domain';
import { installCertificate } from '@rayon/identity';
import { createDmpTestPki, startDmpSimulator, type DmpSimulator } from '@rayon/sim-dmp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { setUpPractice, waitFor } from './support/practice.ts';

const repoRoot = join(import.meta.dirname, '../../..');
const FINESS = '750712184';
const REPORTS = 6;

let h: Harness;
let db: Database;
let url: string;
let dmp: DmpSimulator;
const dmpPki = createDmpTestPki({ structureId: `1${FINESS}` });
const dir = mkdtempSync(join(tmpdir(), 'rayon-reliability-'));

/** The worker as deployed: its own process, configured by its environment. */
function startWorker(prefix: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(repoRoot, 'apps/worker'),
    env: {
      ...process.env,
      RAYON_DATABASE_URL: url,
      RAYON_REDIS_URL: inject('redisUrl'),
      RAYON_QUEUE_PREFIX: prefix,
      RAYON_SECRETS_KEY: h.secretsKey.toString('base64'),
      RAYON_LOG_LEVEL: 'silent',
      RAYON_DMP_URL: dmp.url,
      RAYON_DMP_CA_FILE: join(dir, 'dmp-ca.pem'),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

beforeAll(async () => {
  url = await createScratchDatabase(inject('adminDatabaseUrl'), inject('databaseUrl'));
  h = await createHarness({ databaseUrl: url });
  db = new Database({ url, max: 4 });
  // Each DMP answer takes 300 ms: the kill lands while sends are in flight.
  dmp = await startDmpSimulator({ pki: dmpPki });
  writeFileSync(join(dir, 'dmp-ca.pem'), dmpPki.caChainPem.join('\n'));
});
afterAll(async () => {
  await dmp?.close();
  await db?.close();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('reliability of the distribution', () => {
  it('a worker killed with SIGKILL mid-delivery loses nothing and sends nothing twice', async () => {
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
    const patientId = await practice.patient({ qualified: true });

    const prefix = `{rel-${randomBytes(4).toString('hex')}}`;
    let worker = startWorker(prefix);
    const reportIds: string[] = [];
    try {
      // DMP answers slowed down, so that sends are in flight when the worker dies.
      dmp.injectFaults({ count: REPORTS, kind: 'delay', delayMs: 400 });
      for (let i = 0; i < REPORTS; i++) {
        const examId = await practice.acquiredExam(patientId);
        reportIds.push((await practice.validatedReport(examId, `Compte rendu ${i}.`)).reportId);
      }
      // As soon as the first document reaches the DMP, the worker is killed.
      await waitFor(async () => (dmp.documents().length >= 1 ? true : undefined), 60_000);
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));
      const beforeRestart = dmp.documents().length;
      expect(beforeRestart).toBeLessThan(REPORTS);

      worker = startWorker(prefix);
      const deliveries = await waitFor(async () => {
        const all = (
          await Promise.all(reportIds.map((id) => db.withTenant(t, (tx) => listReportDeliveries(tx, id))))
        ).flat();
        return all.length === REPORTS && all.every((d) => d.status === 'delivered') ? all : undefined;
      }, 150_000);
      expect(deliveries.map((d) => d.destination)).toEqual(Array(REPORTS).fill('dmp'));
      // Each report's document is held once by the DMP.
      const held = dmp.documents().map((d) => d.uniqueId);
      expect(new Set(held).size).toBe(REPORTS);
      expect(held).toHaveLength(REPORTS);
    } finally {
      worker.kill('SIGKILL');
    }
  }, 240_000);
});
