/**
 * Orders over MLLP end to end: the ANS teleradiology ORM^O01 / OMI^O23 examples sent by the real
 * external peer (Debian python3-hl7, see ./mllp-peer.ts) to the gateway, and what they make of the
 * practice's orders; malformed orders get AE/AR with an ERR and leave nothing behind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModalityType } from '@rayon/domain';
import {
  activeAppointmentOfExam,
  Database,
  findOrderByPlacer,
  findPatientByIns,
  insertAppointment,
  insertExamType,
  insertHl7Route,
  insertModality,
  insertRoom,
  listOrderExams,
  listReferrers,
  listSites,
  setExamStatus,
  setExamType,
  type TenantRef,
} from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { encodeFrame } from '@rayon/hl7';
import { createInbound } from '@rayon/inbound';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHl7Listeners } from '../src/hl7/listeners.ts';
import { freePort, send, sendRaw, sendText, shared } from './mllp-peer.ts';

/** The peers of these tests run on this machine: the routes register it as their sender. */
const LOCAL = ['127.0.0.1/32', '::1/128'];

const examples = join(shared, 'conformance/hl7v2/teleradiologie-examples');
const FLUX1 = join(examples, 'flux1_ORM_O01_transmission_demande.hl7');
const FLUX2 = join(examples, 'flux2_ORM_O01_annulation_demande.hl7');
const FLUX4 = join(examples, 'flux4_OMI_O23_complement_post_examen.hl7');
const text = (file: string) => readFileSync(file, 'utf8').replaceAll(/\r?\n/g, '\r');

const AUTHORITY = '1.2.250.1.748.12345678.12';
/** A DRIMbox partial URL as flux 4 carries it (base64 of UTF-8 text); the ANS example's own value is a placeholder. */
const VIEWER_URL =
  'drimbox.example.fr/viewer?StudyInstanceUID=1.2.250.1.213.4.5.2.1.101&AccessionNumber=ACN101';
const VIEWER_URL_BASE64 = Buffer.from(VIEWER_URL, 'utf8').toString('base64');
const PAT_TROIS_INS = '279035121518989';

let db: Database;
let a: TenantRef;
let b: TenantRef;
let portA: number;
let portB: number;
let listeners: Awaited<ReturnType<typeof startHl7Listeners>>;
let catalogue: { mri: string; ct: string; modalityId: string };

/** A variant of an example: another MSH-10, placer number, and what `edit` changes. */
let sequence = 0;
function variant(file: string, placer: string, edit: (t: string) => string = (t) => t) {
  const id = `ORD${Date.now()}${sequence++}`;
  const t = edit(
    text(file)
      .replace(/^(MSH(?:\|[^|\r]*){8})\|[^|\r]*/, `$1|${id}`)
      .replaceAll('OPN101^', `${placer}^`),
  );
  return { id, text: t };
}

const orderOf = (t: TenantRef, placer: string) =>
  db.withTenant(t, async (tx) => {
    const order = await findOrderByPlacer(tx, AUTHORITY, placer);
    return order ? { ...order, exams: await listOrderExams(tx, order.id) } : undefined;
  });

beforeAll(async () => {
  db = new Database({ url: inject('databaseUrl'), max: 8 });
  a = await createTestTenant(db, { firstSite: 'Centre' });
  b = await createTestTenant(db);
  [portA, portB] = [await freePort(), await freePort()];
  for (const [t, port] of [
    [a, portA],
    [b, portB],
  ] as const) {
    await db.platform((tx) =>
      insertHl7Route(tx, {
        tenantId: t.id,
        port,
        receivingApplication: null,
        receivingFacility: null,
        allowedSources: LOCAL,
      }),
    );
  }
  catalogue = await db.withTenant(a, async (tx) => {
    const [site] = await listSites(tx);
    const room = await insertRoom(tx, { siteId: site!.id, name: 'Salle IRM' });
    const modality = await insertModality(tx, {
      roomId: room.id,
      name: 'IRM 1.5T',
      type: 'MR',
      aeTitle: `MR_${a.slug.slice(-8)}`,
      openingHours: {},
    });
    const entry = (label: string, ccamCode: string, modalityType: ModalityType) =>
      insertExamType(tx, { label, ccamCode, modalityType, durationMinutes: 30, preparation: null });
    return {
      mri: (await entry('IRM cérébrale', 'ACQN001', 'MR')).id,
      ct: (await entry('Scanner abdomino-pelvien', 'ZCQK004', 'CT')).id,
      modalityId: modality.id,
    };
  });
  listeners = await startHl7Listeners({
    db,
    inbound: createInbound({ db }),
    logger: pino({ level: 'silent' }),
    host: '127.0.0.1',
    sharedPort: await freePort(),
    maxMessageBytes: 1024 * 1024,
    idleTimeoutMs: 60_000,
  });
});
afterAll(async () => {
  await listeners?.close();
  await db.close();
});

describe('orders over MLLP (CI-SIS teleradiology profile)', () => {
  it('flux 1, the ANS ORM^O01 example as is: ACKed AA, the order made with its patient, exam and referrer', async () => {
    const { code, out } = await send(portA, FLUX1);
    expect(code, out).toBe(0);
    const order = (await orderOf(a, 'OPN101'))!;
    expect(order).toMatchObject({ status: 'requested', source: 'hl7', urgency: 'routine' });
    expect(order.accessionNumber).toMatch(/^A\d{9}$/);
    expect(order.studyInstanceUid).toMatch(/^2\.25\.\d+$/);
    expect(order.clinicalInfo).toContain('JustificationDemande');
    expect(order.clinicalInfo).toContain('Antécédents majeur du patient');
    expect(order.exams).toHaveLength(1);
    expect(order.exams[0]).toMatchObject({
      examTypeId: null,
      modalityType: 'MR',
      requestedProcedure: 'IRM : tête et/ou cou, côté droit',
      status: 'requested',
      stepId: `${order.accessionNumber}-1`,
    });
    const patient = await db.withTenant(a, (tx) =>
      findPatientByIns(tx, PAT_TROIS_INS, '1.2.250.1.213.1.4.10'),
    );
    expect(patient).toMatchObject({ id: order.patientId, birthFamilyName: 'PAT-TROIS' });
    const referrers = await db.withTenant(a, listReferrers);
    expect(referrers.find((r) => r.id === order.referrerId)).toMatchObject({
      rpps: '01234567897',
      familyName: 'Hoda',
      givenName: 'Adam',
    });
    // Tenant B never sees it.
    expect(await orderOf(b, 'OPN101')).toBeUndefined();
  });

  it('flux 2, the ANS cancel (ORC-1 CA): the order and its exam are cancelled, the slot freed', async () => {
    const before = (await orderOf(a, 'OPN101'))!;
    const exam = before.exams[0]!;
    const appointment = await db.withTenant(a, async (tx) => {
      await setExamType(tx, exam.id, catalogue.mri);
      await setExamStatus(tx, exam.id, 'scheduled');
      return insertAppointment(tx, {
        examId: exam.id,
        modalityId: catalogue.modalityId,
        startsAt: new Date('2026-12-01T09:00:00Z'),
        endsAt: new Date('2026-12-01T09:30:00Z'),
      });
    });
    const { code, out } = await send(portA, FLUX2);
    expect(code, out).toBe(0);
    const after = (await orderOf(a, 'OPN101'))!;
    expect(after.status).toBe('cancelled');
    expect(after.exams.map((e) => e.status)).toEqual(['cancelled']);
    expect(await db.withTenant(a, (tx) => activeAppointmentOfExam(tx, exam.id))).toBeUndefined();
    expect(appointment.active).toBe(true);
  });

  it('flux 4, the ANS OMI^O23 post-exam complement: the exam completed, accession, study UID and viewer URL kept', async () => {
    expect((await send(portB, FLUX1)).code).toBe(0);
    // The example's viewer URL is a placeholder that decodes to no text: refused, AE naming OBX-5.
    const asIs = variant(FLUX4, 'OPN101');
    const [refused] = await sendRaw(portB, encodeFrame(Buffer.from(asIs.text)), 1);
    expect(refused).toContain(`MSA|AE|${asIs.id}`);
    expect(refused).toMatch(
      /ERR\|\|OBX\^1\^5\|102\^[^\r]*URL_PARTIELLE_VIEWER: the base64 does not decode to UTF-8 text/,
    );
    expect((await orderOf(b, 'OPN101'))!).toMatchObject({ status: 'requested', performed: null });
    const withUrl = variant(FLUX4, 'OPN101', (t) => t.replace('Penfhghdegge', VIEWER_URL_BASE64));
    const { code, out } = await sendText(portB, withUrl.text, 'flux4-url.hl7');
    expect(code, out).toBe(0);
    const order = (await orderOf(b, 'OPN101'))!;
    expect(order.status).toBe('completed');
    expect(order.exams.map((e) => e.status)).toEqual(['completed']);
    expect(order.performed).toMatchObject({
      at: '2026-01-06T18:44:18',
      accessionNumber: { value: 'ACN101', authority: '1.2.250.1.925.994044.27' },
      studyInstanceUid: '1.2.250.1.213.4.5.2.1.101',
      procedure: { code: '24590-2', system: 'LN' },
      viewerUrl: VIEWER_URL,
    });
  });

  it('XO changes a requested order (urgency, exams); a scheduled order cannot change its exams', async () => {
    expect((await sendText(portA, variant(FLUX1, 'OPN201').text, 'opn201.hl7')).code).toBe(0);
    const change = variant(FLUX1, 'OPN201', (t) =>
      t
        .replace('ORC|NW|', 'ORC|XO|')
        .replace('||MR^IRM^DCM|', '||CT^Scanner^DCM|')
        .replace(/(\rOBR(?:\|[^|\r]*){4})\|/, '$1|S|'),
    );
    const { code, out } = await sendText(portA, change.text, 'opn201-xo.hl7');
    expect(code, out).toBe(0);
    const order = (await orderOf(a, 'OPN201'))!;
    expect(order.urgency).toBe('urgent');
    expect(order.exams.map((e) => [e.modalityType, e.status])).toEqual([
      ['MR', 'cancelled'],
      ['CT', 'requested'],
    ]);
    expect(order.exams[1]!.stepId).toBe(`${order.accessionNumber}-2`);

    await db.withTenant(a, async (tx) => {
      await setExamType(tx, order.exams[1]!.id, catalogue.ct);
      await setExamStatus(tx, order.exams[1]!.id, 'scheduled');
    });
    const back = variant(FLUX1, 'OPN201', (t) => t.replace('ORC|NW|', 'ORC|XO|'));
    const [ack] = await sendRaw(portA, encodeFrame(Buffer.from(back.text)), 1);
    expect(ack).toContain(`MSA|AE|${back.id}`);
    expect(ack).toMatch(/ERR\|\|OBR\^1\^4\|207\^/);
    expect((await orderOf(a, 'OPN201'))!.exams.map((e) => e.status)).toEqual(['cancelled', 'scheduled']);
  });

  it('no order leaves a final status: "exam done" (SR) after a cancel, a change or cancel after "exam done", get AE ERR 207 at ORC-1 and change nothing', async () => {
    const ack = async (m: { id: string; text: string }) =>
      (await sendRaw(portA, encodeFrame(Buffer.from(m.text)), 1))[0]!;
    expect(await ack(variant(FLUX1, 'FIN1'))).toContain('MSA|AA|');
    expect(await ack(variant(FLUX2, 'FIN1'))).toContain('MSA|AA|');
    const done = variant(FLUX4, 'FIN1', (t) => t.replace('Penfhghdegge', VIEWER_URL_BASE64));
    const refused = await ack(done);
    expect(refused).toContain(`MSA|AE|${done.id}`);
    expect(refused).toMatch(
      /ERR\|\|ORC\^1\^1\|207\^[^\r]*order FIN1 is cancelled: an exam done cannot be recorded/,
    );
    const cancelled = (await orderOf(a, 'FIN1'))!;
    expect(cancelled).toMatchObject({ status: 'cancelled', performed: null });
    expect(cancelled.exams.map((e) => e.status)).toEqual(['cancelled']);

    expect(await ack(variant(FLUX1, 'FIN2'))).toContain('MSA|AA|');
    expect(await ack(variant(FLUX4, 'FIN2', (t) => t.replace('Penfhghdegge', VIEWER_URL_BASE64)))).toContain(
      'MSA|AA|',
    );
    const change = variant(FLUX1, 'FIN2', (t) =>
      t.replace('ORC|NW|', 'ORC|XO|').replace(/(\rOBR(?:\|[^|\r]*){4})\|/, '$1|S|'),
    );
    expect(await ack(change)).toMatch(
      /ERR\|\|ORC\^1\^1\|207\^[^\r]*order FIN2 is completed: it can no longer change/,
    );
    expect(await ack(variant(FLUX2, 'FIN2'))).toMatch(
      /ERR\|\|ORC\^1\^1\|207\^[^\r]*order FIN2 is completed: it can no longer be cancelled/,
    );
    const completed = (await orderOf(a, 'FIN2'))!;
    expect(completed).toMatchObject({ status: 'completed', urgency: 'routine' });
    expect(completed.exams.map((e) => e.status)).toEqual(['completed']);
  });

  it('a hospital order naming a CCAM code of the catalogue in OBR-4 gets that catalogue entry', async () => {
    const m = variant(FLUX1, 'OPN301', (t) =>
      t.replace(/\rOBR\|\|([^|]*)\|\|[^|]*\|/, '\rOBR||$1||ACQN001^IRM du crâne^CCAM|'),
    );
    const { code, out } = await sendText(portA, m.text, 'opn301.hl7');
    expect(code, out).toBe(0);
    expect((await orderOf(a, 'OPN301'))!.exams[0]).toMatchObject({
      examTypeId: catalogue.mri,
      modalityType: 'MR',
    });
  });

  it('malformed orders get AE/AR with an ERR naming the fault, nothing is half-created, the listener keeps serving', async () => {
    const newPatient = (t: string) =>
      t
        .replace(`${PAT_TROIS_INS}^`, '180017501500169^')
        .replace('PAT-TROIS^DOMINIQUE^DOMINIQUE', 'NOUVEAU^JEAN^JEAN')
        .replace('19790328|F', '19800101|M');
    const unknownCcam = variant(FLUX1, 'BAD1', (t) =>
      newPatient(t).replace(/\rOBR\|\|([^|]*)\|\|[^|]*\|/, '\rOBR||$1||ZZZZ999^Inconnu^CCAM|'),
    );
    const unknownModality = variant(FLUX1, 'BAD2', (t) =>
      newPatient(t).replace('||MR^IRM^DCM|', '||XR^X^DCM|'),
    );
    const noModality = variant(FLUX1, 'BAD3', (t) =>
      newPatient(t).replace(/\rOBX\|1\|CE\|MODALITE_IMAGERIE[^\r]*/, ''),
    );
    const unknownCancel = variant(FLUX2, 'NOPE');
    const duplicate = variant(FLUX1, 'OPN201');
    const notHl7 = { id: '', text: 'MSH|^~\\&|A|B|C|D|2026||ORM^O01|X1|P|2.5.1\rGARBAGE LINE\r' };
    const ok = variant(FLUX1, 'OPN401');
    const all = [unknownCcam, unknownModality, noModality, unknownCancel, duplicate, notHl7, ok];
    const acks = await sendRaw(
      portA,
      Buffer.concat(all.map((m) => encodeFrame(Buffer.from(m.text)))),
      all.length,
    );
    expect(acks[0]).toContain(`MSA|AE|${unknownCcam.id}`);
    expect(acks[0]).toMatch(/ERR\|\|OBR\^1\^4\|103\^/);
    expect(acks[1]).toContain(`MSA|AE|${unknownModality.id}`);
    expect(acks[1]).toMatch(/ERR\|\|OBX\^1\^5\|103\^/);
    expect(acks[2]).toContain(`MSA|AE|${noModality.id}`);
    expect(acks[2]).toMatch(/ERR\|\|OBR\^1\^4\|101\^/);
    expect(acks[3]).toContain(`MSA|AE|${unknownCancel.id}`);
    expect(acks[3]).toMatch(/ERR\|\|ORC\^1\^2\|204\^/);
    expect(acks[4]).toContain(`MSA|AE|${duplicate.id}`);
    expect(acks[4]).toMatch(/ERR\|\|ORC\^1\^2\|205\^/);
    expect(acks[5]).toContain('MSA|AR|X1');
    expect(acks[6]).toContain(`MSA|AA|${ok.id}`);
    for (const placer of ['BAD1', 'BAD2', 'BAD3']) expect(await orderOf(a, placer)).toBeUndefined();
    // The new patient of the refused orders was not created either.
    expect(
      await db.withTenant(a, (tx) => findPatientByIns(tx, '180017501500169', '1.2.250.1.213.1.4.10')),
    ).toBeUndefined();
    expect(await orderOf(a, 'OPN401')).toBeDefined();
  });
});
