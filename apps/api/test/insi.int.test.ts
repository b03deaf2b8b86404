/**
 * INSi from the portal and the public API, over real mutual TLS to the INSi simulator, with the
 * practice's own certificates uploaded as PKCS#12 files.
 */
import { findActiveCertificate, replaceCertificate, type TenantRef } from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { createTestPki, startInsiSimulator, type InsiSimulator, type TestPki } from '@rayon/sim-insi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

const FINESS = '750712184';
let pki: TestPki;
let otherPki: TestPki;
let sim: InsiSimulator;
let h: Harness;
let a: TenantRef;
let b: TenantRef;
let adminA: ReturnType<Harness['trpc']>;
let adminB: ReturnType<Harness['trpc']>;

const p12 = (c: { p12: Buffer; passphrase: string }) => ({
  p12Base64: c.p12.toString('base64'),
  passphrase: c.passphrase,
});

beforeAll(async () => {
  pki = createTestPki({ now: new Date(), structureId: `1${FINESS}` });
  otherPki = createTestPki({ now: new Date(), structureId: '1130785652' });
  sim = await startInsiSimulator({
    tls: { keyPem: pki.server.keyPem, certPem: pki.server.certPem, caPem: pki.caChainPem },
  });
  h = await createHarness({
    insi: {
      endpoint: sim.url,
      trustedCaPem: pki.caChainPem,
      lps: {
        idam: 'RAYON-TEST',
        version: '0.1.0',
        name: 'rayon',
        instance: '11111111-1111-4111-8111-111111111111',
      },
    },
  });
  a = await createTestTenant(h.db, { finess: FINESS });
  b = await createTestTenant(h.db, { finess: FINESS });
  const ua = await h.signedInUser({
    email: uniqueEmail('pa-a'),
    memberships: [{ tenant: a, roles: ['practice_admin', 'secretary'] }],
  });
  const ub = await h.signedInUser({
    email: uniqueEmail('pa-b'),
    memberships: [{ tenant: b, roles: ['practice_admin'] }],
  });
  adminA = h.trpc({ token: ua.token, tenant: a.slug });
  adminB = h.trpc({ token: ub.token, tenant: b.slug });
});
afterAll(async () => {
  await sim.close();
  await h.close();
});

describe('organisation certificates', () => {
  it('takes a valid PKCS#12, seals its key (bound to the practice) and never returns it', async () => {
    const view = await adminA.onboarding.certificates.upload.mutate({
      purpose: 'insi-manu',
      ...p12(pki.clients.manu),
    });
    expect(view).toMatchObject({ purpose: 'insi-manu', subjectCn: 'INSI-MANU', revokedAt: null });
    expect(JSON.stringify(view)).not.toMatch(/PRIVATE KEY|sealed/i);
    const row = await h.db.withTenant(a, (tx) => findActiveCertificate(tx, 'insi-manu'));
    expect(row!.sealedKey).not.toContain('PRIVATE KEY');
    expect(row!.sealedKey.startsWith('v1.')).toBe(true);
    expect(JSON.stringify(await adminA.onboarding.certificates.list.query())).not.toMatch(
      /PRIVATE KEY|sealedKey/,
    );
  });

  it('refuses an expired certificate, another structure’s, a wrong CN for the use, a wrong passphrase — with a clear message', async () => {
    const expired = await trpcError(
      adminA.onboarding.certificates.upload.mutate({ purpose: 'insi-auto', ...p12(pki.clients.expired) }),
    );
    expect(expired).toMatchObject({ appCode: 'BAD_INPUT', field: 'certificate' });
    expect(expired.message).toMatch(/expired/);
    const foreign = await trpcError(
      adminA.onboarding.certificates.upload.mutate({ purpose: 'insi-auto', ...p12(otherPki.clients.auto) }),
    );
    expect(foreign.message).toMatch(/another structure/);
    const wrongUse = await trpcError(
      adminA.onboarding.certificates.upload.mutate({ purpose: 'insi-auto', ...p12(pki.clients.manu) }),
    );
    expect(wrongUse.message).toMatch(/INSI-AUTO/);
    const badPass = await trpcError(
      adminA.onboarding.certificates.upload.mutate({
        purpose: 'insi-auto',
        p12Base64: pki.clients.auto.p12.toString('base64'),
        passphrase: 'wrong',
      }),
    );
    expect(badPass).toMatchObject({ appCode: 'BAD_INPUT', field: 'certificate' });
  });

  it('a sealed key copied to another practice cannot be opened there', async () => {
    const row = await h.db.withTenant(a, (tx) => findActiveCertificate(tx, 'insi-manu'));
    const patient = await adminB.identity.create.mutate({
      traits: { birthFamilyName: 'ADRUN', firstBirthForename: 'ZOE', birthDate: '1975-12-31', sex: 'F' },
    });
    await h.db.withTenant(b, async (tx) => {
      const { id: _id, createdAt: _c, revokedAt: _r, ...copy } = row!;
      await replaceCertificate(tx, copy);
    });
    const e = await trpcError(adminB.identity.callInsi.mutate({ id: patient.id }));
    expect(e).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('cannot be opened') });
    await adminB.onboarding.certificates.revoke.mutate({
      id: (await adminB.onboarding.certificates.list.query())[0]!.id,
    });
  });
});

describe('Appeler INSi', () => {
  it('ADRUN ZOE: 00, the INS and the traits as returned are taken, the identity becomes récupérée', async () => {
    const p = await adminA.identity.create.mutate({
      traits: { birthFamilyName: 'Adrun', firstBirthForename: 'Zoé', birthDate: '1975-12-31', sex: 'F' },
    });
    const result = await adminA.identity.callInsi.mutate({ id: p.id });
    expect(result).toMatchObject({ code: '00', outcome: 'applied' });
    expect(result.patient.status).toBe('recuperee');
    expect(result.patient.ins).toEqual({ matricule: '275126322074974', oid: '1.2.250.1.213.1.4.8' });
    expect(result.patient.traits).toMatchObject({
      birthFamilyName: 'ADRUN',
      firstBirthForename: 'ZOE',
      birthPlaceCode: '63220',
    });
    const history = await adminA.identity.history.query({ id: p.id });
    expect(history[0]).toMatchObject({
      action: 'insi-answer',
      source: 'insi',
      note: expect.stringContaining('INSi 00'),
    });
  });

  it('HOUILLES: 01, nothing changes', async () => {
    const p = await adminA.identity.create.mutate({
      traits: {
        birthFamilyName: 'HOUILLES',
        firstBirthForename: 'PIERRE',
        birthForenames: 'PIERRE PAUL JACQUES',
        birthDate: '1993-01-27',
        sex: 'M',
      },
    });
    const result = await adminA.identity.callInsi.mutate({ id: p.id });
    expect(result).toMatchObject({ code: '01', outcome: 'not_found', changes: [] });
    expect(result.patient.status).toBe('provisoire');
  });

  it('through the public API too', async () => {
    const platform = await h.signedInUser({ email: uniqueEmail('platform'), platformAdmin: true });
    const { secret } = await h.trpc({ token: platform.token }).onboarding.apiKeys.create.mutate({
      tenantSlug: a.slug,
      name: 'tele',
      scopes: ['patients:read', 'patients:write'],
    });
    const created = await h.rest('/patients', {
      key: secret,
      method: 'POST',
      body: JSON.stringify({
        traits: {
          birthFamilyName: 'NESSI',
          firstBirthForename: 'MICHELANGELO',
          birthDate: '2010-08-07',
          sex: 'M',
        },
      }),
    });
    const { id } = (await created.json()) as { id: string };
    const res = await h.rest(`/patients/${id}/insi`, { key: secret, method: 'POST' });
    expect(res.status).toBe(200);
    // Récupérée is not qualifiée: the public API does not give the INS out yet.
    expect(await res.json()).toMatchObject({
      code: '00',
      outcome: 'applied',
      patient: { status: 'recuperee', ins: null },
    });
  });

  it('without a certificate the call is refused with a clear CONFLICT; tenant B cannot call for A’s patient', async () => {
    const p = await adminB.identity.create.mutate({
      traits: { birthFamilyName: 'ADRUN', firstBirthForename: 'ZOE', birthDate: '1975-12-31', sex: 'F' },
    });
    const e = await trpcError(adminB.identity.callInsi.mutate({ id: p.id }));
    expect(e).toMatchObject({ code: 'CONFLICT' });
    expect(e.message).toMatch(/INSI-MANU certificate/);
    const pa = await adminA.identity.create.mutate({
      traits: { birthFamilyName: 'ADRUN', firstBirthForename: 'ZOE', birthDate: '1975-12-31', sex: 'F' },
    });
    expect(await trpcError(adminB.identity.callInsi.mutate({ id: pa.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const certA = (await adminA.onboarding.certificates.list.query())[0]!;
    expect(await trpcError(adminB.onboarding.certificates.revoke.mutate({ id: certA.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await adminB.onboarding.certificates.list.query()).map((c) => c.id)).not.toContain(certA.id);
    // A's administrator naming practice B: unknown practice, nothing uploaded there.
    const ua = await h.signedInUser({
      email: uniqueEmail('pa-a2'),
      memberships: [{ tenant: a, roles: ['practice_admin'] }],
    });
    const aAsB = h.trpc({ token: ua.token, tenant: b.slug });
    expect(
      await trpcError(
        aAsB.onboarding.certificates.upload.mutate({ purpose: 'insi-manu', ...p12(pki.clients.manu) }),
      ),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await trpcError(aAsB.onboarding.certificates.list.query())).toMatchObject({ code: 'NOT_FOUND' });
    expect(await adminB.onboarding.certificates.list.query()).toHaveLength(1); // only the revoked copy of the earlier test
  });
});
