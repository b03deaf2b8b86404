/**
 * The distribution pipeline in the worker, on the real PostgreSQL and Redis: a validated report's
 * documents are generated, its sends planned once each (rules: identity not qualified → no DMP,
 * no patient mail), every attempt recorded, retried with backoff while a retry can help, failed
 * for good with a reason otherwise, never sent twice; and one practice's flood of sends does not
 * hold back another practice's single one.
 *
 * The senders here are the test's own (recording, failing on demand): the connectors themselves
 * are tested against their simulators and peers in @rayon/connectors and infra/simulators.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { outboundPolicy } from '@rayon/connectors/outbound';
import {
  Database,
  enqueueOutbox,
  listDeliveryAttempts,
  listReportDocumentContents,
  listReportDeliveries,
  putSetting,
  type TenantRef,
} from '@rayon/db';
import { createScratchDatabase, createTestTenant } from '@rayon/db/testing';
import { createHarness, type Harness } from '@rayon/api/test-harness';
import { DISTRIBUTION_SETTING, NOT_SENT_REASONS, type Destination } from '@rayon/domain';
import { pfiSender, type DeliveryContext, type DeliverySender } from '@rayon/delivery';
import type { Job } from 'bullmq';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { reportRemindersJob } from '../src/jobs/reporting.ts';
import { defaultHandlers } from '../src/processor.ts';
import { createJobsQueue, type JobData } from '../src/queue.ts';
import { startWorkerTier } from '../src/worker.ts';
import { cdaOf, messageType, setUpPractice, startHl7Peer, waitFor } from './support/practice.ts';

/** The local PFI peers are on loopback: allowed as the quick start allows its simulators. */
const LOCAL_PEERS = outboundPolicy(['127.0.0.1/32', '::1/128']);

let h: Harness;
let db: Database;
let url: string;
const silent = pino({ level: 'silent' });
const connection = () => ({ url: inject('redisUrl'), maxRetriesPerRequest: null });

class TestDeliveryError extends Error {
  readonly retryable: boolean;
  readonly reason: string;
  readonly remote: string | undefined;
  constructor(retryable: boolean, reason: string, remote?: string) {
    super(reason);
    this.retryable = retryable;
    this.reason = reason;
    this.remote = remote;
  }
}

beforeAll(async () => {
  url = await createScratchDatabase(inject('adminDatabaseUrl'), inject('databaseUrl'));
  h = await createHarness({ databaseUrl: url });
  db = new Database({ url, max: 4 });
});
afterAll(async () => {
  await db.close();
  await h.close();
});

/** A practice distributing to every destination, with a validated report of a patient not qualified. */
async function validatedReport(t: TenantRef, pfiPort = 1, pfiProfile: 'MDM' | 'ORU' = 'MDM') {
  const practice = await setUpPractice(h, db, t);
  await db.withTenant(t, (tx) =>
    putSetting(tx, DISTRIBUTION_SETTING, {
      dmp: true,
      mssante: { enabled: true, patient: true },
      pfi: {
        host: '127.0.0.1',
        port: pfiPort,
        receivingApplication: 'PFI',
        receivingFacility: 'CHU',
        profile: pfiProfile,
      },
    }),
  );
  const examId = await practice.acquiredExam(await practice.patient({ qualified: false }));
  const { reportId } = await practice.validatedReport(examId);
  return { reportId, radiologist: practice.radiologist };
}

describe('distribution pipeline', () => {
  it('plans each send once, applies the rules, retries what can be retried, records every attempt, never sends twice', async () => {
    const t = await createTestTenant(db, { finess: '750712184', firstSite: 'Centre' });
    const calls: { destination: Destination; versionId: string; cdaSize: number }[] = [];
    let pfiFailures = 2;
    const recording =
      (destination: Destination, behave: () => void): DeliverySender =>
      async (ctx: DeliveryContext) => {
        calls.push({ destination, versionId: ctx.delivery.versionId, cdaSize: ctx.cda.length });
        behave();
        return { remoteId: `${destination}-ok`, detail: 'AA' };
      };
    const senders: Partial<Record<Destination, DeliverySender>> = {
      pfi: recording('pfi', () => {
        if (pfiFailures-- > 0) throw new TestDeliveryError(true, 'La PFI ne répond pas', 'timeout');
      }),
      mssante_referrer: recording('mssante_referrer', () => {
        throw new TestDeliveryError(false, "L'opérateur MSSanté refuse le destinataire", '550 5.1.1');
      }),
    };
    const tier = await startWorkerTier({
      db,
      connection: connection(),
      prefix: `{dlv-${randomBytes(4).toString('hex')}}`,
      logger: silent,
      handlers: defaultHandlers(db, { secretsKey: h.secretsKey, insi: undefined }, silent, senders),
    });
    try {
      const { reportId } = await validatedReport(t);
      const final = await waitFor(async () => {
        const rows = await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId));
        return rows.length === 4 && rows.every((r) => r.status !== 'pending') ? rows : undefined;
      }, 60_000);
      const by = Object.fromEntries(final.map((d) => [d.destination, d]));
      expect(by.dmp).toMatchObject({ status: 'not_sent', reason: NOT_SENT_REASONS.dmpIdentity, attempts: 0 });
      expect(by.mssante_patient).toMatchObject({
        status: 'not_sent',
        reason: NOT_SENT_REASONS.patientIdentity,
      });
      expect(by.mssante_referrer).toMatchObject({
        status: 'failed',
        reason: "L'opérateur MSSanté refuse le destinataire",
        attempts: 1,
      });
      expect(by.pfi).toMatchObject({ status: 'delivered', attempts: 3, remoteId: 'pfi-ok' });
      const attempts = await db.withTenant(t, (tx) => listDeliveryAttempts(tx, by.pfi!.id));
      expect(attempts.map((a) => a.outcome)).toEqual(['retry', 'retry', 'delivered']);
      expect(calls.filter((c) => c.destination === 'pfi')).toHaveLength(3);
      expect(calls.every((c) => c.cdaSize > 10_000)).toBe(true);

      // The same send handed over again (a duplicate message): nothing is sent twice.
      await db.platform((tx) =>
        enqueueOutbox(tx, { topic: 'delivery.send', tenantId: t.id, payload: { deliveryId: by.pfi!.id } }),
      );
      await new Promise((r) => setTimeout(r, 1500));
      expect(calls.filter((c) => c.destination === 'pfi')).toHaveLength(3);
      expect((await db.withTenant(t, (tx) => listDeliveryAttempts(tx, by.pfi!.id))).length).toBe(3);
    } finally {
      await tier.queue.obliterate({ force: true });
      await tier.stop();
    }
  }, 120_000);

  for (const profile of ['MDM', 'ORU'] as const) {
    it(`the PFI by the real connector (${profile}): the python3-hl7 peer receives the message, then the correction's, each carrying the stored CDA`, async () => {
      const t = await createTestTenant(db, { finess: '750712184', firstSite: 'Centre' });
      const peer = await startHl7Peer({ max: 2, seconds: 90 });
      const tier = await startWorkerTier({
        db,
        connection: connection(),
        prefix: `{pfi-${randomBytes(4).toString('hex')}}`,
        logger: silent,
        handlers: defaultHandlers(db, { secretsKey: h.secretsKey, insi: undefined }, silent, {
          pfi: pfiSender({ timeoutMs: 10_000, outbound: LOCAL_PEERS }),
        }),
      });
      try {
        const { reportId, radiologist } = await validatedReport(t, peer.port, profile);
        const delivered = (action: string) =>
          waitFor(async () => {
            const rows = await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId));
            const pfi = rows.find((r) => r.destination === 'pfi' && r.action === action);
            return pfi && pfi.status !== 'pending' ? pfi : undefined;
          }, 60_000);
        expect(await delivered('publish')).toMatchObject({ status: 'delivered' });
        let view = await radiologist.reporting.correct.mutate({ id: reportId });
        view = await radiologist.reporting.save.mutate({
          id: reportId,
          body: 'Conclusion corrigée.',
          revision: view.versions[1]!.revision,
        });
        await radiologist.reporting.validate.mutate({ id: reportId, revision: view.versions[1]!.revision });
        expect(await delivered('replace')).toMatchObject({ status: 'delivered' });

        const received = await peer.messages(2);
        expect(received.map(messageType)).toEqual(
          profile === 'MDM' ? ['MDM^T02^MDM_T02', 'MDM^T10^MDM_T02'] : ['ORU^R01^ORU_R01', 'ORU^R01^ORU_R01'],
        );
        const stored = await db.withTenant(t, async (tx) => {
          const rows = await listReportDeliveries(tx, reportId);
          return Promise.all(
            rows
              .filter((r) => r.destination === 'pfi')
              .map(
                async (r) =>
                  (await listReportDocumentContents(tx, r.versionId)).find((d) => d.kind === 'cda')!.content,
              ),
          );
        });
        expect(received.map(cdaOf)).toEqual(stored);
      } finally {
        await tier.queue.obliterate({ force: true });
        await tier.stop();
        peer.stop();
      }
    }, 150_000);
  }

  it('a PFI address saved earlier that is internal is refused at connection time: the send fails with the reason, nothing reaches the address', async () => {
    const t = await createTestTenant(db, { finess: '750712184', firstSite: 'Centre' });
    let connections = 0;
    const server: Server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const tier = await startWorkerTier({
      db,
      connection: connection(),
      prefix: `{ssrf-${randomBytes(4).toString('hex')}}`,
      logger: silent,
      handlers: defaultHandlers(db, { secretsKey: h.secretsKey, insi: undefined }, silent, {
        // The platform allows nothing internal (RAYON_OUTBOUND_ALLOW unset).
        pfi: pfiSender({ timeoutMs: 5_000, outbound: outboundPolicy() }),
      }),
    });
    try {
      // 127.0.0.1 written straight into the settings (as before the save-time check existed).
      const { reportId, radiologist } = await validatedReport(t, port);
      const pfi = await waitFor(async () => {
        const rows = await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId));
        const d = rows.find((r) => r.destination === 'pfi');
        return d && d.status !== 'pending' ? d : undefined;
      }, 60_000);
      expect(pfi).toMatchObject({ status: 'failed', attempts: 1 });
      expect(pfi.reason).toContain("L'adresse de la PFI (127.0.0.1) désigne une adresse interne");
      expect(connections).toBe(0);
      // What the practice sees in the portal.
      const [seen] = (await radiologist.delivery.forReport.query({ reportId })).filter(
        (d) => d.destination === 'pfi',
      );
      expect(seen!.reason).toContain('RAYON_OUTBOUND_ALLOW');
    } finally {
      await tier.queue.obliterate({ force: true });
      await tier.stop();
      server.close();
    }
  }, 90_000);

  it('the practice sees the PFI’s ACK codes, never its text (MSA-3, ERR free text)', async () => {
    const t = await createTestTenant(db, { finess: '750712184', firstSite: 'Centre' });
    const server: Server = createServer((socket) => {
      let data = Buffer.alloc(0);
      socket.on('error', () => {});
      socket.on('data', (chunk) => {
        data = Buffer.concat([data, chunk]);
        const end = data.indexOf(0x1c);
        if (end === -1) return;
        const msh = data.subarray(1, end).toString('latin1').split('\r')[0]!.split('|');
        const ack =
          `MSH|^~\\&|PFI|CHU|RAYON|X|20261122104301||ACK|PFI-1|P|2.5\r` +
          `MSA|AE|${msh[9]}|SECRET-REMOTE-TEXT in MSA-3\r` +
          `ERR||PID^1^3|103^SECRET-REMOTE-TEXT^HL70357|E||||SECRET-REMOTE-TEXT free text\r`;
        socket.end(Buffer.concat([Buffer.from([0x0b]), Buffer.from(ack), Buffer.from([0x1c, 0x0d])]));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const tier = await startWorkerTier({
      db,
      connection: connection(),
      prefix: `{ack-${randomBytes(4).toString('hex')}}`,
      logger: silent,
      handlers: defaultHandlers(db, { secretsKey: h.secretsKey, insi: undefined }, silent, {
        pfi: pfiSender({ timeoutMs: 5_000, outbound: LOCAL_PEERS }),
      }),
    });
    try {
      const { reportId, radiologist } = await validatedReport(t, port);
      const pfi = await waitFor(async () => {
        const rows = await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId));
        const d = rows.find((r) => r.destination === 'pfi');
        return d && d.status !== 'pending' ? d : undefined;
      }, 60_000);
      expect(pfi.status).toBe('failed');
      const seen = await radiologist.delivery.forReport.query({ reportId });
      const attempts = await radiologist.delivery.attempts.query({ id: pfi.id });
      const failed = await radiologist.delivery.failed.query();
      for (const view of [seen, attempts, failed]) {
        expect(JSON.stringify(view)).not.toContain('SECRET-REMOTE-TEXT');
      }
      expect(seen.find((d) => d.id === pfi.id)!.reason).toBe(
        'La PFI a refusé le message (AE : le message contient des erreurs) (erreur HL7 103 : valeur absente de la table).',
      );
      expect(attempts.map((a) => a.detail)).toEqual(['MSA-1 AE ; ERR-3 103']);
    } finally {
      await tier.queue.obliterate({ force: true });
      await tier.stop();
      server.close();
    }
  }, 90_000);

  it('a second job for a send in flight (a duplicate, or one handed back) skips it: sent once', async () => {
    const t = await createTestTenant(db, { finess: '750712184', firstSite: 'Centre' });
    let calls = 0;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const tier = await startWorkerTier({
      db,
      connection: connection(),
      prefix: `{dup-${randomBytes(4).toString('hex')}}`,
      logger: silent,
      handlers: defaultHandlers(db, { secretsKey: h.secretsKey, insi: undefined }, silent, {
        pfi: async () => {
          calls++;
          await released;
          return { remoteId: 'pfi-ok', detail: 'AA' };
        },
      }),
    });
    try {
      const { reportId } = await validatedReport(t);
      await waitFor(() => (calls === 1 ? true : undefined), 30_000);
      const pfi = (await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId))).find(
        (d) => d.destination === 'pfi',
      )!;
      // The same send handed over again while its attempt is in flight.
      await db.platform((tx) =>
        enqueueOutbox(tx, { topic: 'delivery.send', tenantId: t.id, payload: { deliveryId: pfi.id } }),
      );
      await new Promise((r) => setTimeout(r, 1500));
      expect(calls).toBe(1);
      release();
      await waitFor(async () => {
        const d = await db.withTenant(t, (tx) => listDeliveryAttempts(tx, pfi.id));
        return d.length === 1 ? d : undefined;
      }, 10_000);
      await new Promise((r) => setTimeout(r, 1000));
      expect(calls).toBe(1);
      expect(
        (await db.withTenant(t, (tx) => listDeliveryAttempts(tx, pfi.id))).map((a) => a.outcome),
      ).toEqual(['delivered']);
    } finally {
      release();
      await tier.queue.obliterate({ force: true });
      await tier.stop();
    }
  }, 60_000);

  it('the remote call holds no transaction and no lock: the send is claimed (lease) during the call, recorded after', async () => {
    const t = await createTestTenant(db, { finess: '750712184', firstSite: 'Centre' });
    let calls = 0;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const tier = await startWorkerTier({
      db,
      connection: connection(),
      prefix: `{claim-${randomBytes(4).toString('hex')}}`,
      logger: silent,
      handlers: defaultHandlers(db, { secretsKey: h.secretsKey, insi: undefined }, silent, {
        pfi: async (ctx) => {
          calls++;
          // The sender has no transaction of the engine's: its reads take their own, short one.
          expect('tx' in ctx).toBe(false);
          await released;
          return { remoteId: 'pfi-ok', detail: 'AA' };
        },
      }),
    });
    try {
      const { reportId } = await validatedReport(t);
      await waitFor(() => (calls === 1 ? true : undefined), 30_000);
      // Mid-call: the row is free (a lock taken with NOWAIT succeeds), and it carries the claim.
      const during = await db.withTenant(t, async (tx) => {
        const rows = (await tx.execute(
          `select id, claim_token, claimed_until from deliveries where report_id = '${reportId}' and destination = 'pfi' for update nowait`,
        )) as unknown as { id: string; claim_token: string | null; claimed_until: string | null }[];
        return rows[0]!;
      });
      expect(during.claim_token).not.toBeNull();
      expect(new Date(during.claimed_until!).getTime()).toBeGreaterThan(Date.now());
      release();
      const done = await waitFor(async () => {
        const d = (await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId))).find(
          (r) => r.destination === 'pfi',
        );
        return d?.status === 'delivered' ? d : undefined;
      }, 10_000);
      expect(done).toMatchObject({ claimToken: null, claimedUntil: null, attempts: 1, remoteId: 'pfi-ok' });
    } finally {
      release();
      await tier.queue.obliterate({ force: true });
      await tier.stop();
    }
  }, 60_000);

  it("a patient's sends to one destination go in the order they were made: a later one waits while an earlier one is pending", async () => {
    const t = await createTestTenant(db, { finess: '750712184', firstSite: 'Centre' });
    const order: string[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const tier = await startWorkerTier({
      db,
      connection: connection(),
      prefix: `{order-${randomBytes(4).toString('hex')}}`,
      logger: silent,
      handlers: defaultHandlers(db, { secretsKey: h.secretsKey, insi: undefined }, silent, {
        pfi: async (ctx) => {
          order.push(ctx.delivery.reportId);
          mostInFlight = Math.max(mostInFlight, ++inFlight);
          // The first send of the patient is held until the test lets it go.
          if (order.length === 1) await released;
          inFlight--;
          return { remoteId: `pfi-${order.length}`, detail: 'AA' };
        },
      }),
    });
    try {
      const practice = await setUpPractice(h, db, t);
      await db.withTenant(t, (tx) =>
        putSetting(tx, DISTRIBUTION_SETTING, {
          dmp: false,
          mssante: { enabled: false, patient: false },
          pfi: { host: '127.0.0.1', port: 1, receivingApplication: 'PFI', receivingFacility: 'CHU' },
        }),
      );
      const patientId = await practice.patient({ qualified: false });
      const first = await practice.validatedReport(await practice.acquiredExam(patientId));
      await waitFor(() => (order.length === 1 ? true : undefined), 30_000);
      // The second report of the same patient: its send is planned, handed to the worker, and waits.
      const second = await practice.validatedReport(await practice.acquiredExam(patientId));
      const pending = await waitFor(async () => {
        const d = (await db.withTenant(t, (tx) => listReportDeliveries(tx, second.reportId))).find(
          (r) => r.destination === 'pfi',
        );
        return d ? d : undefined;
      }, 30_000);
      await new Promise((r) => setTimeout(r, 2000));
      expect(order).toEqual([first.reportId]);
      expect(pending.status).toBe('pending');
      release();
      await waitFor(async () => {
        const all = await Promise.all(
          [first, second].map((r) => db.withTenant(t, (tx) => listReportDeliveries(tx, r.reportId))),
        );
        return all.flat().every((d) => d.status === 'delivered') ? true : undefined;
      }, 30_000);
      expect(order).toEqual([first.reportId, second.reportId]);
      expect(mostInFlight).toBe(1);
    } finally {
      release();
      await tier.queue.obliterate({ force: true });
      await tier.stop();
    }
  }, 90_000);

  it('Redis losing its data (the queue emptied) loses no send: the maintenance job hands it back, sent once', async () => {
    const t = await createTestTenant(db, { finess: '750712184', firstSite: 'Centre' });
    const prefix = `{lost-${randomBytes(4).toString('hex')}}`;
    // Phase 1: documents are generated and the sends planned, but no sender runs.
    const documentsOnly = defaultHandlers(db, { secretsKey: h.secretsKey, insi: undefined }, silent);
    const first = await startWorkerTier({
      db,
      connection: connection(),
      prefix,
      logger: silent,
      handlers: { 'report.documents': documentsOnly['report.documents']! },
    });
    let reportId: string;
    try {
      ({ reportId } = await validatedReport(t));
      await waitFor(async () => {
        const rows = await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId));
        return rows.some((r) => r.destination === 'pfi') ? true : undefined;
      }, 30_000);
      // The relay has moved the sends to Redis (the outbox rows are marked enqueued).
      await waitFor(async () => {
        const rows = (await db.platform((tx) =>
          tx.execute(
            `select count(*)::int as n from platform.outbox where topic = 'delivery.send' and enqueued_at is null`,
          ),
        )) as unknown as { n: number }[];
        return rows[0]!.n === 0 ? true : undefined;
      }, 30_000);
    } finally {
      await first.stop();
    }
    // Redis loses everything: the queued sends are gone, the outbox rows are marked sent.
    const lost = createJobsQueue(connection(), prefix);
    await lost.obliterate({ force: true });
    await lost.close();

    const sent: string[] = [];
    const second = await startWorkerTier({
      db,
      connection: connection(),
      prefix,
      logger: silent,
      handlers: defaultHandlers(db, { secretsKey: h.secretsKey, insi: undefined }, silent, {
        pfi: async (ctx) => (sent.push(ctx.delivery.id), { remoteId: 'ok', detail: null }),
        mssante_referrer: async (ctx) => (sent.push(ctx.delivery.id), { remoteId: 'ok', detail: null }),
      }),
    });
    try {
      await new Promise((r) => setTimeout(r, 2000));
      expect(sent).toEqual([]);
      const pendingBefore = (await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId))).filter(
        (d) => d.status === 'pending',
      );
      expect(pendingBefore.map((d) => d.destination).sort()).toEqual(['mssante_referrer', 'pfi']);
      // The scheduled maintenance, a quarter of an hour later.
      const result = (await reportRemindersJob(db, {
        now: () => new Date(Date.now() + 11 * 60_000),
      })()) as unknown as {
        requeued: number;
      };
      expect(result.requeued).toBe(2);
      await waitFor(async () => {
        const rows = await db.withTenant(t, (tx) => listReportDeliveries(tx, reportId));
        return rows.every((d) => d.status !== 'pending') ? rows : undefined;
      }, 30_000);
      expect(sent.sort()).toEqual(pendingBefore.map((d) => d.id).sort());
    } finally {
      await second.queue.obliterate({ force: true });
      await second.stop();
    }
  }, 120_000);

  it('one practice validating hundreds of reports does not hold back another practice’s single report (documents and sends)', async () => {
    const order: string[] = [];
    const tier = await startWorkerTier({
      db,
      connection: connection(),
      prefix: `{fair-${randomBytes(4).toString('hex')}}`,
      logger: silent,
      concurrency: 1,
      handlers: Object.fromEntries(
        ['report.documents', 'delivery.send'].map((name) => [
          name,
          async (job: Job<JobData>) => {
            order.push(job.data.tenantId!);
            await new Promise((r) => setTimeout(r, 10));
          },
        ]),
      ),
    });
    try {
      const a = '00000000-0000-4000-8000-00000000000a';
      const b = '00000000-0000-4000-8000-00000000000b';
      await db.platform(async (tx) => {
        for (let i = 0; i < 300; i++) {
          const topic = i % 2 ? 'delivery.send' : 'report.documents';
          await enqueueOutbox(tx, { topic, tenantId: a, payload: { i } });
        }
      });
      await waitFor(async () => (order.length >= 20 ? true : undefined), 30_000);
      // B validates one report: its documents job.
      await db.platform((tx) => enqueueOutbox(tx, { topic: 'report.documents', tenantId: b, payload: {} }));
      await waitFor(async () => (order.includes(b) ? true : undefined), 30_000);
      const position = order.indexOf(b);
      // Queued behind ~280 of A's documents and sends, B's report passes them all but a handful.
      expect(position).toBeLessThan(40);
      await waitFor(async () => (order.length === 301 ? true : undefined), 60_000);
    } finally {
      await tier.queue.obliterate({ force: true });
      await tier.stop();
    }
  }, 120_000);
});
