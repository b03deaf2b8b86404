/**
 * Referring professionals by RPPS, by ADELI or by name only, created and edited through tRPC and
 * REST, each kept in the documents of a report they asked for (the description the CDA, the DMP
 * and MSSanté sends are made from); the FINESS géographique of the site and the FINESS juridique
 * of the practice both in the description. Cross-tenant: another practice edits nothing.
 */
import { findTenantById, listSites, setExamStatus, upsertUserProfile, type TenantRef } from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { describeReportVersion, reportDocumentOf } from '@rayon/reporting';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let a: TenantRef;
let b: TenantRef;
type Client = ReturnType<Harness['trpc']>;
let deskA: Client;
let deskB: Client;
let seniorA: Client;
let keyA: string;
let keyB: string;

const uniqueDigits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

beforeAll(async () => {
  h = await createHarness();
  a = await createTestTenant(h.db, { firstSite: 'Site Gare', finess: '750712176' });
  b = await createTestTenant(h.db, { firstSite: 'Ailleurs', finess: '130781297' });
  const d = await h.signedInUser({
    email: uniqueEmail('desk'),
    memberships: [{ tenant: a, roles: ['practice_admin', 'secretary'] }],
  });
  const s = await h.signedInUser({
    email: uniqueEmail('senior'),
    memberships: [{ tenant: a, roles: ['radiologist'] }],
  });
  const db = await h.signedInUser({
    email: uniqueEmail('deskb'),
    memberships: [{ tenant: b, roles: ['practice_admin', 'secretary'] }],
  });
  deskA = h.trpc({ token: d.token, tenant: a.slug });
  seniorA = h.trpc({ token: s.token, tenant: a.slug });
  deskB = h.trpc({ token: db.token, tenant: b.slug });
  await h.db.withTenant(a, (tx) =>
    upsertUserProfile(tx, {
      userId: s.user.id,
      displayName: 'BIDEAULT Jacques',
      rpps: '10001234565',
      title: 'DR',
      civility: 'Dr',
      familyName: 'BIDEAULT',
      givenName: 'Jacques',
      signsReports: true,
    }),
  );
  const platform = await h.signedInUser({ email: uniqueEmail('platform'), platformAdmin: true });
  const admin = h.trpc({ token: platform.token });
  const scopes = ['orders:read', 'orders:write'] as ('orders:read' | 'orders:write')[];
  keyA = (await admin.onboarding.apiKeys.create.mutate({ tenantSlug: a.slug, name: 'tele', scopes })).secret;
  keyB = (await admin.onboarding.apiKeys.create.mutate({ tenantSlug: b.slug, name: 'tele', scopes })).secret;
});
afterAll(() => h.close());

describe('referrers by RPPS, ADELI or name only', () => {
  it('tRPC: created and edited with an ADELI (checked, normalised, unique); the wrong one names its field', async () => {
    const adeli = `75${uniqueDigits(7)}`;
    const created = await deskA.scheduling.referrers.create.mutate({
      adeli: ` ${adeli.slice(0, 4)} ${adeli.slice(4)} `,
      familyName: 'KINÉ',
      givenName: 'Hélène',
      specialty: 'Masseur-kinésithérapeute',
    });
    expect(created).toMatchObject({ adeli, rpps: null, familyName: 'KINÉ' });
    expect(
      await trpcError(deskA.scheduling.referrers.create.mutate({ adeli: '7512345', familyName: 'X' })),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'adeli' });
    expect(
      await trpcError(deskA.scheduling.referrers.create.mutate({ adeli, familyName: 'DOUBLON' })),
    ).toMatchObject({ code: 'CONFLICT', field: 'adeli' });

    const rpps = `1${uniqueDigits(10)}`;
    const edited = await deskA.scheduling.referrers.update.mutate({
      id: created.id,
      rpps,
      adeli: `2B${uniqueDigits(7)}`,
      familyName: 'KINÉ-DUPONT',
      givenName: 'Hélène',
    });
    expect(edited).toMatchObject({ id: created.id, rpps, familyName: 'KINÉ-DUPONT', specialty: null });
    expect(edited.adeli).toMatch(/^2B\d{7}$/);
    expect(
      await trpcError(
        deskA.scheduling.referrers.update.mutate({ id: created.id, adeli: '2C1234567', familyName: 'X' }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'adeli' });
    const other = await deskA.scheduling.referrers.create.mutate({ familyName: 'AUTRE' });
    expect(
      await trpcError(deskA.scheduling.referrers.update.mutate({ id: other.id, rpps, familyName: 'AUTRE' })),
    ).toMatchObject({ code: 'CONFLICT', field: 'rpps' });
    // nothing half-written
    expect((await deskA.scheduling.referrers.list.query()).find((r) => r.id === other.id)).toMatchObject({
      rpps: null,
      adeli: null,
    });
  });

  it('REST: POST and PUT /referrers carry the ADELI; another practice cannot read or edit it (404), tRPC nor REST', async () => {
    const adeli = `13${uniqueDigits(7)}`;
    const created = await h.rest('/referrers', {
      key: keyA,
      method: 'POST',
      body: JSON.stringify({ adeli, familyName: 'ORTHOPTISTE' }),
    });
    expect(created.status).toBe(201);
    const row = (await created.json()) as { id: string; adeli: string | null; rpps: string | null };
    expect(row).toMatchObject({ adeli, rpps: null });
    const bad = await h.rest(`/referrers/${row.id}`, {
      key: keyA,
      method: 'PUT',
      body: JSON.stringify({ adeli: 'ABC', familyName: 'ORTHOPTISTE' }),
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('adeli');
    const put = await h.rest(`/referrers/${row.id}`, {
      key: keyA,
      method: 'PUT',
      body: JSON.stringify({
        adeli,
        familyName: 'ORTHOPTISTE',
        givenName: 'Anne',
        mssanteAddress: 'anne@test.mssante.fr',
      }),
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({
      id: row.id,
      adeli,
      givenName: 'Anne',
      mssanteAddress: 'anne@test.mssante.fr',
    });

    // Practice B: its key and its desk reach nothing of A's referrers.
    const fromB = await h.rest(`/referrers/${row.id}`, {
      key: keyB,
      method: 'PUT',
      body: JSON.stringify({ familyName: 'PIRATE' }),
    });
    expect(fromB.status).toBe(404);
    expect(
      await trpcError(deskB.scheduling.referrers.update.mutate({ id: row.id, familyName: 'PIRATE' })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    const deskAasB = h.trpc({
      token: (
        await h.signedInUser({
          email: uniqueEmail('x'),
          memberships: [{ tenant: a, roles: ['practice_admin', 'secretary'] }],
        })
      ).token,
      tenant: b.slug,
    });
    expect(
      await trpcError(deskAasB.scheduling.referrers.update.mutate({ id: row.id, familyName: 'PIRATE' })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    for (const client of [deskB, deskAasB]) {
      expect(await trpcError(client.scheduling.referrers.get.query({ id: row.id }))).toMatchObject({
        code: 'NOT_FOUND',
      });
    }
    expect(await deskA.scheduling.referrers.get.query({ id: row.id })).toMatchObject({ id: row.id, adeli });
    const still = (await deskA.scheduling.referrers.list.query()).find((r) => r.id === row.id);
    expect(still).toMatchObject({ familyName: 'ORTHOPTISTE', givenName: 'Anne' });
  });

  it('the documents keep a referrer by ADELI and one by name only, and carry FINESS EG and EJ', async () => {
    const [site] = await h.db.withTenant(a, listSites);
    // The site has its own FINESS géographique; the practice's FINESS is the juridique one.
    await h.db.withTenant(a, (tx) =>
      tx.execute(`update sites set finess = '750712184' where id = '${site!.id}'`),
    );
    const room = await deskA.scheduling.rooms.create.mutate({ siteId: site!.id, name: 'Salle écho' });
    const ae = `US${uniqueDigits(6)}`;
    const modality = await deskA.scheduling.modalities.create.mutate({
      roomId: room.id,
      name: 'Échographe',
      type: 'US',
      aeTitle: ae,
      openingHours: Object.fromEntries(
        ['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '23:59']]]),
      ),
    });
    // An exam type without CCAM nor LOINC code: the CDA is still conformant (serviceEvent OTH).
    const examType = await deskA.scheduling.examTypes.create.mutate({
      label: "Échographie de l'épaule",
      modalityType: 'US',
      durationMinutes: 15,
    });
    const patient = await deskA.identity.create.mutate({
      traits: {
        birthFamilyName: "N'GUYEN-ÉPÉE",
        firstBirthForename: 'Zoë',
        birthDate: '1990-02-03',
        sex: 'F',
      },
    });
    const adeliReferrer = await deskA.scheduling.referrers.create.mutate({
      adeli: `69${uniqueDigits(7)}`,
      familyName: 'SAGE-FEMME',
      givenName: 'Inès',
    });
    const nameOnly = await deskA.scheduling.referrers.create.mutate({
      familyName: "D'ARTAGNAN",
      givenName: 'Charles',
    });
    const tenant = (await h.db.platform((tx) => findTenantById(tx, a.id)))!;

    let day = 0;
    for (const [referrer, expected] of [
      [adeliReferrer, { adeli: adeliReferrer.adeli, familyName: 'SAGE-FEMME', givenName: 'Inès' }],
      [nameOnly, { familyName: "D'ARTAGNAN", givenName: 'Charles' }],
    ] as const) {
      const order = await deskA.scheduling.orders.create.mutate({
        patientId: patient.id,
        referrerId: referrer.id,
        examTypeIds: [examType.id],
        urgency: 'routine',
      });
      const exam = order.exams[0]!;
      await deskA.scheduling.appointments.book.mutate({
        examId: exam.id,
        modalityId: modality.id,
        startsAt: new Date(Date.UTC(2032, 1, 2 + day++, 9, 0)).toISOString(),
      });
      await h.db.withTenant(a, (tx) => setExamStatus(tx, exam.id, 'completed'));
      const report = await seniorA.reporting.create.mutate({ examIds: [exam.id] });
      const saved = await seniorA.reporting.save.mutate({
        id: report.id,
        body: 'Conclusion : normal.',
        revision: 0,
      });
      const validated = await seniorA.reporting.validate.mutate({
        id: report.id,
        revision: saved.versions[0]!.revision,
      });
      const description = await h.db.withTenant(a, (tx) =>
        describeReportVersion(tx, tenant, validated.versions[0]!.id),
      );
      expect(description.referrer).toEqual(expected);
      expect(description.organisation).toMatchObject({
        idNat: '1750712184',
        legalEntity: { idNat: '1750712176', name: tenant.name },
      });
      // What the documents are rendered from accepts it as it is.
      const checked = await h.db.withTenant(a, (tx) =>
        reportDocumentOf(tx, tenant, validated.versions[0]!.id),
      );
      expect(checked.referrer).toEqual(expected);
    }
  });
});
