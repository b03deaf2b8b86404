/**
 * The report documents date each exam by when it was actually performed: the times of its
 * performed procedure steps (MPPS, as the gateway records them), the booked slot only when the
 * modality reported nothing.
 */
import type { PerformedStepStatus } from '@rayon/domain';
import {
  findTenantById,
  insertPerformedStep,
  listReportDocumentContents,
  listSites,
  setExamStatus,
  upsertUserProfile,
  type TenantRef,
} from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { describeReportVersion, generateReportDocuments } from '@rayon/reporting';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let a: TenantRef;
type Client = ReturnType<Harness['trpc']>;
let desk: Client;
let radiologist: Client;
let modalityId: string;
let examTypeId: string;
let patientId: string;

const week = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '23:59']]]));
const AE = `MRSEV${Math.random().toString(36).slice(2, 7).toUpperCase()}`;

beforeAll(async () => {
  h = await createHarness();
  a = await createTestTenant(h.db, { firstSite: 'Centre IRM', finess: '750712184' });
  const d = await h.signedInUser({
    email: uniqueEmail('desk'),
    memberships: [{ tenant: a, roles: ['practice_admin', 'secretary'] }],
  });
  const r = await h.signedInUser({
    email: uniqueEmail('rad'),
    memberships: [{ tenant: a, roles: ['radiologist'] }],
  });
  await h.db.withTenant(a, (tx) =>
    upsertUserProfile(tx, {
      userId: r.user.id,
      displayName: 'BIDEAULT Jacques',
      rpps: '10001234565',
      title: 'DR',
      civility: 'Dr',
      familyName: 'BIDEAULT',
      givenName: 'Jacques',
      signsReports: true,
    }),
  );
  desk = h.trpc({ token: d.token, tenant: a.slug });
  radiologist = h.trpc({ token: r.token, tenant: a.slug });
  const [site] = await h.db.withTenant(a, listSites);
  const room = await desk.scheduling.rooms.create.mutate({ siteId: site!.id, name: 'Salle IRM' });
  modalityId = (
    await desk.scheduling.modalities.create.mutate({
      roomId: room.id,
      name: 'IRM',
      type: 'MR',
      aeTitle: AE,
      openingHours: week,
    })
  ).id;
  examTypeId = (
    await desk.scheduling.examTypes.create.mutate({
      label: 'IRM du genou',
      ccamCode: 'NZQN001',
      loinc: { code: '24802-1', label: 'RM genou' },
      modalityType: 'MR',
      durationMinutes: 20,
    })
  ).id;
  patientId = (
    await desk.identity.create.mutate({
      traits: { birthFamilyName: 'HORAIRE', firstBirthForename: 'Léon', birthDate: '1975-07-07', sex: 'M' },
    })
  ).id;
});
afterAll(() => h.close());

/** An exam booked at `startsAt` (20 minutes), then done. */
async function bookedExam(startsAt: Date): Promise<string> {
  const order = await desk.scheduling.orders.create.mutate({
    patientId,
    examTypeIds: [examTypeId],
    urgency: 'routine',
  });
  const examId = order.exams[0]!.id;
  await desk.scheduling.appointments.book.mutate({ examId, modalityId, startsAt: startsAt.toISOString() });
  await h.db.withTenant(a, (tx) => setExamStatus(tx, examId, 'completed'));
  return examId;
}

/**
 * A performed procedure step of the exam as the gateway keeps it: created at the N-CREATE's
 * reception, updated at the N-SET's that ends it.
 */
async function performedStep(
  examId: string,
  created: Date,
  ended?: { at: Date; status: PerformedStepStatus },
) {
  const uid = `2.25.${BigInt(`0x${crypto.randomUUID().replaceAll('-', '')}`).toString()}`;
  await h.db.withTenant(a, async (tx) => {
    await insertPerformedStep(tx, {
      sopInstanceUid: uid,
      modalityId,
      examIds: [examId],
      status: ended?.status ?? 'IN PROGRESS',
    });
    await tx.execute(
      `update performed_steps set created_at = '${created.toISOString()}',
       updated_at = '${(ended?.at ?? created).toISOString()}' where sop_instance_uid = '${uid}'`,
    );
  });
}

async function validated(examId: string): Promise<string> {
  const report = await radiologist.reporting.create.mutate({ examIds: [examId] });
  const saved = await radiologist.reporting.save.mutate({
    id: report.id,
    body: 'Conclusion : normal.',
    revision: 0,
  });
  const view = await radiologist.reporting.validate.mutate({
    id: report.id,
    revision: saved.versions[0]!.revision,
  });
  return view.versions[0]!.id;
}

const describe_ = async (versionId: string) => {
  const practice = (await h.db.platform((tx) => findTenantById(tx, a.id)))!;
  return h.db.withTenant(a, (tx) => describeReportVersion(tx, practice, versionId));
};

describe('service event times of the report documents', () => {
  it('are the MPPS start and end of the exam, not its booked slot, in the description and the rendered CDA', async () => {
    // Booked 6 Jan 2031 09:00 UTC (10:00 in Paris); performed 10:47:05 → 11:13:40 in Paris.
    const examId = await bookedExam(new Date('2031-01-06T09:00:00Z'));
    await performedStep(examId, new Date('2031-01-06T09:47:05Z'), {
      at: new Date('2031-01-06T10:13:40Z'),
      status: 'COMPLETED',
    });
    const versionId = await validated(examId);
    expect((await describe_(versionId)).exams[0]).toMatchObject({
      startedAt: '2031-01-06T10:47:05+01:00',
      endedAt: '2031-01-06T11:13:40+01:00',
    });
    const practice = (await h.db.platform((tx) => findTenantById(tx, a.id)))!;
    await generateReportDocuments(h.db, a, practice, versionId);
    const docs = await h.db.withTenant(a, (tx) => listReportDocumentContents(tx, versionId));
    const cda = Buffer.from(docs.find((d) => d.kind === 'cda')!.content).toString('utf8');
    const serviceEvent = /<serviceEvent[\s\S]*?<\/serviceEvent>/.exec(cda)![0];
    expect(serviceEvent).toMatch(
      /<effectiveTime>\s*<low value="20310106104705\+0100"\/>\s*<high value="20310106111340\+0100"\/>/,
    );
    expect(cda).not.toContain('20310106100000+0100');
  });

  it('a step still in progress gives the start only; several steps: the first start and the last end', async () => {
    const inProgress = await bookedExam(new Date('2031-01-07T09:00:00Z'));
    await performedStep(inProgress, new Date('2031-01-07T09:31:00Z'));
    const started = (await describe_(await validated(inProgress))).exams[0]!;
    expect(started.startedAt).toBe('2031-01-07T10:31:00+01:00');
    expect(started).not.toHaveProperty('endedAt');

    const twice = await bookedExam(new Date('2031-01-08T09:00:00Z'));
    await performedStep(twice, new Date('2031-01-08T08:55:00Z'), {
      at: new Date('2031-01-08T09:02:00Z'),
      status: 'DISCONTINUED',
    });
    await performedStep(twice, new Date('2031-01-08T09:05:00Z'), {
      at: new Date('2031-01-08T09:30:30Z'),
      status: 'COMPLETED',
    });
    expect((await describe_(await validated(twice))).exams[0]).toMatchObject({
      startedAt: '2031-01-08T09:55:00+01:00',
      endedAt: '2031-01-08T10:30:30+01:00',
    });
  });

  it('without MPPS, the booked slot as before', async () => {
    const examId = await bookedExam(new Date('2031-01-09T09:00:00Z'));
    expect((await describe_(await validated(examId))).exams[0]).toMatchObject({
      startedAt: '2031-01-09T10:00:00+01:00',
      endedAt: '2031-01-09T10:20:00+01:00',
    });
  });
});
