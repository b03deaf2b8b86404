/**
 * Cross-tenant isolation: tenants A and B hold rows with identical ids; every tRPC procedure and
 * every REST route used with A's credentials never returns or changes B's rows (404 for B's ids).
 * The coverage tests at the end fail when a procedure or route is added without being listed here.
 */
import {
  findSite,
  insertHl7Route,
  insertSite,
  listApiKeys,
  listModalities,
  listReferrers,
  listSites,
  listTenantHl7Routes,
  storeReceivedMessage,
  type TenantRef,
} from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../src/trpc/router.ts';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let a: TenantRef;
let b: TenantRef;
let tokenA: string;
let keyA: string;
let keyB: string;
let keyBId: string;
const sharedId = '11111111-1111-4111-8111-111111111111';
let bOnlyId: string;

beforeAll(async () => {
  h = await createHarness();
  a = await createTestTenant(h.db, { name: 'Imagerie A' });
  b = await createTestTenant(h.db, { name: 'Imagerie B' });
  await h.db.withTenant(a, (tx) => insertSite(tx, { id: sharedId, name: 'Site A' }));
  await h.db.withTenant(b, (tx) => insertSite(tx, { id: sharedId, name: 'Site B' }));
  bOnlyId = (await h.db.withTenant(b, (tx) => insertSite(tx, { name: 'Site B seul' }))).id;
  ({ token: tokenA } = await h.signedInUser({
    email: uniqueEmail('admin-a'),
    memberships: [{ tenant: a, roles: ['practice_admin'] }],
  }));
  const platform = await h.signedInUser({ email: uniqueEmail('platform'), platformAdmin: true });
  const admin = h.trpc({ token: platform.token });
  const scopes = ['sites:read', 'sites:write'] as ('sites:read' | 'sites:write')[];
  keyA = (await admin.onboarding.apiKeys.create.mutate({ tenantSlug: a.slug, name: 'A', scopes })).secret;
  const createdB = await admin.onboarding.apiKeys.create.mutate({ tenantSlug: b.slug, name: 'B', scopes });
  keyB = createdB.secret;
  keyBId = createdB.key.id;
});
afterAll(() => h.close());

const siteNamesOf = async (t: TenantRef) => (await h.db.withTenant(t, listSites)).map((s) => s.name).sort();

describe('tRPC with tenant A credentials', () => {
  it('sites.list, sites.get and practice.home see only A', async () => {
    const client = h.trpc({ token: tokenA, tenant: a.slug });
    expect((await client.onboarding.sites.list.query()).map((s) => s.name)).toEqual(['Site A']);
    expect((await client.onboarding.sites.get.query({ id: sharedId })).name).toBe('Site A');
    expect(await trpcError(client.onboarding.sites.get.query({ id: bOnlyId }))).toMatchObject({
      code: 'NOT_FOUND',
      httpStatus: 404,
    });
    const home = await client.onboarding.practice.home.query();
    expect(home.tenant.slug).toBe(a.slug);
    expect(home.sites.map((s) => s.name)).toEqual(['Site A']);
  });

  it('sites.create writes into A only', async () => {
    const before = await siteNamesOf(b);
    await h
      .trpc({ token: tokenA, tenant: a.slug })
      .onboarding.sites.create.mutate({ name: 'Nouveau site A' });
    expect(await siteNamesOf(b)).toEqual(before);
    expect(await siteNamesOf(a)).toContain('Nouveau site A');
  });

  it('naming tenant B in the header answers NOT_FOUND for every tenant procedure', async () => {
    const client = h.trpc({ token: tokenA, tenant: b.slug });
    const before = await siteNamesOf(b);
    for (const call of [
      () => client.onboarding.sites.list.query(),
      () => client.onboarding.sites.get.query({ id: sharedId }),
      () => client.onboarding.sites.create.mutate({ name: 'intrus' }),
      () => client.onboarding.practice.home.query(),
    ]) {
      expect(await trpcError(call())).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    }
    expect(await siteNamesOf(b)).toEqual(before);
  });

  it('apiKeys.* of tenant B are NOT_FOUND, and B keys cannot be revoked through A', async () => {
    const client = h.trpc({ token: tokenA });
    expect(await trpcError(client.onboarding.apiKeys.list.query({ tenantSlug: b.slug }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await trpcError(
        client.onboarding.apiKeys.create.mutate({ tenantSlug: b.slug, name: 'x', scopes: ['sites:read'] }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await trpcError(client.onboarding.apiKeys.revoke.mutate({ tenantSlug: b.slug, id: keyBId })),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await trpcError(client.onboarding.apiKeys.revoke.mutate({ tenantSlug: a.slug, id: keyBId })),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    const keysOfB = await h.db.platform((tx) => listApiKeys(tx, b.id));
    expect(keysOfB.every((k) => k.revokedAt === null)).toBe(true);
    expect(
      (await client.onboarding.apiKeys.list.query({ tenantSlug: a.slug })).every((k) => k.id !== keyBId),
    ).toBe(true);
  });

  it('platform procedures are refused to a practice user', async () => {
    const client = h.trpc({ token: tokenA });
    for (const call of [
      () => client.onboarding.tenants.list.query(),
      () => client.onboarding.tenants.get.query({ slug: b.slug }),
      () => client.onboarding.tenants.deprovision.mutate({ slug: b.slug }),
      () =>
        client.onboarding.tenants.onboard.mutate({
          name: 'x',
          slug: 'intrusion-test',
          firstSite: { name: 'x' },
          admin: { email: 'x@example.org', displayName: 'x' },
        }),
    ]) {
      expect(await trpcError(call())).toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('hl7.routes.* and hl7.messages.list see and change only A', async () => {
    const routeB = await h.db.platform((tx) =>
      insertHl7Route(tx, {
        tenantId: b.id,
        port: null,
        receivingApplication: 'RIS',
        receivingFacility: `B-${b.slug}`,
      }),
    );
    const { row: messageB } = await h.db.withTenant(b, (tx) =>
      storeReceivedMessage(tx, {
        sendingApplication: 'GAM',
        sendingFacility: 'CHU-B',
        controlId: 'b-1',
        messageType: 'ADT^A28',
        charset: 'UNICODE UTF-8',
        raw: Buffer.from('MSH|^~\\&|GAM|CHU-B'),
      }),
    );
    const client = h.trpc({ token: tokenA, tenant: a.slug });
    const created = await client.onboarding.hl7.routes.create.mutate({
      receivingApplication: 'RIS',
      receivingFacility: `A-${a.slug}`,
    });
    expect((await client.onboarding.hl7.routes.list.query()).map((r) => r.id)).toEqual([created.id]);
    expect(await client.onboarding.hl7.messages.list.query({})).toEqual([]);
    expect(await trpcError(client.onboarding.hl7.routes.delete.mutate({ id: routeB!.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await h.db.platform((tx) => listTenantHl7Routes(tx, b.id))).map((r) => r.id)).toEqual([
      routeB!.id,
    ]);
    const asB = h.trpc({ token: tokenA, tenant: b.slug });
    for (const call of [
      () => asB.onboarding.hl7.routes.list.query(),
      () => asB.onboarding.hl7.routes.create.mutate({ receivingApplication: 'X', receivingFacility: 'Y' }),
      () => asB.onboarding.hl7.routes.update.mutate({ id: routeB!.id, allowedSources: ['0.0.0.0/0'] }),
      () => asB.onboarding.hl7.routes.delete.mutate({ id: routeB!.id }),
      () => asB.onboarding.hl7.messages.list.query({}),
      () => asB.onboarding.hl7.messages.replay.mutate({ id: messageB.id }),
    ]) {
      expect(await trpcError(call())).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('auth.me lists only the user’s own memberships', async () => {
    const me = await h.trpc({ token: tokenA }).auth.me.query();
    expect(me.memberships.map((m) => m.slug)).toEqual([a.slug]);
  });
});

describe('REST with tenant A’s API key', () => {
  it('GET /sites and GET /sites/{id} see only A; B’s ids are 404', async () => {
    const list = await h.rest('/sites', { key: keyA });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { data: { name: string }[] }).data.map((s) => s.name)).not.toContain(
      'Site B',
    );
    const shared = await h.rest(`/sites/${sharedId}`, { key: keyA });
    expect(((await shared.json()) as { name: string }).name).toBe('Site A');
    const foreign = await h.rest(`/sites/${bOnlyId}`, { key: keyA });
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('POST /sites writes into A only', async () => {
    const before = await siteNamesOf(b);
    const res = await h.rest('/sites', {
      key: keyA,
      method: 'POST',
      body: JSON.stringify({ name: 'Créé par API' }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect(await siteNamesOf(b)).toEqual(before);
    expect(await h.db.withTenant(a, (tx) => findSite(tx, id))).toBeDefined();
    expect(await h.db.withTenant(b, (tx) => findSite(tx, id))).toBeUndefined();
  });

  it('hundreds of interleaved requests of both tenants never mix', async () => {
    const calls = Array.from({ length: 300 }, async (_, i) => {
      const [key, expected] = i % 2 === 0 ? [keyA, 'Site A'] : [keyB, 'Site B'];
      const res = await h.rest(`/sites/${sharedId}`, { key });
      return { expected, got: ((await res.json()) as { name: string }).name };
    });
    for (const r of await Promise.all(calls)) expect(r.got).toBe(r.expected);
  });
});

/** What one practice needs for the desk: a CT, a CT exam type, a patient, a referrer, a demande. */
async function schedulingSetUp(client: ReturnType<Harness['trpc']>, t: TenantRef, ae: string) {
  const [site] = await h.db.withTenant(t, listSites);
  const room = await client.scheduling.rooms.create.mutate({ siteId: site!.id, name: `Salle ${ae}` });
  const hours = Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['08:00', '18:00']]])) as Record<
    '1',
    [string, string][]
  >;
  const modality = await client.scheduling.modalities.create.mutate({
    roomId: room.id,
    name: `Scanner ${ae}`,
    type: 'CT',
    aeTitle: ae,
    openingHours: hours,
  });
  const examType = await client.scheduling.examTypes.create.mutate({
    label: `Scanner ${ae}`,
    modalityType: 'CT',
    durationMinutes: 15,
  });
  const referrer = await client.scheduling.referrers.create.mutate({ familyName: `Médecin ${ae}` });
  const patient = await client.identity.create.mutate({
    traits: {
      birthFamilyName: t === a ? 'ISOLATION-A' : 'ISOLATION-B',
      firstBirthForename: 'Iso',
      birthDate: '1980-01-01',
      sex: 'F',
    },
  });
  const pending = await client.scheduling.orders.create.mutate({
    patientId: patient.id,
    referrerId: referrer.id,
    examTypeIds: [examType.id],
    urgency: 'routine',
  });
  const booked = await client.scheduling.orders.create.mutate({
    patientId: patient.id,
    examTypeIds: [examType.id],
    urgency: 'routine',
  });
  // Monday 4 March 2030, 09:00 Paris: the same wall-clock slot in both practices.
  await client.scheduling.appointments.book.mutate({
    examId: booked.exams[0]!.id,
    modalityId: modality.id,
    startsAt: '2030-03-04T09:00:00+01:00',
  });
  return { room, modality, examType, referrer, patient, pending, booked };
}

describe('scheduling (desk, planning, free slots, catalogue) with tenant A credentials', () => {
  let sa: Awaited<ReturnType<typeof schedulingSetUp>>;
  let sb: Awaited<ReturnType<typeof schedulingSetUp>>;
  let clientA: ReturnType<Harness['trpc']>;
  let ordersKeyA: string;
  const ae = Math.random().toString(36).slice(2, 7).toUpperCase();
  const day = { from: '2030-03-04T00:00:00+01:00', to: '2030-03-05T00:00:00+01:00' };

  beforeAll(async () => {
    clientA = h.trpc({ token: tokenA, tenant: a.slug });
    const adminB = await h.signedInUser({
      email: uniqueEmail('admin-b'),
      memberships: [{ tenant: b, roles: ['practice_admin'] }],
    });
    sa = await schedulingSetUp(clientA, a, `ISA${ae}`);
    sb = await schedulingSetUp(h.trpc({ token: adminB.token, tenant: b.slug }), b, `ISB${ae}`);
    const platform = await h.signedInUser({ email: uniqueEmail('platform-s'), platformAdmin: true });
    ordersKeyA = (
      await h.trpc({ token: platform.token }).onboarding.apiKeys.create.mutate({
        tenantSlug: a.slug,
        name: 'orders A',
        scopes: ['orders:read', 'orders:write'],
      })
    ).secret;
  });

  it('availability: B’s exam types and modalities are NOT_FOUND; B’s bookings never take A’s slots', async () => {
    const free = await clientA.scheduling.availability.query({
      examTypeId: sa.examType.id,
      from: '2030-03-04T08:45:00+01:00',
      to: '2030-03-04T09:30:00+01:00',
    });
    // A's own 09:00 booking holds 09:00 on A's scanner; B's modality is never proposed.
    expect(free.slots.map((s) => [s.modality.id, s.startsAt])).toEqual([
      [sa.modality.id, '2030-03-04T07:45:00.000Z'],
      [sa.modality.id, '2030-03-04T08:15:00.000Z'],
    ]);
    for (const call of [
      () => clientA.scheduling.availability.query({ examTypeId: sb.examType.id, ...day }),
      () =>
        clientA.scheduling.availability.query({
          examTypeId: sa.examType.id,
          modalityId: sb.modality.id,
          ...day,
        }),
    ]) {
      expect(await trpcError(call())).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('day, week, demandes to schedule and opening hours see and change only A', async () => {
    const dayA = await clientA.scheduling.day.query({ date: '2030-03-04' });
    expect(dayA.modalities.map((m) => m.id)).toContain(sa.modality.id);
    expect(dayA.modalities.map((m) => m.id)).not.toContain(sb.modality.id);
    const patientsSeen = dayA.modalities.flatMap((m) =>
      m.days.flatMap((d) => d.appointments.map((x) => x.patient.id)),
    );
    expect(patientsSeen).toEqual([sa.patient.id]);
    const weekA = await clientA.scheduling.week.query({ date: '2030-03-06', modalityId: sa.modality.id });
    expect(weekA.modalities[0]!.days[0]!.appointments.map((x) => x.order.id)).toEqual([sa.booked.id]);
    const toSchedule = await clientA.scheduling.orders.toSchedule.query({});
    expect(toSchedule.map((o) => o.id)).toContain(sa.pending.id);
    expect(toSchedule.map((o) => o.id)).not.toContain(sb.pending.id);
    expect(await clientA.scheduling.orders.toSchedule.query({ patientId: sb.patient.id })).toEqual([]);
    for (const call of [
      () => clientA.scheduling.day.query({ date: '2030-03-04', modalityId: sb.modality.id }),
      () => clientA.scheduling.week.query({ date: '2030-03-04', modalityId: sb.modality.id }),
      () => clientA.scheduling.modalities.setOpeningHours.mutate({ id: sb.modality.id, openingHours: {} }),
      () =>
        clientA.scheduling.modalities.setCallers.mutate({
          id: sb.modality.id,
          callingAeTitles: ['INTRUDER'],
          allowedSources: ['0.0.0.0/0'],
          clientCertFingerprints: [],
        }),
      () => clientA.scheduling.modalities.retire.mutate({ id: sb.modality.id }),
      () => clientA.scheduling.modalities.reactivate.mutate({ id: sb.modality.id }),
      () => clientA.scheduling.modalities.delete.mutate({ id: sb.modality.id }),
    ]) {
      expect(await trpcError(call())).toMatchObject({ code: 'NOT_FOUND' });
    }
    const [modalityB] = await h.db.withTenant(b, listModalities);
    expect(modalityB).toMatchObject({ callingAeTitles: [], allowedSources: [], retiredAt: null });
    expect(Object.keys(modalityB!.openingHours)).toEqual(['1', '2', '3', '4', '5']);
    const changed = await clientA.scheduling.modalities.setOpeningHours.mutate({
      id: sa.modality.id,
      openingHours: { '1': [['08:00', '18:00']], '6': [['08:00', '12:00']] },
    });
    expect(Object.keys(changed.openingHours)).toEqual(['1', '6']);
    expect((await h.db.withTenant(b, listModalities))[0]!.openingHours).toEqual(modalityB!.openingHours);
  });

  it('naming tenant B in the header answers NOT_FOUND for the desk procedures', async () => {
    const asB = h.trpc({ token: tokenA, tenant: b.slug });
    for (const call of [
      () => asB.scheduling.availability.query({ examTypeId: sb.examType.id, ...day }),
      () => asB.scheduling.day.query({ date: '2030-03-04' }),
      () => asB.scheduling.week.query({ date: '2030-03-04', modalityId: sb.modality.id }),
      () => asB.scheduling.orders.toSchedule.query({}),
      () => asB.scheduling.modalities.setOpeningHours.mutate({ id: sb.modality.id, openingHours: {} }),
      () =>
        asB.scheduling.modalities.setCallers.mutate({
          id: sb.modality.id,
          callingAeTitles: ['INTRUDER'],
          allowedSources: ['0.0.0.0/0'],
          clientCertFingerprints: [],
        }),
      () => asB.scheduling.modalities.retire.mutate({ id: sb.modality.id }),
      () => asB.scheduling.modalities.delete.mutate({ id: sb.modality.id }),
      () => asB.scheduling.worklist.get.query(),
      () => asB.scheduling.worklist.set.mutate({ accentInsensitiveNames: true }),
    ]) {
      expect(await trpcError(call())).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('REST: availability, appointments, demandes, rooms, modalities, catalogue, referrers are A’s only', async () => {
    const get = async (path: string) => {
      const res = await h.rest(path, { key: ordersKeyA });
      return { status: res.status, body: (await res.json()) as { data?: { id: string }[] } };
    };
    const foreignType = await get(
      `/availability?examTypeId=${sb.examType.id}&from=2030-03-04T08:00:00Z&to=2030-03-04T12:00:00Z`,
    );
    expect(foreignType.status).toBe(404);
    const own = await h.rest(
      `/availability?examTypeId=${sa.examType.id}&from=2030-03-04T07:00:00Z&to=2030-03-04T12:00:00Z`,
      { key: ordersKeyA },
    );
    const ownSlots = ((await own.json()) as { slots: { modality: { id: string } }[] }).slots;
    expect(ownSlots.length).toBeGreaterThan(0);
    expect(ownSlots.every((s) => s.modality.id === sa.modality.id)).toBe(true);
    const appointments = await get('/appointments?from=2030-03-04T00:00:00Z&to=2030-03-05T00:00:00Z');
    expect(appointments.body.data!.map((x) => (x as unknown as { order: { id: string } }).order.id)).toEqual([
      sa.booked.id,
    ]);
    const demandes = (await get('/orders/to-schedule')).body.data!.map((o) => o.id);
    expect(demandes).toContain(sa.pending.id);
    expect(demandes).not.toContain(sb.pending.id);
    expect((await get(`/orders/to-schedule?patientId=${sb.patient.id}`)).body.data).toEqual([]);
    for (const [path, mine, theirs] of [
      ['/rooms', sa.room.id, sb.room.id],
      ['/modalities', sa.modality.id, sb.modality.id],
      ['/exam-types', sa.examType.id, sb.examType.id],
      ['/referrers', sa.referrer.id, sb.referrer.id],
    ] as const) {
      const ids = (await get(path)).body.data!.map((x) => x.id);
      expect(ids, path).toContain(mine);
      expect(ids, path).not.toContain(theirs);
    }
    const before = (await h.db.withTenant(b, listReferrers)).length;
    const created = await h.rest('/referrers', {
      key: ordersKeyA,
      method: 'POST',
      body: JSON.stringify({ familyName: 'Créé par API' }),
    });
    expect(created.status).toBe(201);
    expect((await h.db.withTenant(b, listReferrers)).length).toBe(before);
    expect((await h.db.withTenant(a, listReferrers)).map((r) => r.familyName)).toContain('Créé par API');
  });
});

describe('coverage of the isolation suite', () => {
  const covered = new Set([
    'onboarding.sites.list',
    'onboarding.sites.get',
    'onboarding.sites.create',
    'onboarding.practice.home',
    'onboarding.apiKeys.list',
    'onboarding.apiKeys.create',
    'onboarding.apiKeys.revoke',
    'onboarding.tenants.list',
    'onboarding.tenants.get',
    'onboarding.tenants.onboard',
    'onboarding.tenants.deprovision',
    'auth.me',
    'onboarding.hl7.routes.list',
    'onboarding.hl7.routes.create',
    'onboarding.hl7.routes.delete',
    'onboarding.hl7.messages.list',
    'onboarding.hl7.messages.replay',
    // Covered by the cross-tenant tests of hl7-routes.int.test.ts.
    'onboarding.hl7.routes.update',
    'onboarding.hl7.ports.settings',
    'onboarding.hl7.ports.list',
    'onboarding.hl7.ports.assign',
    'onboarding.hl7.ports.withdraw',
    // Covered by the cross-tenant test of patients.int.test.ts.
    'identity.search',
    'identity.get',
    'identity.history',
    'identity.create',
    'identity.changeTraits',
    'identity.changeComplementary',
    'identity.recordDocument',
    'identity.setAttributes',
    'identity.merge',
    // Covered by the cross-tenant test of scheduling.int.test.ts.
    'scheduling.rooms.list',
    'scheduling.rooms.create',
    'scheduling.modalities.list',
    'scheduling.modalities.create',
    'scheduling.examTypes.list',
    'scheduling.examTypes.create',
    'scheduling.referrers.list',
    'scheduling.referrers.create',
    // Covered by the cross-tenant test of referrers.int.test.ts.
    'scheduling.referrers.get',
    'scheduling.referrers.update',
    'scheduling.orders.create',
    'scheduling.orders.get',
    'scheduling.orders.cancel',
    'scheduling.appointments.book',
    'scheduling.appointments.list',
    'scheduling.exams.setStatus',
    // Covered above (scheduling with tenant A credentials).
    'scheduling.availability',
    'scheduling.day',
    'scheduling.week',
    'scheduling.orders.toSchedule',
    'scheduling.modalities.setOpeningHours',
    'scheduling.modalities.setCallers',
    'scheduling.modalities.retire',
    'scheduling.modalities.reactivate',
    'scheduling.modalities.delete',
    'scheduling.worklist.get',
    'scheduling.worklist.set',
    'identity.documentCopies.settings',
    'identity.documentCopies.setKeepCopies',
    'identity.documentCopies.add',
    'identity.documentCopies.list',
    'identity.documentCopies.view',
    // Covered by the cross-tenant test of insi.int.test.ts.
    'identity.callInsi',
    'onboarding.certificates.list',
    'onboarding.certificates.upload',
    'onboarding.certificates.revoke',
    // Covered by the cross-tenant tests of reports.int.test.ts (tRPC and REST).
    'reporting.create',
    'reporting.toWrite',
    'reporting.list',
    'reporting.get',
    'reporting.lock',
    'reporting.save',
    'reporting.setProvisional',
    'reporting.validate',
    'reporting.correct',
    'reporting.withdraw',
    'reporting.announce',
    'reporting.document',
    'reporting.readDocument',
    // Reads the file it is given, nothing of a practice.
    'reporting.readReceivedCda',
    'reporting.settings.get',
    'reporting.settings.setRgpdNotice',
    'onboarding.sites.setLetterhead',
    'delivery.forReport',
    'delivery.failed',
    'delivery.attempts',
    'delivery.retry',
    // Covered by the cross-tenant test of deliveries.int.test.ts (tRPC and REST).
    'delivery.cancel',
    'delivery.settings.get',
    'delivery.settings.set',
    'reporting.templates.list',
    'reporting.templates.create',
    'reporting.notifications',
    // Not tenant-scoped: they act on the caller's own session or on a secret token.
    'auth.login',
    'auth.logout',
    'auth.invitation',
    'auth.acceptInvitation',
    'auth.acceptInvitationSignedIn',
    // Covered by the cross-tenant tests of staff.int.test.ts (tRPC and REST).
    'staff.list',
    'staff.invite',
    'staff.resendInvitation',
    'staff.cancelInvitation',
    'staff.setRoles',
    'staff.setProfile',
    'staff.deactivate',
    'staff.reactivate',
    'staff.resetSecondFactor',
    // Sign-in steps on a pending token; security.* tested across practices in sign-in.int.test.ts.
    'auth.verifyTotp',
    'auth.totpEnrolment',
    'auth.confirmTotpEnrolment',
    'security.signIns',
    'security.policy',
    'security.setPolicy',
    // One's own account: tested across users in passwords.int.test.ts and sessions.int.test.ts.
    'auth.requestPasswordReset',
    'auth.passwordReset',
    'auth.resetPassword',
    'account.sessions',
    'account.revokeSession',
    'account.changePassword',
    // Pro Santé Connect: one's own flow (a secret flow token) or account; the practice setting
    // (security.setPolicy) is tested across practices in psc.int.test.ts.
    'auth.psc',
    'auth.pscBegin',
    'auth.pscComplete',
    'account.psc',
    'account.pscUnlink',
  ]);

  it('every tRPC procedure is covered above', () => {
    const procedures = Object.keys(appRouter._def.procedures);
    expect(procedures.filter((p) => !covered.has(p))).toEqual([]);
  });

  it('every REST route is covered above', async () => {
    const doc = (await (await h.rest('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual([
      'DELETE /staff/invitations/{id}',
      'GET /appointments',
      'GET /availability',
      'GET /exam-types',
      'GET /modalities',
      'GET /orders/to-schedule',
      'GET /orders/{id}',
      'GET /patients',
      'GET /patients/{id}',
      'GET /patients/{id}/history',
      'GET /referrers',
      'GET /reports',
      'GET /reports/documents/{id}',
      'GET /reports/documents/{id}/header',
      'GET /reports/to-write',
      'GET /reports/{id}',
      'GET /reports/{id}/deliveries',
      'GET /rooms',
      'GET /sites',
      'GET /sites/{id}',
      'GET /staff',
      'PATCH /patients/{id}/attributes',
      'PATCH /staff/{userId}',
      'POST /appointments',
      'POST /deliveries/{id}/cancel',
      'POST /deliveries/{id}/retry',
      'POST /orders',
      'POST /orders/{id}/cancel',
      'POST /patients',
      'POST /patients/{id}/identity-document',
      'POST /patients/{id}/insi',
      'POST /patients/{id}/merge',
      'POST /referrers',
      'POST /reports',
      'POST /reports/{id}/announcement',
      'POST /reports/{id}/correct',
      'POST /reports/{id}/provisional',
      'POST /reports/{id}/validate',
      'POST /reports/{id}/withdraw',
      'POST /sites',
      'POST /staff/invitations',
      'POST /staff/invitations/{id}/resend',
      'POST /staff/{userId}/deactivate',
      'POST /staff/{userId}/reactivate',
      'POST /staff/{userId}/second-factor/reset',
      'PUT /patients/{id}/complementary',
      'PUT /patients/{id}/traits',
      'PUT /referrers/{id}',
      'PUT /reports/{id}/body',
    ]);
  });
});
