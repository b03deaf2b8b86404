/**
 * The Modality Worklist served from the practices' appointments, queried with dcmtk findscu:
 * routed by called AE title, a practice's modality never sees another practice's worklist.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Database,
  insertAppointment,
  insertExamType,
  insertModality,
  insertOrderWithExams,
  insertRoom,
  listSites,
  putSetting,
  type TenantRef,
} from '@rayon/db';
import { createPatient } from '@rayon/identity';
import { WORKLIST_MATCHING_SETTING } from '@rayon/domain';
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
const AE_C = `WLC${suffix}`;
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
  const dumps: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const dump = await run('dcmdump', ['+U8', '-q', join(dir, f)]);
    dumps.push(dump.out);
    const tags = new Map<string, string>();
    for (const line of dump.out.split('\n')) {
      const m = /^\s*\(([0-9a-f]{4},[0-9a-f]{4})\) \w\w \[(.*)\]\s+#/.exec(line);
      if (m && !tags.has(m[1]!)) tags.set(m[1]!, m[2]!.trim());
    }
    responses.push(tags);
  }
  return { ...res, responses, dumps };
}

/** The lines of a dcmdump output from a top-level sequence to the end of it, indentation kept. */
function sequenceDump(dump: string, tag: string): string[] | undefined {
  const lines = dump.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`(${tag}) SQ`));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && /^\(/.test(l) && !l.startsWith('(fffe,e0dd)'));
  return lines.slice(start, end < 0 ? undefined : end).map((l) => l.replace(/\s+#\s.*$/, ''));
}

async function book(
  t: TenantRef,
  ae: string,
  family: string,
  given: string,
  ins?: { status: 'qualifiee' | 'recuperee'; matricule: string },
  startsAt = STARTS,
) {
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
    if (ins) {
      // As INSi (récupérée) and a checked identity document (qualifiée) would leave it.
      await tx.execute(
        `update patients set status = '${ins.status}', ins_matricule = '${ins.matricule}',
         ins_oid = '1.2.250.1.213.1.4.10', birth_place_code = '63220' where id = '${patient.id}'`,
      );
    }
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
      startsAt,
      endsAt: new Date(startsAt.getTime() + 15 * 60_000),
    });
    return { order, exam };
  });
}

let bookedA: Awaited<ReturnType<typeof book>>;
let tenantA: TenantRef;

beforeAll(async () => {
  db = new Database({ url: inject('databaseUrl'), max: 4 });
  const a = await createTestTenant(db, { firstSite: 'Site A' });
  const b = await createTestTenant(db, { firstSite: 'Site B' });
  tenantA = a;
  bookedA = await book(a, AE_A, 'NOËL', 'Gwénaëlle', { status: 'qualifiee', matricule: '279035121518989' });
  await book(b, AE_B, 'SECRET', 'Béa', { status: 'recuperee', matricule: '180017501500169' });
  // Just after midnight in Paris: still the day before in UTC.
  const c = await createTestTenant(db, { firstSite: 'Site C' });
  await book(c, AE_C, 'MINUIT', 'Léa', undefined, new Date('2031-03-06T00:10:00+01:00'));
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

  it('answers the INS of a qualified identity in Other Patient IDs Sequence with its issuer, the Referenced Study and Patient Sequences (empty) and the Requested Procedure ID', async () => {
    const asked = [
      ...keys('20310304'),
      'OtherPatientIDsSequence',
      'ReferencedStudySequence',
      'ReferencedPatientSequence',
    ];
    const r = await findscu(AE_A, asked);
    expect(r.code, r.out).toBe(0);
    expect(r.responses).toHaveLength(1);
    expect(r.responses[0]!.get('0040,1001')).toBe(bookedA.exam.stepId);
    const dump = r.dumps[0]!;
    expect(sequenceDump(dump, '0010,1002')).toEqual([
      expect.stringMatching(/^\(0010,1002\) SQ \(Sequence with .* #=1\)/),
      expect.stringMatching(/^ {2}\(fffe,e000\) na \(Item with .* #=4\)/),
      '    (0010,0020) LO [279035121518989]',
      '    (0010,0021) LO [ASIP-SANTE-INS-NIR]',
      '    (0010,0022) CS [TEXT]',
      expect.stringMatching(/^ {4}\(0010,0024\) SQ \(Sequence with .* #=1\)/),
      expect.stringMatching(/^ {6}\(fffe,e000\) na \(Item with .* #=2\)/),
      '        (0040,0032) UT [1.2.250.1.213.1.4.10]',
      '        (0040,0033) CS [ISO]',
      expect.stringMatching(/^ {6}\(fffe,e00d\) na \(ItemDelimitationItem/),
      expect.stringMatching(/^ {4}\(fffe,e0dd\) na \(SequenceDelimitationItem/),
      expect.stringMatching(/^ {2}\(fffe,e00d\) na \(ItemDelimitationItem/),
      expect.stringMatching(/^\(fffe,e0dd\) na \(SequenceDelimitationItem/),
    ]);
    for (const tag of ['0008,1110', '0008,1120']) {
      expect(sequenceDump(dump, tag)?.[0], tag).toMatch(/ SQ \(Sequence with .* #=0\)/);
    }
    // An identity that is not qualified (INS only retrieved): no INS, the sequence empty.
    const other = await findscu(AE_B, asked);
    expect(other.responses).toHaveLength(1);
    expect(sequenceDump(other.dumps[0]!, '0010,1002')?.[0]).toMatch(/ SQ \(Sequence with .* #=0\)/);
    expect(other.dumps[0]).not.toContain('180017501500169');
  });

  it('a step just after midnight in Paris is on that Paris day, not on the UTC day before', async () => {
    expect((await findscu(AE_C, keys('20310306'))).responses).toHaveLength(1);
    expect((await findscu(AE_C, keys('20310305'))).responses).toHaveLength(0);
    expect((await findscu(AE_C, keys('20310306-20310306'))).responses).toHaveLength(1);
    expect((await findscu(AE_C, keys('-20310305'))).responses).toHaveLength(0);
    expect((await findscu(AE_C, keys('20310306-'))).responses).toHaveLength(1);
  });

  it('names match with their accents by default; the practice’s accent-insensitive option makes NOEL* find NOËL', async () => {
    const byName = (name: string) => [
      'SpecificCharacterSet=ISO_IR 192',
      `PatientName=${name}`,
      'ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=20310304',
    ];
    expect((await findscu(AE_A, byName('NOEL*'))).responses).toHaveLength(0);
    expect((await findscu(AE_A, byName('NOËL*'))).responses).toHaveLength(1);
    await db.withTenant(tenantA, (tx) =>
      putSetting(tx, WORKLIST_MATCHING_SETTING, { accentInsensitiveNames: true }),
    );
    try {
      const r = await findscu(AE_A, byName('NOEL*'));
      expect(r.code, r.out).toBe(0);
      expect(r.responses.map((x) => x.get('0010,0010'))).toEqual(['NOËL^Gwénaëlle']);
      expect((await findscu(AE_A, byName('noel^gwenaelle'))).responses).toHaveLength(1);
      // Latin-1 queries too (no Specific Character Set: ISO_IR 100 answers).
      expect(
        (await findscu(AE_A, ['PatientName=NOEL*', 'ScheduledProcedureStepSequence[0].Modality=CT']))
          .responses,
      ).toHaveLength(1);
      // Another practice keeps its own (default) rule.
      expect(
        (await findscu(AE_B, ['SpecificCharacterSet=ISO_IR 192', 'PatientName=SECRET*'])).responses,
      ).toHaveLength(1);
      expect(
        (await findscu(AE_B, ['SpecificCharacterSet=ISO_IR 192', 'PatientName=BEA'])).responses,
      ).toHaveLength(0);
    } finally {
      await db.withTenant(tenantA, (tx) =>
        putSetting(tx, WORKLIST_MATCHING_SETTING, { accentInsensitiveNames: false }),
      );
    }
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
