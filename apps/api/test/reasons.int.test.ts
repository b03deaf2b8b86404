/**
 * Errors carry a stable reason key and its parameters (packages/domain/src/shared/reasons.ts),
 * over tRPC (`data.reason`, `data.params`) and over REST (`error.reason`, `error.params`), next
 * to the English message; an error without a reason says so with null.
 */
import { listSites, type TenantRef } from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let a: TenantRef;
let desk: ReturnType<Harness['trpc']>;
let key: string;

const uniqueDigits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

beforeAll(async () => {
  h = await createHarness();
  a = await createTestTenant(h.db, { firstSite: 'Site Reasons' });
  const u = await h.signedInUser({
    email: uniqueEmail('desk'),
    memberships: [{ tenant: a, roles: ['practice_admin', 'secretary'] }],
  });
  desk = h.trpc({ token: u.token, tenant: a.slug });
  const platform = await h.signedInUser({ email: uniqueEmail('platform'), platformAdmin: true });
  const admin = h.trpc({ token: platform.token });
  key = (
    await admin.onboarding.apiKeys.create.mutate({
      tenantSlug: a.slug,
      name: 'tele',
      scopes: ['orders:read', 'orders:write'],
    })
  ).secret;
});
afterAll(() => h.close());

describe('reason keys over tRPC and REST', () => {
  it('tRPC: a slot outside the opening hours names the day, the times and the modality', async () => {
    const [site] = await h.db.withTenant(a, listSites);
    const room = await desk.scheduling.rooms.create.mutate({ siteId: site!.id, name: 'Salle R' });
    const ct = await desk.scheduling.modalities.create.mutate({
      roomId: room.id,
      name: 'Scanner R',
      type: 'CT',
      aeTitle: `CTR${uniqueDigits(6)}`,
      openingHours: { '1': [['08:00', '12:00']] },
    });
    const examType = await desk.scheduling.examTypes.create.mutate({
      label: 'Scanner cérébral',
      ccamCode: 'ACQK001',
      modalityType: 'CT',
      durationMinutes: 20,
    });
    const patient = await desk.identity.create.mutate({
      traits: { birthFamilyName: 'RAISON', firstBirthForename: 'Rémi', birthDate: '1980-02-02', sex: 'M' },
    });
    const order = await desk.scheduling.orders.create.mutate({
      patientId: patient.id,
      examTypeIds: [examType.id],
      urgency: 'routine',
    });
    // Monday 7 January 2030, 14:00 Paris: the scanner opens on Monday mornings only.
    expect(
      await trpcError(
        desk.scheduling.appointments.book.mutate({
          examId: order.exams[0]!.id,
          modalityId: ct.id,
          startsAt: '2030-01-07T14:00:00+01:00',
        }),
      ),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'startsAt',
      reason: 'scheduling.slot.outside_hours',
      params: { date: '2030-01-07', from: '14:00', to: '14:20', modality: 'Scanner R' },
      message: expect.stringContaining('outside the opening hours'),
    });
  });

  it('tRPC: a patient not found carries its key without parameters; an error without a key has null', async () => {
    expect(
      await trpcError(desk.identity.get.query({ id: '00000000-0000-4000-8000-000000000000' })),
    ).toMatchObject({ code: 'NOT_FOUND', reason: 'identity.patient.not_found', params: {} });
    expect(
      await trpcError(desk.scheduling.referrers.create.mutate({ adeli: 'ABC', familyName: 'SANS' })),
    ).toMatchObject({ code: 'BAD_REQUEST', reason: null, params: null });
  });

  it('REST: a referrer whose ADELI another has: 409 with the key and the identifier, the body otherwise as before', async () => {
    const adeli = `13${uniqueDigits(7)}`;
    const post = () =>
      h.rest('/referrers', { key, method: 'POST', body: JSON.stringify({ adeli, familyName: 'DOUBLON' }) });
    expect((await post()).status).toBe(201);
    const again = await post();
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({
      error: {
        code: 'CONFLICT',
        message: `a referrer with ADELI ${adeli} exists`,
        field: 'adeli',
        requestId: expect.any(String),
        reason: 'scheduling.referrer.taken',
        params: { identifier: 'adeli', value: adeli },
      },
    });
    // Over tRPC, the same refusal carries the same key and parameters.
    expect(
      await trpcError(desk.scheduling.referrers.create.mutate({ adeli, familyName: 'DOUBLON' })),
    ).toMatchObject({
      code: 'CONFLICT',
      reason: 'scheduling.referrer.taken',
      params: { identifier: 'adeli', value: adeli },
    });
  });

  it('REST: a referrer not found carries its key', async () => {
    const missing = await h.rest('/referrers/00000000-0000-4000-8000-000000000000', {
      key,
      method: 'PUT',
      body: JSON.stringify({ familyName: 'PERSONNE' }),
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      error: { code: 'NOT_FOUND', reason: 'scheduling.referrer.not_found', params: {} },
    });
  });
});
