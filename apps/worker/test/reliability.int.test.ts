/**
 * No report lost: the worker process (apps/worker/src/main.ts, as deployed) is killed with
 * SIGKILL in the middle of the deliveries of a batch of validated reports, then started again;
 * at the end every send of every report is delivered, and the DMP simulator holds each document
 * once. Then Redis itself is killed in the middle of a batch and restarted empty (the worst case:
 * no persistence, every queued job and schedule gone) while the worker runs: the maintenance job
 * finds the lost work in PostgreSQL and every report still reaches the DMP, once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrganisationCertificate } from '@rayon/connectors/certificates';
import { Database, listReportDeliveries, putSetting, type TenantRef } from '@rayon/db';
import { createScratchDatabase, createTestTenant } from '@rayon/db/testing';
import { createHarness, type Harness } from '@rayon/api/test-harness';
import { DISTRIBUTION_SETTING } from '@rayon/domain';
import { installCertificate } from '@rayon/onboarding';
import { createDmpTestPki, startDmpSimulator, type DmpSimulator } from '@rayon/sim-dmp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, setUpPractice, waitFor, type Practice } from './support/practice.ts';

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
function startWorker(prefix: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(repoRoot, 'apps/worker'),
    env: {
      ...process.env,
      RAYON_DATABASE_URL: url,
      RAYON_REDIS_URL: inject('redisUrl'),
      // A claim lasts longer than any call here (the DMP answers within a second), and expires
      // well before the test's deadline once its worker is killed.
      RAYON_DELIVERY_LEASE_S: '20',
      ...env,
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
  return { t, practice };
}

/** Validates `count` reports of one patient; their ids. */
async function validateReports(practice: Practice, count: number): Promise<string[]> {
  const patientId = await practice.patient({ qualified: true });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const examId = await practice.acquiredExam(patientId);
    ids.push((await practice.validatedReport(examId, `Compte rendu ${i}.`)).reportId);
  }
  return ids;
}

/** Every DMP send of the reports, once all are delivered. */
const allDelivered = (t: TenantRef, reportIds: string[], timeoutMs: number) =>
  waitFor(async () => {
    const all = (
      await Promise.all(reportIds.map((id) => db.withTenant(t, (tx) => listReportDeliveries(tx, id))))
    ).flat();
    return all.length === reportIds.length && all.every((d) => d.status === 'delivered') ? all : undefined;
  }, timeoutMs);

/** A Redis of the test's own (no persistence, like the quick start's): it can be killed. */
function startRedis(port: number): ChildProcess {
  return spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
}

describe('reliability of the distribution', () => {
  it('a worker killed with SIGKILL mid-delivery loses nothing and sends nothing twice', async () => {
    const { t, practice } = await dmpPractice();
    const prefix = `{rel-${randomBytes(4).toString('hex')}}`;
    let worker = startWorker(prefix);
    let reportIds: string[] = [];
    try {
      // DMP answers slowed down, so that sends are in flight when the worker dies.
      dmp.injectFaults({ count: REPORTS, kind: 'delay', delayMs: 400 });
      reportIds = await validateReports(practice, REPORTS);
      // As soon as the first document reaches the DMP, the worker is killed.
      await waitFor(async () => (dmp.documents().length >= 1 ? true : undefined), 60_000);
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));
      const beforeRestart = dmp.documents().length;
      expect(beforeRestart).toBeLessThan(REPORTS);

      worker = startWorker(prefix);
      // The killed send's lease (20 s) and BullMQ's stalled-job check hold the patient's later sends
      // (per-patient order): about 80 s alone, more when the whole suite shares two cores.
      const deliveries = await allDelivered(t, reportIds, 220_000);
      expect(deliveries.map((d) => d.destination)).toEqual(Array(REPORTS).fill('dmp'));
      // Each report's document is held once by the DMP.
      const held = dmp.documents().map((d) => d.uniqueId);
      expect(new Set(held).size).toBe(REPORTS);
      expect(held).toHaveLength(REPORTS);
    } finally {
      worker.kill('SIGKILL');
    }
  }, 300_000);

  it('Redis killed mid-batch and restarted empty: the lost jobs are found again, each report reaches the DMP once', async () => {
    const { t, practice } = await dmpPractice();
    const port = await freePort();
    let redis = startRedis(port);
    await waitFor(() => (redis.pid && redis.exitCode === null ? true : undefined), 5_000);
    // Maintenance every 2 s, work untouched for 3 s counted as lost (defaults: 15 and 10 minutes).
    const worker = startWorker(`{redis-${randomBytes(4).toString('hex')}}`, {
      RAYON_REDIS_URL: `redis://127.0.0.1:${port}`,
      RAYON_MAINTENANCE_INTERVAL_S: '2',
      RAYON_LOST_JOB_AFTER_S: '3',
    });
    const before = dmp.documents().length;
    try {
      dmp.injectFaults({ count: REPORTS, kind: 'delay', delayMs: 400 });
      const reportIds = await validateReports(practice, REPORTS);
      // Redis dies as soon as the first document is at the DMP: queued documents and sends are lost.
      await waitFor(async () => (dmp.documents().length > before ? true : undefined), 60_000);
      redis.kill('SIGKILL');
      await new Promise((r) => redis.once('exit', r));
      expect(dmp.documents().length - before).toBeLessThan(REPORTS);
      await new Promise((r) => setTimeout(r, 1000));
      redis = startRedis(port);

      await allDelivered(t, reportIds, 90_000);
      const held = dmp
        .documents()
        .slice(before)
        .map((d) => d.uniqueId);
      expect(held).toHaveLength(REPORTS);
      expect(new Set(held).size).toBe(REPORTS);
    } finally {
      worker.kill('SIGKILL');
      redis.kill('SIGKILL');
    }
  }, 180_000);
});
