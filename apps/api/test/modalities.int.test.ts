/**
 * A modality's callers (calling AE titles, source addresses, client certificates), its
 * retirement and its deletion, through the portal's API; normalised AE titles; tenant-isolated.
 */
import { findAeTitleTenant, listSites, type TenantRef } from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let a: TenantRef;
let b: TenantRef;
let adminA: ReturnType<Harness['trpc']>;
let adminB: ReturnType<Harness['trpc']>;
let roomA: { id: string };
let roomB: { id: string };
const week = Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['08:00', '19:00']]])) as Record<
  '1' | '2' | '3' | '4' | '5',
  [string, string][]
>;
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const FP = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0')).join(':');

const modality = (client: ReturnType<Harness['trpc']>, roomId: string, ae: string, extra = {}) =>
  client.scheduling.modalities.create.mutate({
    roomId,
    name: `Scanner ${ae}`,
    type: 'CT',
    aeTitle: ae,
    openingHours: week,
    ...extra,
  });

beforeAll(async () => {
  h = await createHarness();
  a = await createTestTenant(h.db, { firstSite: 'Site A' });
  b = await createTestTenant(h.db, { firstSite: 'Site B' });
  const ua = await h.signedInUser({
    email: uniqueEmail('mod-a'),
    memberships: [{ tenant: a, roles: ['practice_admin', 'secretary'] }],
  });
  const ub = await h.signedInUser({
    email: uniqueEmail('mod-b'),
    memberships: [{ tenant: b, roles: ['practice_admin', 'secretary'] }],
  });
  adminA = h.trpc({ token: ua.token, tenant: a.slug });
  adminB = h.trpc({ token: ub.token, tenant: b.slug });
  const [siteA] = await h.db.withTenant(a, listSites);
  const [siteB] = await h.db.withTenant(b, listSites);
  roomA = await adminA.scheduling.rooms.create.mutate({ siteId: siteA!.id, name: 'Salle A' });
  roomB = await adminB.scheduling.rooms.create.mutate({ siteId: siteB!.id, name: 'Salle B' });
});
afterAll(() => h.close());

describe('a modality’s callers', () => {
  it('are registered normalised, with the AE title, and replaced as a whole', async () => {
    const m = await modality(adminA, roomA.id, ` cal${suffix}`.toLowerCase(), {
      callingAeTitles: [` ct_scu${suffix}`.toLowerCase(), `CT_SCU${suffix}`],
      allowedSources: ['10.1.2.0/24', '::1'],
      clientCertFingerprints: [FP.replaceAll(':', '')],
    });
    expect(m).toMatchObject({
      aeTitle: `CAL${suffix}`,
      callingAeTitles: [`CT_SCU${suffix}`],
      allowedSources: ['10.1.2.0/24', '::1/128'],
      clientCertFingerprints: [FP.toUpperCase()],
    });
    const changed = await adminA.scheduling.modalities.setCallers.mutate({
      id: m.id,
      callingAeTitles: ['modality_2'],
      allowedSources: ['192.0.2.10'],
      clientCertFingerprints: [],
    });
    expect(changed).toMatchObject({
      callingAeTitles: ['MODALITY_2'],
      allowedSources: ['192.0.2.10/32'],
      clientCertFingerprints: [],
    });
  });

  it('bad entries are refused naming the field, and nothing is written', async () => {
    const m = await modality(adminA, roomA.id, `BAD${suffix}`);
    for (const [input, field] of [
      [{ callingAeTitles: ['OK', 'A\\B'] }, 'callingAeTitles[1]'],
      [{ callingAeTitles: ['   '] }, 'callingAeTitles[0]'],
      [{ callingAeTitles: ['X'.repeat(17)] }, 'callingAeTitles[0]'],
      [{ allowedSources: ['10.0.0.0/8', '10.0.0.1/8'] }, 'allowedSources[1]'],
      [{ allowedSources: ['hospital.example'] }, 'allowedSources[0]'],
      [{ clientCertFingerprints: ['AB:CD'] }, 'clientCertFingerprints[0]'],
    ] as [
      Partial<Record<'callingAeTitles' | 'allowedSources' | 'clientCertFingerprints', string[]>>,
      string,
    ][]) {
      expect(
        await trpcError(
          adminA.scheduling.modalities.setCallers.mutate({
            id: m.id,
            callingAeTitles: [],
            allowedSources: [],
            clientCertFingerprints: [],
            ...input,
          }),
        ),
      ).toMatchObject({ appCode: 'BAD_INPUT', field });
    }
    expect(
      await trpcError(modality(adminA, roomA.id, `BAD2${suffix}`, { callingAeTitles: ['A\nB'] })),
    ).toMatchObject({ appCode: 'BAD_INPUT', field: 'callingAeTitles[0]' });
    expect((await adminA.scheduling.modalities.list.query()).map((x) => x.aeTitle)).not.toContain(
      `BAD2${suffix}`,
    );
  });

  it('an AE title in lower case or padded is the same title: no second modality, in any practice', async () => {
    await modality(adminA, roomA.id, `DUP${suffix}`);
    for (const [client, room] of [
      [adminA, roomA],
      [adminB, roomB],
    ] as const) {
      for (const variant of [` DUP${suffix}`, `dup${suffix}`.toLowerCase(), `Dup${suffix} `]) {
        expect(await trpcError(modality(client, room.id, variant))).toMatchObject({
          code: 'CONFLICT',
          field: 'aeTitle',
        });
      }
    }
    const found = await h.db.platform((tx) => findAeTitleTenant(tx, `DUP${suffix}`));
    expect(found?.tenant.id).toBe(a.id);
  });
});

describe('retiring and deleting a modality', () => {
  async function examType(client: ReturnType<Harness['trpc']>) {
    return client.scheduling.examTypes.create.mutate({
      label: 'Scanner du crâne',
      ccamCode: 'ACQK001',
      modalityType: 'CT',
      durationMinutes: 15,
    });
  }
  async function order(client: ReturnType<Harness['trpc']>, typeId: string) {
    const patient = await client.identity.create.mutate({
      traits: { birthFamilyName: 'RETRAIT', firstBirthForename: 'Rémi', birthDate: '1970-01-01', sex: 'M' },
    });
    return client.scheduling.orders.create.mutate({
      patientId: patient.id,
      examTypeIds: [typeId],
      urgency: 'routine',
    });
  }

  it('a retired modality takes no booking and offers no slot; retiring waits for its future appointments', async () => {
    const type = await examType(adminA);
    const m = await modality(adminA, roomA.id, `RET${suffix}`);
    const o = await order(adminA, type.id);
    await adminA.scheduling.appointments.book.mutate({
      examId: o.exams[0]!.id,
      modalityId: m.id,
      startsAt: '2031-01-08T10:00:00+01:00',
    });
    expect(await trpcError(adminA.scheduling.modalities.retire.mutate({ id: m.id }))).toMatchObject({
      code: 'CONFLICT',
    });
    await adminA.scheduling.exams.setStatus.mutate({ examId: o.exams[0]!.id, status: 'requested' });
    const retired = await adminA.scheduling.modalities.retire.mutate({ id: m.id });
    expect(retired.retiredAt).not.toBeNull();
    expect(
      await trpcError(
        adminA.scheduling.appointments.book.mutate({
          examId: o.exams[0]!.id,
          modalityId: m.id,
          startsAt: '2031-01-08T11:00:00+01:00',
        }),
      ),
    ).toMatchObject({ appCode: 'BAD_INPUT', field: 'modalityId' });
    const free = await adminA.scheduling.availability.query({
      examTypeId: type.id,
      from: '2031-01-08T08:00:00+01:00',
      to: '2031-01-09T08:00:00+01:00',
    });
    expect(free.slots.map((s) => s.modality.id)).not.toContain(m.id);
    // Still listed (its history), and its AE title stays reserved for the practice.
    expect(
      (await adminA.scheduling.modalities.list.query()).find((x) => x.id === m.id)?.retiredAt,
    ).toBeTruthy();
    expect(await trpcError(modality(adminB, roomB.id, `RET${suffix}`))).toMatchObject({ code: 'CONFLICT' });
    // Back in service.
    expect((await adminA.scheduling.modalities.reactivate.mutate({ id: m.id })).retiredAt).toBeNull();
    await adminA.scheduling.appointments.book.mutate({
      examId: o.exams[0]!.id,
      modalityId: m.id,
      startsAt: '2031-01-08T11:00:00+01:00',
    });
  });

  it('a modality with history cannot be deleted; one without is, and its AE title is free again', async () => {
    const type = await examType(adminA);
    const used = await modality(adminA, roomA.id, `USED${suffix}`);
    const o = await order(adminA, type.id);
    await adminA.scheduling.appointments.book.mutate({
      examId: o.exams[0]!.id,
      modalityId: used.id,
      startsAt: '2031-01-10T10:00:00+01:00',
    });
    // Even once the appointment is released, it is history.
    await adminA.scheduling.exams.setStatus.mutate({ examId: o.exams[0]!.id, status: 'requested' });
    expect(await trpcError(adminA.scheduling.modalities.delete.mutate({ id: used.id }))).toMatchObject({
      code: 'CONFLICT',
    });
    const unused = await modality(adminA, roomA.id, `FREE${suffix}`);
    expect(await adminA.scheduling.modalities.delete.mutate({ id: unused.id })).toEqual({ id: unused.id });
    expect((await adminA.scheduling.modalities.list.query()).map((x) => x.id)).not.toContain(unused.id);
    expect(await h.db.platform((tx) => findAeTitleTenant(tx, `FREE${suffix}`))).toBeUndefined();
    expect((await modality(adminB, roomB.id, `free${suffix}`.toLowerCase())).aeTitle).toBe(`FREE${suffix}`);
  });
});

describe('cross-tenant', () => {
  it('practice A can neither see, change, retire nor delete practice B’s modality', async () => {
    const mb = await modality(adminB, roomB.id, `XB${suffix}`, {
      callingAeTitles: ['B_SCU'],
      allowedSources: ['10.9.9.0/24'],
    });
    expect((await adminA.scheduling.modalities.list.query()).map((x) => x.id)).not.toContain(mb.id);
    for (const call of [
      () =>
        adminA.scheduling.modalities.setCallers.mutate({
          id: mb.id,
          callingAeTitles: ['A_SCU'],
          allowedSources: ['0.0.0.0/0'],
          clientCertFingerprints: [],
        }),
      () => adminA.scheduling.modalities.retire.mutate({ id: mb.id }),
      () => adminA.scheduling.modalities.reactivate.mutate({ id: mb.id }),
      () => adminA.scheduling.modalities.delete.mutate({ id: mb.id }),
    ]) {
      expect(await trpcError(call())).toMatchObject({ code: 'NOT_FOUND' });
    }
    const still = (await adminB.scheduling.modalities.list.query()).find((x) => x.id === mb.id);
    expect(still).toMatchObject({
      callingAeTitles: ['B_SCU'],
      allowedSources: ['10.9.9.0/24'],
      retiredAt: null,
    });
    expect(await h.db.platform((tx) => findAeTitleTenant(tx, `XB${suffix}`))).toMatchObject({
      tenant: { id: b.id },
    });
  });

  it('only a practice administrator manages callers', async () => {
    const m = await modality(adminA, roomA.id, `ROLE${suffix}`);
    const secretary = h.trpc({
      token: (
        await h.signedInUser({
          email: uniqueEmail('sec'),
          memberships: [{ tenant: a, roles: ['secretary'] }],
        })
      ).token,
      tenant: a.slug,
    });
    for (const call of [
      () =>
        secretary.scheduling.modalities.setCallers.mutate({
          id: m.id,
          callingAeTitles: ['X'],
          allowedSources: [],
          clientCertFingerprints: [],
        }),
      () => secretary.scheduling.modalities.retire.mutate({ id: m.id }),
      () => secretary.scheduling.modalities.delete.mutate({ id: m.id }),
    ]) {
      expect(await trpcError(call())).toMatchObject({ code: 'FORBIDDEN' });
    }
  });
});
