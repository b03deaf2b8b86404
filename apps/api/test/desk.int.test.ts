/**
 * The desk (accueil) and the planning: free slots, opening hours, the day with patient names and
 * « en retard », demandes to schedule (with HL7 orders waiting for a catalogue entry), moving,
 * absence, arrival, the technologist's steps; the same through the public API.
 */
import { insertOrderWithExams, listSites, type TenantRef } from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let t: TenantRef;
let desk: ReturnType<Harness['trpc']>;
let tech: ReturnType<Harness['trpc']>;
let secretary: ReturnType<Harness['trpc']>;
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();

const weekdays = (intervals: [string, string][]) =>
  Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, intervals]));

let ct1: { id: string };
let ct2: { id: string };
let us: { id: string };
let ctScan: { id: string };
let usExam: { id: string };
let patient: { id: string };
let other: { id: string };

beforeAll(async () => {
  h = await createHarness();
  t = await createTestTenant(h.db, { firstSite: 'Site principal' });
  const staff = await h.signedInUser({
    email: uniqueEmail('accueil'),
    memberships: [{ tenant: t, roles: ['practice_admin', 'secretary'] }],
  });
  const secretaryOnly = await h.signedInUser({
    email: uniqueEmail('secretaire'),
    memberships: [{ tenant: t, roles: ['secretary'] }],
  });
  const technologist = await h.signedInUser({
    email: uniqueEmail('manip'),
    memberships: [{ tenant: t, roles: ['technologist'] }],
  });
  desk = h.trpc({ token: staff.token, tenant: t.slug });
  secretary = h.trpc({ token: secretaryOnly.token, tenant: t.slug });
  tech = h.trpc({ token: technologist.token, tenant: t.slug });
  const [site] = await h.db.withTenant(t, listSites);
  const room1 = await desk.scheduling.rooms.create.mutate({ siteId: site!.id, name: 'Salle 1' });
  const room2 = await desk.scheduling.rooms.create.mutate({ siteId: site!.id, name: 'Salle 2' });
  ct1 = await desk.scheduling.modalities.create.mutate({
    roomId: room1.id,
    name: 'Scanner 1',
    type: 'CT',
    aeTitle: `CT1${suffix}`,
    openingHours: weekdays([
      ['08:00', '12:00'],
      ['13:30', '18:00'],
    ]),
  });
  ct2 = await desk.scheduling.modalities.create.mutate({
    roomId: room2.id,
    name: 'Scanner 2',
    type: 'CT',
    aeTitle: `CT2${suffix}`,
    openingHours: weekdays([['09:00', '12:00']]),
  });
  us = await desk.scheduling.modalities.create.mutate({
    roomId: room2.id,
    name: 'Échographe',
    type: 'US',
    aeTitle: `US${suffix}`,
    openingHours: weekdays([['08:00', '18:00']]),
  });
  ctScan = await desk.scheduling.examTypes.create.mutate({
    label: 'Scanner thoracique',
    ccamCode: 'ZBQK002',
    modalityType: 'CT',
    durationMinutes: 15,
  });
  usExam = await desk.scheduling.examTypes.create.mutate({
    label: 'Échographie abdominale',
    modalityType: 'US',
    durationMinutes: 20,
    preparation: 'À jeun',
  });
  patient = await desk.identity.create.mutate({
    traits: { birthFamilyName: 'LEFÈVRE', firstBirthForename: 'Noëlle', birthDate: '1968-05-04', sex: 'F' },
    complementary: { usedFamilyName: 'MARCHAND', usedForename: null },
  });
  other = await desk.identity.create.mutate({
    traits: { birthFamilyName: 'GARNIER', firstBirthForename: 'Paul', birthDate: '1990-02-01', sex: 'M' },
  });
});
afterAll(() => h.close());

const order = (examTypeIds: string[], o: { urgency?: 'routine' | 'urgent'; patientId?: string } = {}) =>
  desk.scheduling.orders.create.mutate({
    patientId: o.patientId ?? patient.id,
    examTypeIds,
    urgency: o.urgency ?? 'routine',
    clinicalInfo: 'Bilan',
  });

const book = (examId: string, modalityId: string, startsAt: string, examTypeId?: string) =>
  desk.scheduling.appointments.book.mutate({
    examId,
    modalityId,
    startsAt,
    ...(examTypeId ? { examTypeId } : {}),
  });

const slotsOf = (r: { slots: { startsAt: string; modality: { id: string } }[] }) =>
  r.slots.map(
    (s) => `${s.modality.id === ct1.id ? 'CT1' : s.modality.id === ct2.id ? 'CT2' : 'US'} ${s.startsAt}`,
  );

describe('free slots', () => {
  // Monday 14 January 2030, winter time (UTC+1).
  const morning = { from: '2030-01-14T07:00:00+01:00', to: '2030-01-14T12:00:00+01:00' };

  it('proposes the first free slots of the exam type’s modalities, around the booked ones', async () => {
    const first = await order([ctScan.id]);
    await book(first.exams[0]!.id, ct1.id, '2030-01-14T08:00:00+01:00');
    const free = await desk.scheduling.availability.query({ examTypeId: ctScan.id, ...morning, limit: 6 });
    expect(free.examType).toMatchObject({ id: ctScan.id, durationMinutes: 15 });
    expect(slotsOf(free)).toEqual([
      'CT1 2030-01-14T07:15:00.000Z',
      'CT1 2030-01-14T07:30:00.000Z',
      'CT1 2030-01-14T07:45:00.000Z',
      'CT1 2030-01-14T08:00:00.000Z',
      'CT2 2030-01-14T08:00:00.000Z',
      'CT1 2030-01-14T08:15:00.000Z',
    ]);
    expect(free.slots[0]!.endsAt).toBe('2030-01-14T07:30:00.000Z');
    // Only the US for an ultrasound; one modality when asked; the exam being moved frees its slot.
    const usFree = await desk.scheduling.availability.query({ examTypeId: usExam.id, ...morning, limit: 2 });
    expect(slotsOf(usFree)).toEqual(['US 2030-01-14T07:00:00.000Z', 'US 2030-01-14T07:15:00.000Z']);
    const onCt2 = await desk.scheduling.availability.query({
      examTypeId: ctScan.id,
      ...morning,
      modalityId: ct2.id,
      step: 30,
      limit: 2,
    });
    expect(slotsOf(onCt2)).toEqual(['CT2 2030-01-14T08:00:00.000Z', 'CT2 2030-01-14T08:30:00.000Z']);
    const moving = await desk.scheduling.availability.query({
      examTypeId: ctScan.id,
      ...morning,
      modalityId: ct1.id,
      excludeExamId: first.exams[0]!.id,
      limit: 1,
    });
    expect(slotsOf(moving)).toEqual(['CT1 2030-01-14T07:00:00.000Z']);
  });

  it('never proposes the past, refuses a period over 31 days and another modality type', async () => {
    const past = await desk.scheduling.availability.query({
      examTypeId: ctScan.id,
      from: '2020-01-06T08:00:00+01:00',
      to: '2020-01-06T12:00:00+01:00',
    });
    expect(past.slots).toEqual([]);
    expect(
      await trpcError(
        desk.scheduling.availability.query({
          examTypeId: ctScan.id,
          from: '2030-01-01T00:00:00Z',
          to: '2030-03-01T00:00:00Z',
        }),
      ),
    ).toMatchObject({ appCode: 'BAD_INPUT', field: 'to' });
    expect(
      await trpcError(
        desk.scheduling.availability.query({ examTypeId: ctScan.id, ...morning, modalityId: us.id }),
      ),
    ).toMatchObject({ appCode: 'BAD_INPUT', field: 'modalityId' });
    expect(
      await trpcError(desk.scheduling.availability.query({ examTypeId: ctScan.id, ...morning, step: 7 })),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'step' });
  });
});

describe('booking and opening hours', () => {
  it('refuses a slot outside the modality’s opening hours, naming startsAt, and writes nothing', async () => {
    const o = await order([ctScan.id]);
    const examId = o.exams[0]!.id;
    for (const startsAt of [
      '2030-01-15T07:45:00+01:00', // before opening
      '2030-01-15T11:50:00+01:00', // runs into the lunch break
      '2030-01-19T10:00:00+01:00', // Saturday: closed
      '2030-07-16T17:50:00+02:00', // summer: 17:50–18:05 Paris, after closing
    ]) {
      const refused = await trpcError(book(examId, ct1.id, startsAt));
      expect(refused, startsAt).toMatchObject({ appCode: 'BAD_INPUT', field: 'startsAt' });
      expect(refused.message).toMatch(/outside the opening hours of the modality Scanner 1/);
    }
    expect((await desk.scheduling.orders.get.query({ id: o.id })).exams[0]!.status).toBe('requested');
    // Up to the closing time, in summer time too.
    await book(examId, ct1.id, '2030-07-16T17:45:00+02:00');
    expect((await desk.scheduling.orders.get.query({ id: o.id })).exams[0]!.status).toBe('scheduled');
  });
});

describe('the desk’s day', () => {
  it('lists each modality’s appointments with the patient’s names and « en retard » from the clock', async () => {
    // Monday 6 January 2020: long past, so a patient still expected is late.
    const expected = await order([ctScan.id]);
    const arrived = await order([ctScan.id], { urgency: 'urgent', patientId: other.id });
    await book(expected.exams[0]!.id, ct1.id, '2020-01-06T09:00:00+01:00');
    await book(arrived.exams[0]!.id, ct1.id, '2020-01-06T09:15:00+01:00');
    await desk.scheduling.exams.setStatus.mutate({ examId: arrived.exams[0]!.id, status: 'arrived' });

    const day = await secretary.scheduling.day.query({ date: '2020-01-06' });
    expect(day.dates).toEqual(['2020-01-06']);
    expect(day.modalities.map((m) => m.name).sort()).toEqual(['Scanner 1', 'Scanner 2', 'Échographe'].sort());
    const scanner1 = day.modalities.find((m) => m.id === ct1.id);
    const scanner2 = day.modalities.find((m) => m.id === ct2.id);
    expect(scanner1!.room.name).toBe('Salle 1');
    expect(scanner1!.days[0]!.opening).toEqual([
      { start: '2020-01-06T07:00:00.000Z', end: '2020-01-06T11:00:00.000Z' },
      { start: '2020-01-06T12:30:00.000Z', end: '2020-01-06T17:00:00.000Z' },
    ]);
    expect(scanner2!.days[0]!.appointments).toEqual([]);
    const [first, second] = scanner1!.days[0]!.appointments;
    expect(first).toMatchObject({
      startsAt: '2020-01-06T08:00:00.000Z',
      endsAt: '2020-01-06T08:15:00.000Z',
      late: true,
      exam: { status: 'scheduled', label: 'Scanner thoracique' },
      order: { urgency: 'routine', accessionNumber: expected.accessionNumber },
      patient: {
        id: patient.id,
        birthFamilyName: 'LEFÈVRE',
        usedFamilyName: 'MARCHAND',
        firstBirthForename: 'Noëlle',
        birthDate: '1968-05-04',
      },
    });
    expect(second).toMatchObject({
      late: false,
      exam: { status: 'arrived' },
      order: { urgency: 'urgent' },
      patient: { birthFamilyName: 'GARNIER', usedFamilyName: null, firstBirthForename: 'Paul' },
    });
    // A day to come: nobody is late yet.
    const later = await order([usExam.id]);
    await book(later.exams[0]!.id, us.id, '2030-01-14T10:00:00+01:00');
    const future = await desk.scheduling.day.query({ date: '2030-01-14', modalityId: us.id });
    expect(future.modalities.map((m) => m.name)).toEqual(['Échographe']);
    expect(future.modalities[0]!.days[0]!.appointments.map((a) => [a.exam.label, a.late])).toEqual([
      ['Échographie abdominale', false],
    ]);
  });

  it('« absent » frees the slot and stays visible; cancelling the appointment sends the demande back', async () => {
    const missed = await order([ctScan.id]);
    const examId = missed.exams[0]!.id;
    await book(examId, ct2.id, '2030-01-16T09:00:00+01:00');
    await secretary.scheduling.exams.setStatus.mutate({ examId, status: 'no_show' });
    const day = await desk.scheduling.day.query({ date: '2030-01-16', modalityId: ct2.id });
    expect(day.modalities[0]!.days[0]!.appointments).toMatchObject([
      { exam: { id: examId, status: 'no_show' }, active: false, late: false },
    ]);
    const free = await desk.scheduling.availability.query({
      examTypeId: ctScan.id,
      modalityId: ct2.id,
      from: '2030-01-16T09:00:00+01:00',
      to: '2030-01-16T09:15:00+01:00',
    });
    expect(slotsOf(free)).toEqual(['CT2 2030-01-16T08:00:00.000Z']);
    // The active appointments list (and the API's) shows only the ones still holding a slot.
    expect(
      await desk.scheduling.appointments.list.query({
        from: '2030-01-16T00:00:00+01:00',
        to: '2030-01-17T00:00:00+01:00',
      }),
    ).toEqual([]);

    // An absent patient is booked again; then the appointment is cancelled: back to the demandes.
    await book(examId, ct2.id, '2030-01-16T10:00:00+01:00');
    await secretary.scheduling.exams.setStatus.mutate({ examId, status: 'requested' });
    const after = await desk.scheduling.day.query({ date: '2030-01-16', modalityId: ct2.id });
    expect(after.modalities[0]!.days[0]!.appointments).toEqual([]);
    const waiting = await desk.scheduling.orders.toSchedule.query({ patientId: patient.id });
    expect(waiting.find((o) => o.id === missed.id)?.exams).toMatchObject([
      { id: examId, status: 'requested' },
    ]);
  });

  it('moves an appointment (the old slot is freed) and refuses to move it onto a taken slot', async () => {
    const moved = await order([ctScan.id]);
    const blocker = await order([ctScan.id], { patientId: other.id });
    const examId = moved.exams[0]!.id;
    await book(examId, ct1.id, '2030-01-17T09:00:00+01:00');
    await book(blocker.exams[0]!.id, ct1.id, '2030-01-17T11:00:00+01:00');
    await book(examId, ct1.id, '2030-01-17T10:00:00+01:00');
    expect(await trpcError(book(examId, ct1.id, '2030-01-17T11:05:00+01:00'))).toMatchObject({
      code: 'CONFLICT',
      field: 'startsAt',
    });
    const day = await desk.scheduling.day.query({ date: '2030-01-17', modalityId: ct1.id });
    expect(
      day.modalities[0]!.days[0]!.appointments.map((a) => [a.exam.id, a.startsAt, a.exam.status]),
    ).toEqual([
      [examId, '2030-01-17T09:00:00.000Z', 'scheduled'],
      [blocker.exams[0]!.id, '2030-01-17T10:00:00.000Z', 'scheduled'],
    ]);
    const free = await desk.scheduling.availability.query({
      examTypeId: ctScan.id,
      modalityId: ct1.id,
      from: '2030-01-17T09:00:00+01:00',
      to: '2030-01-17T09:15:00+01:00',
    });
    expect(slotsOf(free)).toEqual(['CT1 2030-01-17T08:00:00.000Z']);
  });

  it('arrival, then the technologist starts and ends the exam; the desk cannot', async () => {
    const o = await order([usExam.id]);
    const examId = o.exams[0]!.id;
    await book(examId, us.id, '2030-01-18T08:00:00+01:00');
    expect(
      await trpcError(secretary.scheduling.exams.setStatus.mutate({ examId, status: 'in_progress' })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    await secretary.scheduling.exams.setStatus.mutate({ examId, status: 'arrived' });
    const seen = async () =>
      (await tech.scheduling.day.query({ date: '2030-01-18', modalityId: us.id })).modalities[0]!.days[0]!
        .appointments[0]!.exam.status;
    expect(await seen()).toBe('arrived');
    await tech.scheduling.exams.setStatus.mutate({ examId, status: 'in_progress' });
    expect(await seen()).toBe('in_progress');
    expect(
      await trpcError(secretary.scheduling.exams.setStatus.mutate({ examId, status: 'no_show' })),
    ).toMatchObject({ code: 'CONFLICT' });
    await tech.scheduling.exams.setStatus.mutate({ examId, status: 'completed' });
    expect(await seen()).toBe('completed');
  });

  it('the week of a modality: Monday to Sunday, each day with its opening hours and appointments', async () => {
    const o = await order([usExam.id]);
    await book(o.exams[0]!.id, us.id, '2030-01-24T14:00:00+01:00');
    const week = await desk.scheduling.week.query({ date: '2030-01-24', modalityId: us.id });
    expect(week.dates).toEqual([
      '2030-01-21',
      '2030-01-22',
      '2030-01-23',
      '2030-01-24',
      '2030-01-25',
      '2030-01-26',
      '2030-01-27',
    ]);
    const days = week.modalities[0]!.days;
    expect(days.map((d) => d.opening.length)).toEqual([1, 1, 1, 1, 1, 0, 0]);
    expect(days.map((d) => d.appointments.length)).toEqual([0, 0, 0, 1, 0, 0, 0]);
    expect(days[3]!.appointments[0]!.patient.birthFamilyName).toBe('LEFÈVRE');
  });
});

describe('demandes to schedule', () => {
  it('lists orders with exams still requested, urgent first; a booked order leaves the list', async () => {
    const routine = await order([ctScan.id, usExam.id], { patientId: other.id });
    const urgent = await order([usExam.id], { urgency: 'urgent', patientId: other.id });
    const ids = async () =>
      (await desk.scheduling.orders.toSchedule.query({ patientId: other.id })).map((o) => o.id);
    const listed = await ids();
    expect(listed.indexOf(urgent.id)).toBeLessThan(listed.indexOf(routine.id));
    const [entry] = (await desk.scheduling.orders.toSchedule.query({ patientId: other.id })).filter(
      (o) => o.id === routine.id,
    );
    expect(entry).toMatchObject({
      accessionNumber: routine.accessionNumber,
      urgency: 'routine',
      clinicalInfo: 'Bilan',
      patient: { birthFamilyName: 'GARNIER', firstBirthForename: 'Paul' },
      exams: [
        { status: 'requested', examType: { label: 'Scanner thoracique' } },
        { status: 'requested', examType: { label: 'Échographie abdominale' } },
      ],
    });
    await book(routine.exams[0]!.id, ct1.id, '2030-01-28T08:00:00+01:00');
    expect(
      (await desk.scheduling.orders.toSchedule.query({ patientId: other.id }))
        .find((o) => o.id === routine.id)
        ?.exams.map((e) => e.status),
    ).toEqual(['scheduled', 'requested']);
    await book(routine.exams[1]!.id, us.id, '2030-01-28T08:00:00+01:00');
    expect(await ids()).not.toContain(routine.id);
    expect(
      (await desk.scheduling.orders.toSchedule.query({ patientId: patient.id })).map((o) => o.patient.id),
    ).not.toContain(other.id);
  });

  it('an HL7 order waits for its catalogue entry: the desk picks one of the same modality type when booking', async () => {
    const received = await h.db.withTenant(t, (tx) =>
      insertOrderWithExams(tx, {
        patientId: patient.id,
        referrerId: null,
        exams: [{ examTypeId: null, modalityType: 'CT', requestedProcedure: 'TDM THORAX' }],
        urgency: 'routine',
        clinicalInfo: null,
        placerOrderNumber: `PLACER-${suffix}`,
        placerAuthority: 'CHU',
        source: 'hl7',
        status: 'requested',
      }),
    );
    const examId = received.exams[0]!.id;
    const listed = (await desk.scheduling.orders.toSchedule.query({ patientId: patient.id })).find(
      (o) => o.id === received.id,
    );
    expect(listed).toMatchObject({
      source: 'hl7',
      exams: [{ id: examId, examType: null, modalityType: 'CT', requestedProcedure: 'TDM THORAX' }],
    });
    expect(await trpcError(book(examId, ct1.id, '2030-01-29T08:00:00+01:00'))).toMatchObject({
      appCode: 'BAD_INPUT',
      field: 'examTypeId',
    });
    expect(await trpcError(book(examId, us.id, '2030-01-29T08:00:00+01:00', usExam.id))).toMatchObject({
      appCode: 'BAD_INPUT',
      field: 'examTypeId',
    });
    const booked = await book(examId, ct1.id, '2030-01-29T08:00:00+01:00', ctScan.id);
    expect(new Date(booked.endsAt).getTime() - new Date(booked.startsAt).getTime()).toBe(15 * 60_000);
    const day = await desk.scheduling.day.query({ date: '2030-01-29', modalityId: ct1.id });
    expect(day.modalities[0]!.days[0]!.appointments[0]!.exam).toMatchObject({
      id: examId,
      examTypeId: ctScan.id,
      label: 'Scanner thoracique',
    });
  });
});

describe('the same through the public API', () => {
  it('availability, appointments with their patient, demandes to schedule, catalogue and referrers', async () => {
    const platform = await h.signedInUser({ email: uniqueEmail('platform'), platformAdmin: true });
    const admin = h.trpc({ token: platform.token });
    const key = (
      await admin.onboarding.apiKeys.create.mutate({
        tenantSlug: t.slug,
        name: 'tele',
        scopes: ['orders:read', 'orders:write'],
      })
    ).secret;
    const readOnly = (
      await admin.onboarding.apiKeys.create.mutate({
        tenantSlug: t.slug,
        name: 'ro',
        scopes: ['orders:read'],
      })
    ).secret;
    const get = async (path: string) => {
      const res = await h.rest(path, { key });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    const free = await get(
      `/availability?examTypeId=${usExam.id}&from=2030-02-04T08:00:00%2B01:00&to=2030-02-04T09:00:00%2B01:00&limit=2&step=30`,
    );
    expect(free.status).toBe(200);
    expect(free.body).toMatchObject({
      examType: { id: usExam.id, durationMinutes: 20 },
      slots: [
        { startsAt: '2030-02-04T07:00:00.000Z', endsAt: '2030-02-04T07:20:00.000Z', modality: { id: us.id } },
        { startsAt: '2030-02-04T07:30:00.000Z', modality: { id: us.id } },
      ],
    });
    const bad = await get(`/availability?examTypeId=${usExam.id}&from=demain&to=2030-02-04T09:00:00Z`);
    expect(bad).toMatchObject({ status: 400, body: { error: { field: 'from' } } });

    const o = await order([usExam.id]);
    const outside = await h.rest('/appointments', {
      key,
      method: 'POST',
      body: JSON.stringify({
        examId: o.exams[0]!.id,
        modalityId: us.id,
        startsAt: '2030-02-04T19:00:00+01:00',
      }),
    });
    expect(outside.status).toBe(400);
    expect(await outside.json()).toMatchObject({ error: { code: 'BAD_INPUT', field: 'startsAt' } });
    const waiting = await get(`/orders/to-schedule?patientId=${patient.id}`);
    expect((waiting.body.data as { id: string }[]).map((x) => x.id)).toContain(o.id);

    await book(o.exams[0]!.id, us.id, '2030-02-04T08:00:00+01:00');
    const listed = await get('/appointments?from=2030-02-04T00:00:00%2B01:00&to=2030-02-05T00:00:00%2B01:00');
    expect(listed.status).toBe(200);
    expect(listed.body.data).toMatchObject([
      {
        startsAt: '2030-02-04T07:00:00.000Z',
        late: false,
        exam: { id: o.exams[0]!.id, status: 'scheduled', label: 'Échographie abdominale' },
        patient: { birthFamilyName: 'LEFÈVRE', usedFamilyName: 'MARCHAND' },
      },
    ]);

    expect(((await get('/rooms')).body.data as { name: string }[]).map((r) => r.name)).toEqual([
      'Salle 1',
      'Salle 2',
    ]);
    expect((await get('/modalities')).body.data).toContainEqual(
      expect.objectContaining({ id: ct2.id, type: 'CT', openingHours: weekdays([['09:00', '12:00']]) }),
    );
    expect((await get('/exam-types')).body.data).toContainEqual(
      expect.objectContaining({ id: usExam.id, preparation: 'À jeun', ccamCode: null }),
    );
    const created = await h.rest('/referrers', {
      key,
      method: 'POST',
      body: JSON.stringify({ rpps: '10001234567', familyName: 'Durand', givenName: 'Anne' }),
    });
    expect(created.status).toBe(201);
    const again = await h.rest('/referrers', {
      key,
      method: 'POST',
      body: JSON.stringify({ rpps: '10001234567', familyName: 'Durand' }),
    });
    expect(again.status).toBe(409);
    expect((await get('/referrers')).body.data).toMatchObject([
      { rpps: '10001234567', familyName: 'Durand' },
    ]);
    const refused = await h.rest('/referrers', {
      key: readOnly,
      method: 'POST',
      body: JSON.stringify({ familyName: 'Martin' }),
    });
    expect(refused.status).toBe(403);
  });
});
