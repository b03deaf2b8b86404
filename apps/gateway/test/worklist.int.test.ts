/**
 * The Modality Worklist served from the practices' appointments, queried with dcmtk findscu:
 * routed by called AE title, a practice's modality never sees another practice's worklist.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPatient,
  Database,
  insertAppointment,
  insertExamType,
  insertModality,
  insertOrderWithExams,
  insertRoom,
  listSites,
  type TenantRef,
} from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWorklist } from '../src/dicom/worklist.ts';

let db: Database;
let scp: Awaited<ReturnType<typeof startWorklist>>;
const work = mkdtempSync(join(tmpdir(), 'rayon-mwl-'));
const suffix = Math.random().toString(36).slice(2, 6).toUpperCase();
const AE_A = `WLA${suffix}`;
const AE_B = `WLB${suffix}`;
const STARTS = new Date('2031-03-04T09:30:00+01:00');

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) =>
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}\n${stderr}` }),
    ),
  );
}

let n = 0;
/**
 * findscu -W with keys, calling as the modality's registered calling AE title (`<called>_SCU`);
 * each response dumped by dcmdump (UTF-8) into tag → trimmed value.
 */
async function findscu(aec: string, keys: string[], aet = `${aec.trim().toUpperCase()}_SCU`) {
  const dir = join(work, `q${++n}`);
  mkdirSync(dir);
  const args = ['-W', '-aet', aet, '-aec', aec, '-X', '-od', dir];
  for (const k of keys) args.push('-k', k);
  const res = await run('findscu', [...args, '127.0.0.1', String(scp.port)]);
  const responses: Map<string, string>[] = [];
  for (const f of readdirSync(dir).sort()) {
    const dump = await run('dcmdump', ['+U8', '-q', join(dir, f)]);
    const tags = new Map<string, string>();
    for (const line of dump.out.split('\n')) {
      const m = /^\s*\(([0-9a-f]{4},[0-9a-f]{4})\) \w\w \[(.*)\]\s+#/.exec(line);
      if (m && !tags.has(m[1]!)) tags.set(m[1]!, m[2]!.trim());
    }
    responses.push(tags);
  }
  return { ...res, responses };
}

async function book(t: TenantRef, ae: string, family: string, given: string) {
  return db.withTenant(t, async (tx) => {
    const [site] = await listSites(tx);
    const room = await insertRoom(tx, { siteId: site!.id, name: 'Salle' });
    const modality = await insertModality(tx, {
      roomId: room.id,
      name: 'Scanner',
      type: 'CT',
      aeTitle: ae,
      callingAeTitles: [`${ae}_SCU`],
      allowedSources: ['127.0.0.1/32'],
      openingHours: {},
    });
    const type = await insertExamType(tx, {
      label: 'Scanner du thorax',
      ccamCode: 'ZBQK002',
      modalityType: 'CT',
      durationMinutes: 15,
      preparation: null,
    });
    const patient = await createPatient(
      tx,
      {
        traits: { birthFamilyName: family, firstBirthForename: given, birthDate: '1984-02-29', sex: 'F' },
        identifiers: [{ authority: 'CHU-X', value: `IPP-${ae}` }],
      },
      { actor: { type: 'system', id: 'test' }, source: 'desk', now: new Date() },
    );
    const order = await insertOrderWithExams(tx, {
      patientId: patient.id,
      referrerId: null,
      exams: [{ examTypeId: type.id, modalityType: type.modalityType }],
      urgency: 'routine',
      clinicalInfo: null,
      placerOrderNumber: null,
      status: 'scheduled',
      source: 'desk',
    });
    const exam = order.exams[0]!;
    await insertAppointment(tx, {
      examId: exam.id,
      modalityId: modality.id,
      startsAt: STARTS,
      endsAt: new Date(STARTS.getTime() + 15 * 60_000),
    });
    return { order, exam };
  });
}

let bookedA: Awaited<ReturnType<typeof book>>;

beforeAll(async () => {
  db = new Database({ url: inject('databaseUrl'), max: 4 });
  const a = await createTestTenant(db, { firstSite: 'Site A' });
  const b = await createTestTenant(db, { firstSite: 'Site B' });
  bookedA = await book(a, AE_A, 'NOËL', 'Gwénaëlle');
  await book(b, AE_B, 'SECRET', 'Béa');
  scp = await startWorklist({ db, logger: pino({ level: 'silent' }), host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await scp.close();
  await db.close();
});

const keys = (date: string) => [
  'SpecificCharacterSet=ISO_IR 192',
  'PatientName',
  'PatientID',
  'AccessionNumber',
  'StudyInstanceUID',
  'RequestedProcedureID',
  `ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=${date}`,
  'ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime',
  'ScheduledProcedureStepSequence[0].Modality=CT',
  'ScheduledProcedureStepSequence[0].ScheduledStationAETitle',
];

describe('modality worklist from the appointments', () => {
  it('returns the booked step, field by field, to a modality of the practice', async () => {
    const r = await findscu(AE_A, keys('20310304'));
    expect(r.code, r.out).toBe(0);
    expect(r.responses).toHaveLength(1);
    const t = r.responses[0]!;
    expect(t.get('0010,0010')).toBe('NOËL^Gwénaëlle');
    expect(t.get('0010,0020')).toBe(`IPP-${AE_A}`);
    expect(t.get('0008,0050')).toBe(bookedA.order.accessionNumber);
    expect(t.get('0020,000d')).toBe(bookedA.order.studyInstanceUid);
    expect(t.get('0040,1001')).toBe(bookedA.exam.stepId);
    expect(t.get('0040,0002')).toBe('20310304');
    expect(t.get('0040,0003')).toBe('093000');
    expect(t.get('0040,0001')).toBe(AE_A);
    expect((await findscu(AE_A, keys('20310305'))).responses).toHaveLength(0);
    expect((await findscu(AE_A, keys('20310301-20310310'))).responses).toHaveLength(1);
  });

  it('never shows another practice’s worklist, and refuses an unknown AE title', async () => {
    const b = await findscu(AE_B, keys('20310304'));
    expect(b.responses.map((x) => x.get('0010,0010'))).toEqual(['SECRET^Béa']);
    const unknown = await findscu(`NOPE${suffix}`, keys('20310304'));
    expect(unknown.code).not.toBe(0);
    expect(unknown.responses).toHaveLength(0);
  });

  it('a called AE title in lower case or padded reaches the same modality (normalised)', async () => {
    for (const aec of [AE_A.toLowerCase(), ` ${AE_A}`]) {
      const r = await findscu(aec, keys('20310304'));
      expect(r.code, r.out).toBe(0);
      expect(r.responses.map((x) => x.get('0008,0050'))).toEqual([bookedA.order.accessionNumber]);
    }
  });

  it('refuses a calling AE title the modality has not registered, even another modality’s', async () => {
    for (const aet of ['FINDSCU', `${AE_B}_SCU`]) {
      const r = await findscu(AE_A, keys('20310304'), aet);
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/Calling AE Title Not Recognized/i);
      expect(r.responses).toHaveLength(0);
    }
  });
});
