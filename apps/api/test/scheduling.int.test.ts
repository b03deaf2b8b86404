/** Configuration, orders and appointments: no double booking under concurrency; tenant-isolated. */
import { listSites, type TenantRef } from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let a: TenantRef;
let b: TenantRef;
let adminA: ReturnType<Harness['trpc']>;
let adminB: ReturnType<Harness['trpc']>;
/** Monday to Friday, 08:00–19:00 (Europe/Paris). */
const week = Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['08:00', '19:00']]])) as Record<
  '1' | '2' | '3' | '4' | '5',
  [string, string][]
>;

/** A practice with one CT, one CT exam type and one patient. */
async function setUp(client: ReturnType<Harness['trpc']>, t: TenantRef, ae: string) {
  const [site] = await h.db.withTenant(t, listSites);
  const room = await client.scheduling.rooms.create.mutate({ siteId: site!.id, name: 'Salle 1' });
  const ct = await client.scheduling.modalities.create.mutate({
    roomId: room.id,
    name: 'Scanner',
    type: 'CT',
    aeTitle: ae,
    openingHours: week,
  });
  const examType = await client.scheduling.examTypes.create.mutate({
    label: 'Scanner thoracique',
    ccamCode: 'ZBQK002',
    modalityType: 'CT',
    durationMinutes: 15,
  });
  const patient = await client.identity.create.mutate({
    traits: { birthFamilyName: 'PLANNING', firstBirthForename: 'Paul', birthDate: '1970-01-01', sex: 'M' },
  });
  return { site: site!, room, ct, examType, patient };
}

let setA: Awaited<ReturnType<typeof setUp>>;
let setB: Awaited<ReturnType<typeof setUp>>;
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();

beforeAll(async () => {
  h = await createHarness();
  a = await createTestTenant(h.db, { firstSite: 'Site A' });
  b = await createTestTenant(h.db, { firstSite: 'Site B' });
  const ua = await h.signedInUser({
    email: uniqueEmail('pa-a'),
    memberships: [{ tenant: a, roles: ['practice_admin', 'secretary'] }],
  });
  const ub = await h.signedInUser({
    email: uniqueEmail('pa-b'),
    memberships: [{ tenant: b, roles: ['practice_admin', 'secretary'] }],
  });
  adminA = h.trpc({ token: ua.token, tenant: a.slug });
  adminB = h.trpc({ token: ub.token, tenant: b.slug });
  setA = await setUp(adminA, a, `CTA${suffix}`);
  setB = await setUp(adminB, b, `CTB${suffix}`);
});
afterAll(() => h.close());

describe('orders and appointments', () => {
  it('an order gets a unique accession number and a 2.25 Study Instance UID; cancelling frees the slot', async () => {
    const order = await adminA.scheduling.orders.create.mutate({
      patientId: setA.patient.id,
      examTypeIds: [setA.examType.id],
      urgency: 'routine',
      clinicalInfo: 'Toux persistante',
    });
    expect(order.accessionNumber).toMatch(/^A\d{9}$/);
    expect(order.studyInstanceUid).toMatch(/^2\.25\.\d+$/);
    expect(order.exams).toHaveLength(1);
    const second = await adminA.scheduling.orders.create.mutate({
      patientId: setA.patient.id,
      examTypeIds: [setA.examType.id],
      urgency: 'urgent',
    });
    expect(second.accessionNumber).not.toBe(order.accessionNumber);

    const startsAt = '2030-01-07T09:00:00+01:00';
    const booked = await adminA.scheduling.appointments.book.mutate({
      examId: order.exams[0]!.id,
      modalityId: setA.ct.id,
      startsAt,
    });
    expect(new Date(booked.endsAt).getTime() - new Date(booked.startsAt).getTime()).toBe(15 * 60_000);
    expect(
      await trpcError(
        adminA.scheduling.appointments.book.mutate({
          examId: second.exams[0]!.id,
          modalityId: setA.ct.id,
          startsAt: '2030-01-07T09:10:00+01:00',
        }),
      ),
    ).toMatchObject({ code: 'CONFLICT', field: 'startsAt' });
    await adminA.scheduling.orders.cancel.mutate({ id: order.id });
    await adminA.scheduling.appointments.book.mutate({
      examId: second.exams[0]!.id,
      modalityId: setA.ct.id,
      startsAt: '2030-01-07T09:10:00+01:00',
    });
    const day = await adminA.scheduling.appointments.list.query({
      from: '2030-01-07T00:00:00+01:00',
      to: '2030-01-08T00:00:00+01:00',
    });
    expect(day.map((x) => x.order.accessionNumber)).toEqual([second.accessionNumber]);
  });

  it('50 parallel bookings of the same slot: exactly one wins, the others get a clear CONFLICT', async () => {
    const orders = await Promise.all(
      Array.from({ length: 50 }, () =>
        adminA.scheduling.orders.create.mutate({
          patientId: setA.patient.id,
          examTypeIds: [setA.examType.id],
          urgency: 'routine',
        }),
      ),
    );
    const results = await Promise.allSettled(
      orders.map((o) =>
        adminA.scheduling.appointments.book.mutate({
          examId: o.exams[0]!.id,
          modalityId: setA.ct.id,
          startsAt: '2030-01-08T10:00:00+01:00',
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const losers = await Promise.all(
      results.filter((r) => r.status === 'rejected').map((r) => trpcError(Promise.reject(r.reason))),
    );
    expect(losers).toHaveLength(49);
    expect(losers.every((e) => e.code === 'CONFLICT' && /already booked/.test(e.message))).toBe(true);
    const day = await adminA.scheduling.appointments.list.query({
      from: '2030-01-08T00:00:00+01:00',
      to: '2030-01-09T00:00:00+01:00',
    });
    expect(day).toHaveLength(1);
  });

  it('refuses an exam on the wrong kind of modality, a duplicate AE title across practices, and bad transitions', async () => {
    const [site] = await h.db.withTenant(a, listSites);
    const room = await adminA.scheduling.rooms.create.mutate({ siteId: site!.id, name: 'Salle 2' });
    const us = await adminA.scheduling.modalities.create.mutate({
      roomId: room.id,
      name: 'Échographe',
      type: 'US',
      aeTitle: `USA${suffix}`,
      openingHours: week,
    });
    const order = await adminA.scheduling.orders.create.mutate({
      patientId: setA.patient.id,
      examTypeIds: [setA.examType.id],
      urgency: 'routine',
    });
    expect(
      await trpcError(
        adminA.scheduling.appointments.book.mutate({
          examId: order.exams[0]!.id,
          modalityId: us.id,
          startsAt: '2030-01-09T10:00:00+01:00',
        }),
      ),
    ).toMatchObject({ appCode: 'BAD_INPUT', field: 'modalityId' });
    expect(
      await trpcError(
        adminB.scheduling.modalities.create.mutate({
          roomId: setB.room.id,
          name: 'Copie',
          type: 'CT',
          aeTitle: `CTA${suffix}`,
          openingHours: week,
        }),
      ),
    ).toMatchObject({ code: 'CONFLICT', field: 'aeTitle' });
    expect(
      await trpcError(
        adminA.scheduling.exams.setStatus.mutate({ examId: order.exams[0]!.id, status: 'arrived' }),
      ),
    ).toMatchObject({ code: 'CONFLICT' });
    await adminA.scheduling.appointments.book.mutate({
      examId: order.exams[0]!.id,
      modalityId: setA.ct.id,
      startsAt: '2030-01-09T10:00:00+01:00',
    });
    expect(
      (await adminA.scheduling.exams.setStatus.mutate({ examId: order.exams[0]!.id, status: 'arrived' }))
        .status,
    ).toBe('arrived');
  });

  it('an order or exam completed or cancelled stays so: every door refuses to move it (CONFLICT, reason scheduling.status.final)', async () => {
    const final = {
      code: 'CONFLICT',
      reason: 'scheduling.status.final',
    };
    const done = await adminA.scheduling.orders.create.mutate({
      patientId: setA.patient.id,
      examTypeIds: [setA.examType.id],
      urgency: 'routine',
    });
    const examId = done.exams[0]!.id;
    await adminA.scheduling.appointments.book.mutate({
      examId,
      modalityId: setA.ct.id,
      startsAt: '2030-01-10T10:00:00+01:00',
    });
    for (const status of ['arrived', 'in_progress', 'completed'] as const) {
      await adminA.scheduling.exams.setStatus.mutate({ examId, status });
    }
    for (const status of ['requested', 'cancelled', 'arrived', 'no_show'] as const) {
      expect(await trpcError(adminA.scheduling.exams.setStatus.mutate({ examId, status }))).toMatchObject(
        final,
      );
    }
    expect(await trpcError(adminA.scheduling.orders.cancel.mutate({ id: done.id }))).toMatchObject(final);
    expect(
      await trpcError(
        adminA.scheduling.appointments.book.mutate({
          examId,
          modalityId: setA.ct.id,
          startsAt: '2030-01-11T10:00:00+01:00',
        }),
      ),
    ).toMatchObject(final);
    const after = await adminA.scheduling.orders.get.query({ id: done.id });
    expect(after.exams.map((e) => e.status)).toEqual(['completed']);
    expect(after.status).toBe('scheduled');

    const cancelled = await adminA.scheduling.orders.create.mutate({
      patientId: setA.patient.id,
      examTypeIds: [setA.examType.id],
      urgency: 'routine',
    });
    await adminA.scheduling.orders.cancel.mutate({ id: cancelled.id });
    expect(
      await trpcError(
        adminA.scheduling.appointments.book.mutate({
          examId: cancelled.exams[0]!.id,
          modalityId: setA.ct.id,
          startsAt: '2030-01-12T10:00:00+01:00',
        }),
      ),
    ).toMatchObject(final);
    expect(
      await trpcError(
        adminA.scheduling.exams.setStatus.mutate({ examId: cancelled.exams[0]!.id, status: 'requested' }),
      ),
    ).toMatchObject(final);
    expect((await adminA.scheduling.orders.get.query({ id: cancelled.id })).status).toBe('cancelled');
  });
});

describe('worklist name matching (practice setting)', () => {
  it('accents count by default; a practice administrator makes NOEL* find NOËL for the practice only; others may read, not change', async () => {
    expect(await adminA.scheduling.worklist.get.query()).toEqual({ accentInsensitiveNames: false });
    expect(await adminA.scheduling.worklist.set.mutate({ accentInsensitiveNames: true })).toEqual({
      accentInsensitiveNames: true,
    });
    expect(await adminA.scheduling.worklist.get.query()).toEqual({ accentInsensitiveNames: true });
    // Another practice keeps its own.
    expect(await adminB.scheduling.worklist.get.query()).toEqual({ accentInsensitiveNames: false });
    const tech = await h.signedInUser({
      email: uniqueEmail('tech'),
      memberships: [{ tenant: a, roles: ['technologist'] }],
    });
    const techA = h.trpc({ token: tech.token, tenant: a.slug });
    expect(await techA.scheduling.worklist.get.query()).toEqual({ accentInsensitiveNames: true });
    expect(
      await trpcError(techA.scheduling.worklist.set.mutate({ accentInsensitiveNames: false })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    // A member of practice A cannot act on practice B (it does not exist for them).
    const aOnB = h.trpc({ token: tech.token, tenant: b.slug });
    expect(await trpcError(aOnB.scheduling.worklist.get.query())).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await trpcError(aOnB.scheduling.worklist.set.mutate({ accentInsensitiveNames: true })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await trpcError(
        // @ts-expect-error -- an unknown key is refused by the strict schema
        adminA.scheduling.worklist.set.mutate({ accentInsensitiveNames: true, tenantId: b.id }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await adminB.scheduling.worklist.get.query()).toEqual({ accentInsensitiveNames: false });
    await adminA.scheduling.worklist.set.mutate({ accentInsensitiveNames: false });
  });
});

describe('cross-tenant', () => {
  it('tenant A never sees or changes tenant B’s configuration, orders or appointments', async () => {
    const orderB = await adminB.scheduling.orders.create.mutate({
      patientId: setB.patient.id,
      examTypeIds: [setB.examType.id],
      urgency: 'routine',
    });
    await adminB.scheduling.appointments.book.mutate({
      examId: orderB.exams[0]!.id,
      modalityId: setB.ct.id,
      startsAt: '2030-02-04T09:00:00+01:00',
    });
    expect((await adminA.scheduling.modalities.list.query()).map((m) => m.id)).not.toContain(setB.ct.id);
    expect((await adminA.scheduling.rooms.list.query()).map((r) => r.id)).not.toContain(setB.room.id);
    expect((await adminA.scheduling.examTypes.list.query()).map((r) => r.id)).not.toContain(setB.examType.id);
    expect(await adminA.scheduling.referrers.list.query()).toEqual([]);
    expect(
      await adminA.scheduling.appointments.list.query({
        from: '2030-02-04T00:00:00+01:00',
        to: '2030-02-05T00:00:00+01:00',
      }),
    ).toEqual([]);
    for (const call of [
      () => adminA.scheduling.orders.get.query({ id: orderB.id }),
      () => adminA.scheduling.orders.cancel.mutate({ id: orderB.id }),
      () =>
        adminA.scheduling.orders.create.mutate({
          patientId: setB.patient.id,
          examTypeIds: [setA.examType.id],
          urgency: 'routine',
        }),
      () =>
        adminA.scheduling.appointments.book.mutate({
          examId: orderB.exams[0]!.id,
          modalityId: setA.ct.id,
          startsAt: '2030-02-05T09:00:00+01:00',
        }),
      () => adminA.scheduling.exams.setStatus.mutate({ examId: orderB.exams[0]!.id, status: 'arrived' }),
      () => adminA.scheduling.rooms.create.mutate({ siteId: setB.site.id, name: 'intrus' }),
      () =>
        adminA.scheduling.modalities.create.mutate({
          roomId: setB.room.id,
          name: 'intrus',
          type: 'CT',
          aeTitle: 'INTRUS',
          openingHours: week,
        }),
    ]) {
      expect(await trpcError(call())).toMatchObject({ code: 'NOT_FOUND' });
    }
    const asB = h.trpc({
      token: (
        await h.signedInUser({
          email: uniqueEmail('x'),
          memberships: [{ tenant: a, roles: ['practice_admin', 'secretary'] }],
        })
      ).token,
      tenant: b.slug,
    });
    for (const call of [
      () => asB.scheduling.modalities.list.query(),
      () => asB.scheduling.examTypes.create.mutate({ label: 'x', modalityType: 'CT', durationMinutes: 10 }),
      () => asB.scheduling.referrers.create.mutate({ familyName: 'X' }),
      () => asB.scheduling.rooms.list.query(),
      () => asB.scheduling.examTypes.list.query(),
      () => asB.scheduling.referrers.list.query(),
    ]) {
      expect(await trpcError(call())).toMatchObject({ code: 'NOT_FOUND' });
    }
    const still = await adminB.scheduling.orders.get.query({ id: orderB.id });
    expect(still.status).toBe('scheduled');
  });
});

describe('orders through the public API', () => {
  it('a teleradiology platform creates, books and cancels; another practice’s key gets 404', async () => {
    const platform = await h.signedInUser({ email: uniqueEmail('platform'), platformAdmin: true });
    const admin = h.trpc({ token: platform.token });
    const scopes = ['orders:read', 'orders:write'] as ('orders:read' | 'orders:write')[];
    const keyA = (await admin.onboarding.apiKeys.create.mutate({ tenantSlug: a.slug, name: 'tele', scopes }))
      .secret;
    const keyB = (await admin.onboarding.apiKeys.create.mutate({ tenantSlug: b.slug, name: 'tele', scopes }))
      .secret;
    const created = await h.rest('/orders', {
      key: keyA,
      method: 'POST',
      body: JSON.stringify({
        patientId: setA.patient.id,
        examTypeIds: [setA.examType.id],
        urgency: 'urgent',
      }),
    });
    expect(created.status).toBe(201);
    const order = (await created.json()) as { id: string; accessionNumber: string; exams: { id: string }[] };
    expect(order.accessionNumber).toMatch(/^A\d{9}$/);
    const booked = await h.rest('/appointments', {
      key: keyA,
      method: 'POST',
      body: JSON.stringify({
        examId: order.exams[0]!.id,
        modalityId: setA.ct.id,
        startsAt: '2030-03-04T11:00:00+01:00',
      }),
    });
    expect(booked.status).toBe(201);
    const clash = await h.rest('/appointments', {
      key: keyA,
      method: 'POST',
      body: JSON.stringify({ examId: order.exams[0]!.id, modalityId: setA.ct.id, startsAt: 'tomorrow' }),
    });
    expect(clash.status).toBe(400);
    expect(await clash.json()).toMatchObject({ error: { field: 'startsAt' } });

    for (const [path, init] of [
      [`/orders/${order.id}`, {}],
      [`/orders/${order.id}/cancel`, { method: 'POST' }],
      [
        '/appointments',
        {
          method: 'POST',
          body: JSON.stringify({
            examId: order.exams[0]!.id,
            modalityId: setB.ct.id,
            startsAt: '2030-03-04T12:00:00+01:00',
          }),
        },
      ],
      [
        '/orders',
        {
          method: 'POST',
          body: JSON.stringify({
            patientId: setA.patient.id,
            examTypeIds: [setB.examType.id],
            urgency: 'routine',
          }),
        },
      ],
    ] as [string, RequestInit][]) {
      expect((await h.rest(path, { key: keyB, ...init })).status, path).toBe(404);
    }
    const cancelled = await h.rest(`/orders/${order.id}/cancel`, { key: keyA, method: 'POST' });
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled', exams: [{ status: 'cancelled' }] });
  });
});
