/**
 * MPPS at the gateway: a modality reports its performed procedure steps (N-CREATE, then N-SET on
 * another association, here after a restart of the listener) and the practice's exams move.
 *
 * The modality is played by the dcmjs-dimse client (the library under @rayon/dicom): Debian's
 * dcmtk has no MPPS sender (no mppsscu), and no other independent MPPS SCU is installed here.
 */
import type { ModalityType } from '@rayon/domain';
import { createRequire } from 'node:module';
import {
  Database,
  findExam,
  findPerformedStep,
  insertAppointment,
  insertExamType,
  insertModality,
  insertOrderWithExams,
  insertRoom,
  listAuditEvents,
  listSites,
  setExamStatus,
  type TenantRef,
} from '@rayon/db';
import { createPatient } from '@rayon/identity';
import { createTestTenant } from '@rayon/db/testing';
import { MPPS_SOP_CLASS } from '@rayon/dicom';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWorklist } from '../src/dicom/worklist.ts';

/** The few parts of dcmjs-dimse's client API used here (the gateway does not depend on it). */
interface DimseRequest {
  setDataset(dataset: unknown): void;
  on(
    event: 'response',
    fn: (r: { getStatus(): number; getErrorComment(): string | undefined }) => void,
  ): void;
}
interface DimseModule {
  Client: new () => {
    addRequest(r: DimseRequest): void;
    on(event: string, fn: (e?: unknown) => void): void;
    send(host: string, port: number, callingAe: string, calledAe: string): void;
  };
  Dataset: new (elements: Record<string, unknown>) => unknown;
  requests: {
    NCreateRequest: new (sopClassUid: string, sopInstanceUid: string) => DimseRequest;
    NSetRequest: new (sopClassUid: string, sopInstanceUid: string) => DimseRequest;
  };
}
const dimse = createRequire(import.meta.resolve('@rayon/dicom'))('dcmjs-dimse') as DimseModule;

const HOST = '127.0.0.1';
const suffix = Math.random().toString(36).slice(2, 6).toUpperCase();
const AE_A = `MPA${suffix}`;
const AE_B = `MPB${suffix}`;
const AE_A2 = `MPC${suffix}`;
let db: Database;
let scp: Awaited<ReturnType<typeof startWorklist>>;
let port: number;
let a: TenantRef;
let b: TenantRef;
let modalityA: { id: string };
let examTypeA: { id: string; modalityType: ModalityType };
let patientA: { id: string };
let slot = 0;

const listen = (p: number) => startWorklist({ db, logger: pino({ level: 'silent' }), host: HOST, port: p });

/** An order of `count` exams of tenant A, each booked on A's modality. */
async function bookA(count = 1) {
  return db.withTenant(a, async (tx) => {
    const order = await insertOrderWithExams(tx, {
      patientId: patientA.id,
      referrerId: null,
      exams: Array.from({ length: count }, () => ({
        examTypeId: examTypeA.id,
        modalityType: examTypeA.modalityType,
      })),
      urgency: 'routine',
      clinicalInfo: null,
      placerOrderNumber: null,
      status: 'scheduled',
      source: 'desk',
    });
    for (const exam of order.exams) {
      const startsAt = new Date(Date.UTC(2031, 4, 5, 7) + slot++ * 20 * 60_000);
      await insertAppointment(tx, {
        examId: exam.id,
        modalityId: modalityA.id,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 15 * 60_000),
      });
    }
    return order;
  });
}

/**
 * One association, one request, released: the status and comment of the response. The modality
 * calls as its registered calling AE title, `<called AE>_SCU`, unless told otherwise.
 */
function send(
  request: DimseRequest,
  calledAe: string,
  callingAe = `${calledAe}_SCU`,
): Promise<{ status: number; comment?: string }> {
  return new Promise((resolve, reject) => {
    const client = new dimse.Client();
    let answer: { status: number; comment?: string } = { status: -1 };
    request.on('response', (r) => {
      const comment = r.getErrorComment();
      answer = { status: r.getStatus(), ...(comment ? { comment } : {}) };
    });
    client.addRequest(request);
    client.on('networkError', (e) => reject(e instanceof Error ? e : new Error(String(e))));
    client.on('associationRejected', () => reject(new Error(`association rejected by ${calledAe}`)));
    client.on('closed', () => resolve(answer));
    client.send(HOST, port, callingAe, calledAe);
  });
}

type Order = Awaited<ReturnType<typeof bookA>>;
function nCreate(sopInstanceUid: string, order: Order, exams = order.exams, calledAe = AE_A) {
  const r = new dimse.requests.NCreateRequest(MPPS_SOP_CLASS, sopInstanceUid);
  r.setDataset(
    new dimse.Dataset({
      PerformedProcedureStepStatus: 'IN PROGRESS',
      PerformedProcedureStepID: sopInstanceUid.slice(-8),
      PerformedStationAETitle: calledAe,
      Modality: 'CT',
      ScheduledStepAttributesSequence: exams.map((e) => ({
        AccessionNumber: order.accessionNumber,
        StudyInstanceUID: order.studyInstanceUid,
        RequestedProcedureID: e.stepId,
        ScheduledProcedureStepID: e.stepId,
      })),
    }),
  );
  return send(r, calledAe);
}
function nSet(sopInstanceUid: string, elements: Record<string, unknown>, calledAe = AE_A) {
  const r = new dimse.requests.NSetRequest(MPPS_SOP_CLASS, sopInstanceUid);
  r.setDataset(new dimse.Dataset(elements));
  return send(r, calledAe);
}
/** The callers a test modality registers: `<AE>_SCU` from the loopback address. */
const callers = (ae: string) => ({ callingAeTitles: [`${ae}_SCU`], allowedSources: ['127.0.0.1/32'] });

const examStatus = async (t: TenantRef, id: string) =>
  (await db.withTenant(t, (tx) => findExam(tx, id)))?.status;
const performed = (t: TenantRef, uid: string) => db.withTenant(t, (tx) => findPerformedStep(tx, uid));
const audits = async (examId: string) =>
  (await db.platform((tx) => listAuditEvents(tx, { target: examId })))
    .map((e) => ({ action: e.action, actor: `${e.actorType}:${e.actorId}`, details: e.details }))
    .reverse();
let uidSeq = 0;
const newUid = () => `1.2.826.0.1.3680043.10.1234.${Date.now()}.${++uidSeq}`;

beforeAll(async () => {
  db = new Database({ url: inject('databaseUrl'), max: 4 });
  a = await createTestTenant(db, { firstSite: 'Site A' });
  b = await createTestTenant(db, { firstSite: 'Site B' });
  ({ modalityA, examTypeA, patientA } = await db.withTenant(a, async (tx) => {
    const [site] = await listSites(tx);
    const room = await insertRoom(tx, { siteId: site!.id, name: 'Salle 1' });
    const modality = await insertModality(tx, {
      roomId: room.id,
      name: 'Scanner',
      type: 'CT',
      aeTitle: AE_A,
      ...callers(AE_A),
      openingHours: {},
    });
    // A second modality of the same practice.
    await insertModality(tx, {
      roomId: room.id,
      name: 'Scanner 2',
      type: 'CT',
      aeTitle: AE_A2,
      ...callers(AE_A2),
      openingHours: {},
    });
    const examType = await insertExamType(tx, {
      label: 'Scanner abdomino-pelvien',
      ccamCode: 'ZCQK002',
      modalityType: 'CT',
      durationMinutes: 15,
      preparation: null,
    });
    const patient = await createPatient(
      tx,
      { traits: { birthFamilyName: 'MPPS', firstBirthForename: 'Léa', birthDate: '1990-06-01', sex: 'F' } },
      { actor: { type: 'system', id: 'test' }, source: 'desk', now: new Date() },
    );
    return { modalityA: modality, examTypeA: examType, patientA: patient };
  }));
  // Tenant B: a modality only (no orders), so none of its steps shares an id with tenant A's.
  await db.withTenant(b, async (tx) => {
    const [site] = await listSites(tx);
    const room = await insertRoom(tx, { siteId: site!.id, name: 'Salle B' });
    await insertModality(tx, {
      roomId: room.id,
      name: 'Scanner B',
      type: 'CT',
      aeTitle: AE_B,
      ...callers(AE_B),
      openingHours: {},
    });
  });
  scp = await listen(0);
  port = scp.port;
});
afterAll(async () => {
  await scp?.close();
  await db?.close();
});

describe('MPPS at the gateway (dcmjs-dimse as the modality)', () => {
  it('IN PROGRESS moves the exam; after a restart, N-SET COMPLETED still finds it; a final step stays final', async () => {
    const order = await bookA();
    const exam = order.exams[0]!;
    const uid = newUid();
    expect(await nCreate(uid, order)).toEqual({ status: 0 });
    expect(await examStatus(a, exam.id)).toBe('in_progress');
    expect(await performed(a, uid)).toMatchObject({ examIds: [exam.id], status: 'IN PROGRESS' });

    // The gateway stops and starts again: nothing of the N-CREATE is left in memory.
    await scp.close();
    scp = await listen(port);
    expect(scp.port).toBe(port);

    expect(await nSet(uid, { PerformedProcedureStepStatus: 'COMPLETED' })).toEqual({ status: 0 });
    expect(await examStatus(a, exam.id)).toBe('completed');
    expect(await performed(a, uid)).toMatchObject({ status: 'COMPLETED' });
    const trail = [
      { action: 'exam.in_progress', actor: 'system:mpps', details: { mpps: uid } },
      { action: 'exam.completed', actor: 'system:mpps', details: { mpps: uid } },
    ];
    expect(await audits(exam.id)).toEqual(trail);

    // A completed step can no longer be updated (processing failure), and nothing changes.
    expect(await nSet(uid, { PerformedProcedureStepStatus: 'DISCONTINUED' })).toMatchObject({
      status: 0x0110,
    });
    expect(await nSet(uid, { PerformedProcedureStepStatus: 'IN PROGRESS' })).toMatchObject({
      status: 0x0110,
    });
    expect(await examStatus(a, exam.id)).toBe('completed');
    expect(await performed(a, uid)).toMatchObject({ status: 'COMPLETED' });
    expect(await audits(exam.id)).toEqual(trail);

    // The same SOP instance again: Duplicate SOP instance.
    expect(await nCreate(uid, order)).toMatchObject({ status: 0x0111 });
    // A new performed step for the completed exam: refused, no step kept, nothing moved.
    const late = newUid();
    expect(await nCreate(late, order)).toEqual({ status: 0x0110, comment: 'exam is completed' });
    expect(await performed(a, late)).toBeUndefined();
    expect(await examStatus(a, exam.id)).toBe('completed');
    expect(await audits(exam.id)).toEqual(trail);
  });

  it('an exam cancelled (or discontinued) is final: a performed step for it is refused, nothing kept or moved', async () => {
    for (const final of ['cancelled', 'discontinued'] as const) {
      const order = await bookA();
      const exam = order.exams[0]!;
      if (final === 'discontinued') {
        await db.withTenant(a, (tx) => setExamStatus(tx, exam.id, 'in_progress'));
      }
      await db.withTenant(a, (tx) => setExamStatus(tx, exam.id, final));
      const uid = newUid();
      expect(await nCreate(uid, order)).toEqual({ status: 0x0110, comment: `exam is ${final}` });
      expect(await performed(a, uid)).toBeUndefined();
      expect(await examStatus(a, exam.id)).toBe(final);
    }
  });

  it('one performed step for two scheduled steps, DISCONTINUED', async () => {
    const order = await bookA(2);
    const ids = order.exams.map((e) => e.id);
    const uid = newUid();
    expect(await nCreate(uid, order)).toEqual({ status: 0 });
    expect(await Promise.all(ids.map((id) => examStatus(a, id)))).toEqual(['in_progress', 'in_progress']);
    expect((await performed(a, uid))?.examIds.toSorted()).toEqual(ids.toSorted());
    // Attributes only (no status): accepted, nothing moves.
    expect(await nSet(uid, { PerformedProcedureStepDescription: 'Scanner abdomino-pelvien' })).toEqual({
      status: 0,
    });
    expect(await Promise.all(ids.map((id) => examStatus(a, id)))).toEqual(['in_progress', 'in_progress']);
    expect(await nSet(uid, { PerformedProcedureStepStatus: 'DISCONTINUED' })).toEqual({ status: 0 });
    expect(await Promise.all(ids.map((id) => examStatus(a, id)))).toEqual(['discontinued', 'discontinued']);
    expect(await performed(a, uid)).toMatchObject({ status: 'DISCONTINUED' });
    for (const id of ids) {
      expect((await audits(id)).map((x) => x.action)).toEqual(['exam.in_progress', 'exam.discontinued']);
    }
  });

  it('N-SET of a SOP instance never created: No such object instance', async () => {
    expect(await nSet(newUid(), { PerformedProcedureStepStatus: 'COMPLETED' })).toMatchObject({
      status: 0x0112,
    });
  });

  it('a modality of tenant B cannot move tenant A’s exam, even naming its step', async () => {
    const order = await bookA();
    const exam = order.exams[0]!;
    const uid = newUid();
    // Unknown to B: accepted as a step B has not scheduled, and A is untouched.
    expect(await nCreate(uid, order, order.exams, AE_B)).toEqual({ status: 0 });
    expect(await performed(b, uid)).toMatchObject({ examIds: [], status: 'IN PROGRESS' });
    expect(await nSet(uid, { PerformedProcedureStepStatus: 'COMPLETED' }, AE_B)).toEqual({ status: 0 });
    expect(await examStatus(a, exam.id)).toBe('scheduled');
    expect(await performed(a, uid)).toBeUndefined();
    expect(await audits(exam.id)).toEqual([]);
    // And A's modality does not see B's performed step.
    expect(await nSet(uid, { PerformedProcedureStepStatus: 'COMPLETED' })).toMatchObject({ status: 0x0112 });
    expect(await examStatus(a, exam.id)).toBe('scheduled');
  });

  it('N-SET from another modality of the practice: refused, the step and its exam unchanged', async () => {
    const order = await bookA();
    const exam = order.exams[0]!;
    const uid = newUid();
    expect(await nCreate(uid, order)).toEqual({ status: 0 });
    expect((await performed(a, uid))?.modalityId).toBe(modalityA.id);
    expect(await nSet(uid, { PerformedProcedureStepStatus: 'COMPLETED' }, AE_A2)).toEqual({
      status: 0x0110,
      comment: 'performed procedure step of another modality',
    });
    expect(await examStatus(a, exam.id)).toBe('in_progress');
    expect(await performed(a, uid)).toMatchObject({ status: 'IN PROGRESS', modalityId: modalityA.id });
    expect((await audits(exam.id)).map((x) => x.action)).toEqual(['exam.in_progress']);
    // Its own modality still can.
    expect(await nSet(uid, { PerformedProcedureStepStatus: 'COMPLETED' })).toEqual({ status: 0 });
    expect(await examStatus(a, exam.id)).toBe('completed');
  });

  it('an unregistered calling AE title cannot even associate', async () => {
    const order = await bookA();
    const r = new dimse.requests.NCreateRequest(MPPS_SOP_CLASS, newUid());
    r.setDataset(new dimse.Dataset({ PerformedProcedureStepStatus: 'IN PROGRESS' }));
    await expect(send(r, AE_A, 'MODALITY')).rejects.toThrow(/association rejected/);
    expect(await examStatus(a, order.exams[0]!.id)).toBe('scheduled');
  });
});
