/**
 * A practice without FINESS nor SIRET cannot have report documents (the CDA's author and the
 * PDF name the organisation by its national identifier). It is told: the portal's practice home
 * lists the sites concerned (the banner), and validating a report is refused (portal and API)
 * with an error naming what is missing, instead of a validated report whose documents job fails
 * for ever. Once a SIRET is set, the same report validates.
 */
import { listSites, setExamStatus, upsertUserProfile, type TenantRef } from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let sql: postgres.Sql;
beforeAll(async () => {
  h = await createHarness();
  sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await sql.end();
  await h.close();
});

/** A practice (no FINESS, no SIRET unless given) with a radiologist and a report ready to validate. */
async function practice(o: { finess?: string } = {}) {
  const t: TenantRef = await createTestTenant(h.db, { firstSite: 'Centre sans FINESS', ...o });
  const admin = await h.signedInUser({
    email: uniqueEmail('adm'),
    memberships: [{ tenant: t, roles: ['practice_admin', 'secretary'] }],
  });
  const rad = await h.signedInUser({
    email: uniqueEmail('rad'),
    memberships: [{ tenant: t, roles: ['radiologist'] }],
  });
  await h.db.withTenant(t, (tx) =>
    upsertUserProfile(tx, {
      userId: rad.user.id,
      displayName: 'BIDEAULT Jacques',
      rpps: '10001234565',
      civility: 'Dr',
      familyName: 'BIDEAULT',
      givenName: 'Jacques',
      signsReports: true,
    }),
  );
  const desk = h.trpc({ token: admin.token, tenant: t.slug });
  const radiologist = h.trpc({ token: rad.token, tenant: t.slug });
  const [site] = await h.db.withTenant(t, listSites);
  const room = await desk.scheduling.rooms.create.mutate({ siteId: site!.id, name: 'Salle' });
  const modality = await desk.scheduling.modalities.create.mutate({
    roomId: room.id,
    name: 'IRM',
    type: 'MR',
    aeTitle: `F${randomBytes(5).toString('hex').toUpperCase()}`,
    openingHours: Object.fromEntries(
      ['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '23:59']]]),
    ),
  });
  const examType = await desk.scheduling.examTypes.create.mutate({
    label: 'IRM du genou',
    ccamCode: 'NZQN001',
    modalityType: 'MR',
    durationMinutes: 20,
  });
  const patient = await desk.identity.create.mutate({
    traits: { birthFamilyName: 'SANS', firstBirthForename: 'Finess', birthDate: '1970-01-01', sex: 'M' },
  });
  const order = await desk.scheduling.orders.create.mutate({
    patientId: patient.id,
    examTypeIds: [examType.id],
    urgency: 'routine',
  });
  await desk.scheduling.appointments.book.mutate({
    examId: order.exams[0]!.id,
    modalityId: modality.id,
    startsAt: new Date(Date.UTC(2031, 2, 3, 8, 0)).toISOString(),
  });
  await h.db.withTenant(t, (tx) => setExamStatus(tx, order.exams[0]!.id, 'completed'));
  const report = await radiologist.reporting.create.mutate({ examIds: [order.exams[0]!.id] });
  const saved = await radiologist.reporting.save.mutate({ id: report.id, body: 'Normal.', revision: 0 });
  const key = (
    await desk.onboarding.apiKeys.create.mutate({
      tenantSlug: t.slug,
      name: 'TLR',
      scopes: ['reports:read', 'reports:write'],
    })
  ).secret;
  return { t, desk, radiologist, reportId: report.id, revision: saved.versions[0]!.revision, key };
}

const outboxRows = async (reportId: string) =>
  (
    await sql<{ n: number }[]>`select count(*)::int as n from platform.outbox
      where topic = 'report.documents' and payload->>'reportId' = ${reportId}`
  )[0]!.n;

describe('a practice without FINESS nor SIRET', () => {
  it('its users are told on every page (the practice home lists the sites concerned)', async () => {
    const p = await practice();
    expect((await p.radiologist.onboarding.practice.home.query()).sitesWithoutOrganisationId).toEqual([
      'Centre sans FINESS',
    ]);
    const withFiness = await practice({ finess: '750712184' });
    expect(
      (await withFiness.radiologist.onboarding.practice.home.query()).sitesWithoutOrganisationId,
    ).toEqual([]);
  });

  it('validation in the portal is refused naming what is missing; nothing is frozen nor queued', async () => {
    const p = await practice();
    const e = await trpcError(
      p.radiologist.reporting.validate.mutate({ id: p.reportId, revision: p.revision }),
    );
    expect(e).toMatchObject({ code: 'CONFLICT', field: 'finess' });
    expect(e.message).toMatch(/neither a FINESS nor a SIRET.*documents cannot be produced/);
    const report = await p.radiologist.reporting.get.query({ id: p.reportId });
    expect(report.status).toBe('draft');
    expect(report.versions[0]!.validatedAt).toBeNull();
    expect(await outboxRows(p.reportId)).toBe(0);

    // Once the practice has a SIRET, the same report validates and its documents are queued.
    await sql`update platform.tenants set siret = '26750045200011' where id = ${p.t.id}`;
    expect((await p.radiologist.onboarding.practice.home.query()).sitesWithoutOrganisationId).toEqual([]);
    const validated = await p.radiologist.reporting.validate.mutate({ id: p.reportId, revision: p.revision });
    expect(validated.status).toBe('validated');
    expect(await outboxRows(p.reportId)).toBe(1);
  });

  it('validation through the API is refused too (409 naming finess)', async () => {
    const p = await practice();
    const res = await h.rest(`/reports/${p.reportId}/validate`, {
      key: p.key,
      method: 'POST',
      body: JSON.stringify({ revision: p.revision, signer: { rpps: '10001234565', familyName: 'BIDEAULT' } }),
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      error: { code: 'CONFLICT', field: 'finess', message: expect.stringContaining('FINESS') },
    });
    expect(await outboxRows(p.reportId)).toBe(0);
  });
});
