/**
 * The unattended INSi call: an identity created at the desk of a practice holding an INSI-AUTO
 * certificate is looked up in INSi by the worker, over real mutual TLS to the simulator.
 */
import { randomBytes } from 'node:crypto';
import { Database, listIdentityEvents } from '@rayon/db';
import { createScratchDatabase, createTestTenant, until } from '@rayon/db/testing';
import { createHarness, uniqueEmail, type Harness } from '@rayon/api/test-harness';
import { createTestPki, startInsiSimulator, type InsiSimulator, type TestPki } from '@rayon/sim-insi';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultHandlers } from '../src/processor.ts';
import { startWorkerTier } from '../src/worker.ts';

const FINESS = '750712184';
let pki: TestPki;
let sim: InsiSimulator;
let h: Harness;
let db: Database;
let tier: Awaited<ReturnType<typeof startWorkerTier>>;
const exchanges: string[] = [];

beforeAll(async () => {
  pki = createTestPki({ now: new Date(), structureId: `1${FINESS}` });
  sim = await startInsiSimulator({
    tls: { keyPem: pki.server.keyPem, certPem: pki.server.certPem, caPem: pki.caChainPem },
    onExchange: (e) => exchanges.push(e.clientCn),
  });
  const insi = {
    endpoint: sim.url,
    trustedCaPem: pki.caChainPem,
    lps: {
      idam: 'RAYON-TEST',
      version: '0.1.0',
      name: 'rayon',
      instance: '22222222-2222-4222-8222-222222222222',
    },
  };
  const url = await createScratchDatabase(inject('adminDatabaseUrl'), inject('databaseUrl'));
  h = await createHarness({ databaseUrl: url, insi });
  db = new Database({ url, max: 4 });
  tier = await startWorkerTier({
    db,
    connection: { url: inject('redisUrl'), maxRetriesPerRequest: null },
    prefix: `{insi-auto-${randomBytes(4).toString('hex')}}`,
    logger: pino({ level: 'silent' }),
    handlers: defaultHandlers(db, { secretsKey: h.secretsKey, insi }, pino({ level: 'silent' })),
  });
});
afterAll(async () => {
  await tier.queue.obliterate({ force: true });
  await tier.stop();
  await db.close();
  await h.close();
  await sim.close();
});

describe('unattended INSi call (INSI-AUTO)', () => {
  it('runs after creation at the desk when the practice holds an INSI-AUTO certificate, and only then', async () => {
    const t = await createTestTenant(db, { finess: FINESS });
    const admin = await h.signedInUser({
      email: uniqueEmail('pa'),
      memberships: [{ tenant: t, roles: ['practice_admin', 'secretary'] }],
    });
    const desk = h.trpc({ token: admin.token, tenant: t.slug });
    const zoe = {
      birthFamilyName: 'ADRUN',
      firstBirthForename: 'ZOE',
      birthDate: '1975-12-31',
      sex: 'F' as const,
    };

    const before = await desk.identity.create.mutate({ traits: zoe });
    await new Promise((r) => setTimeout(r, 500));
    expect((await desk.identity.get.query({ id: before.id })).status).toBe('provisoire');

    await desk.onboarding.certificates.upload.mutate({
      purpose: 'insi-auto',
      p12Base64: pki.clients.auto.p12.toString('base64'),
      passphrase: pki.clients.auto.passphrase,
    });
    const p = await desk.identity.create.mutate({ traits: zoe });
    const after = await until(
      () => desk.identity.get.query({ id: p.id }),
      (x) => x.status === 'recuperee',
    );
    expect(after.ins).toEqual({ matricule: '275126322074974', oid: '1.2.250.1.213.1.4.8' });
    const events = await db.withTenant(t, (tx) => listIdentityEvents(tx, p.id));
    expect(events[0]).toMatchObject({
      action: 'insi-answer',
      source: 'insi',
      actorId: 'insi-auto',
      note: expect.stringContaining('INSI-AUTO'),
    });
    expect(exchanges).toContain('INSI-AUTO');
    expect(exchanges).not.toContain('INSI-MANU');
  });
});
