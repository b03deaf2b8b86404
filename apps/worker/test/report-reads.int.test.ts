/**
 * How many statements a validated report costs on its way to its last send: validation (tRPC),
 * the documents job (description, PDF/A, CDA, the sends planned), then one attempt of each of its
 * four sends (DMP, MSSanté to the referrer and to the patient, PFI) on the real peers. Each step's
 * count is printed; the total may not grow past the figure measured once each fact was read once
 * (a regression guard: a read that comes back fails it). docs/architecture.md keeps the figures.
 */
import { OrganisationCertificate } from '@rayon/connectors/certificates';
import { outboundPolicy } from '@rayon/connectors/outbound';
import { Database, listReportDeliveries, putSetting } from '@rayon/db';
import { createScratchDatabase, createTestTenant } from '@rayon/db/testing';
import { createHarness, type Harness } from '@rayon/api/test-harness';
import { DISTRIBUTION_SETTING } from '@rayon/domain';
import { installCertificate } from '@rayon/onboarding';
import { createDmpTestPki, startDmpSimulator, type DmpSimulator } from '@rayon/sim-dmp';
import { createMssanteTestPki, startMssanteSimulator, type MssanteSimulator } from '@rayon/sim-mssante';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deliverySendJob } from '../src/jobs/delivery.ts';
import { reportDocumentsJob } from '../src/jobs/reporting.ts';
import type { JobData } from '../src/queue.ts';
import { deploymentSenders } from '@rayon/delivery';
import { setUpPractice, simulatorDeployments, startHl7Peer } from './support/practice.ts';

const FINESS = '750712184';
/** Statements from validation to the last of the four sends, once each fact is read once. */
const MAX_STATEMENTS = 130;

/** The step being counted (null: not counted) and its statements (transaction control aside). */
let step: string | null = null;
const counts = new Map<string, number>();
const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|savepoint|release savepoint)\b/i;
const onQuery = (query: string) => {
  if (step && !TRANSACTION_CONTROL.test(query)) counts.set(step, (counts.get(step) ?? 0) + 1);
};
async function counted<T>(name: string, fn: () => Promise<T>): Promise<T> {
  step = name;
  try {
    return await fn();
  } finally {
    step = null;
  }
}

let h: Harness;
let db: Database;
let dmp: DmpSimulator;
let mss: MssanteSimulator;
let pfi: Awaited<ReturnType<typeof startHl7Peer>>;
const dmpPki = createDmpTestPki({ structureId: `1${FINESS}` });
const mssPki = createMssanteTestPki({ now: new Date(), structureId: `1${FINESS}` });
const asCert = (c: { certPem: string; keyPem: string; chainPem: string[] }) =>
  OrganisationCertificate.fromPem({ certPem: c.certPem, keyPem: c.keyPem, chainPem: c.chainPem });

beforeAll(async () => {
  const url = await createScratchDatabase(inject('adminDatabaseUrl'), inject('databaseUrl'));
  h = await createHarness({ databaseUrl: url, onQuery });
  db = new Database({ url, max: 4, onQuery });
  dmp = await startDmpSimulator({ pki: dmpPki });
  mss = await startMssanteSimulator({ pki: mssPki, requireAuth: false });
  pfi = await startHl7Peer({ max: 10, seconds: 300 });
});
afterAll(async () => {
  pfi?.stop();
  await mss?.close();
  await dmp?.close();
  await db?.close();
  await h?.close();
});

const job = (tenantId: string, payload: Record<string, unknown>) =>
  ({ data: { outboxId: 0, tenantId, requestId: 'reads', payload } }) as unknown as Job<JobData>;

describe('a validated report on its way to its last send', () => {
  it('reads each fact once: the statements per step stay at the measured figure', async () => {
    const t = await createTestTenant(db, { finess: FINESS, firstSite: 'Imagerie Démo' });
    const practice = await setUpPractice(h, db, t);
    await db.withTenant(t, async (tx) => {
      await installCertificate(tx, 'dmp', asCert(dmpPki.clients.organisation), h.secretsKey, null);
      await installCertificate(tx, 'mssante', asCert(mssPki.clients.mailbox), h.secretsKey, null);
      await putSetting(tx, DISTRIBUTION_SETTING, {
        dmp: true,
        mssante: { enabled: true, patient: true, mailbox: mssPki.clients.mailbox.mailbox },
        pfi: { host: '127.0.0.1', port: pfi.port, receivingApplication: 'PFI', receivingFacility: 'CHU' },
      });
    });
    const examId = await practice.acquiredExam(await practice.patient({ qualified: true }));
    const { radiologist } = practice;
    const report = await radiologist.reporting.create.mutate({ examIds: [examId] });
    const saved = await radiologist.reporting.save.mutate({ id: report.id, body: 'Normal.', revision: 0 });

    const view = await counted('validation', () =>
      radiologist.reporting.validate.mutate({ id: report.id, revision: saved.versions[0]!.revision }),
    );
    const versionId = view.versions[0]!.id;
    const documents = await counted('documents', () =>
      reportDocumentsJob(db)(job(t.id, { reportId: report.id, versionId })),
    );
    expect(documents).toEqual({ stored: 2, planned: 4 });

    const send = deliverySendJob(
      db,
      deploymentSenders(h.secretsKey, {
        ...simulatorDeployments(
          { url: dmp.url, ca: dmpPki.caChainPem },
          { host: mss.host, port: mss.port, ca: mssPki.caChainPem },
        ),
        outbound: outboundPolicy(['127.0.0.1/32', '::1/128']),
      }),
    );
    const sends = await db.withTenant(t, (tx) => listReportDeliveries(tx, report.id));
    for (const d of sends) {
      const result = await counted(`send ${d.destination}`, () => send(job(t.id, { deliveryId: d.id })));
      expect(result, d.destination).toEqual({ status: 'delivered' });
    }

    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    console.log(
      `statements of a validated report to its last send: ${total}\n` +
        [...counts].map(([name, n]) => `  ${name}: ${n}`).join('\n'),
    );
    expect(sends.map((d) => d.destination).sort()).toEqual([
      'dmp',
      'mssante_patient',
      'mssante_referrer',
      'pfi',
    ]);
    expect(total).toBeLessThanOrEqual(MAX_STATEMENTS);
  });
});
