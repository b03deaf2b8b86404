/**
 * The worklist SCP against real dcmtk peers (findscu -W, echoscu), with an in-memory provider.
 * MPPS: Debian's dcmtk has no mppsscu and no other MPPS sender is installed here, so the MPPS
 * test uses a dcmjs-dimse client (not an independent implementation).
 */
import { execFile } from 'node:child_process';
import net from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Dimse from 'dcmjs-dimse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MppsDimseStatus,
  startWorklistScp,
  type MppsEvent,
  type MppsResult,
  type WorklistItem,
  type WorklistScp,
} from '../src/index.ts';
import { item, items } from './fixtures.ts';

const dimse = createRequire(import.meta.url)('dcmjs-dimse') as typeof Dimse;
const HOST = '127.0.0.1';
const many: WorklistItem[] = Array.from({ length: 300 }, (_, n) =>
  item({
    patient: { id: `BULK${n}` },
    study: { accessionNumber: `BULK${n}`, studyInstanceUid: `1.2.250.9.${n}` },
  }),
);
const otherTenant: WorklistItem[] = [
  item({
    patient: { name: { family: 'SECRET', given: 'B' }, id: 'B1' },
    study: { accessionNumber: 'BACC1' },
  }),
];

let scp: WorklistScp;
let work: string;
const mpps: Array<{ tenant: string; event: MppsEvent }> = [];
/** The test's MPPS provider keeps its steps here (tenant + SOP instance UID → status). */
const steps = new Map<string, string>();
async function provider(tenant: string, event: MppsEvent): Promise<MppsResult> {
  mpps.push({ tenant, event });
  const key = `${tenant} ${event.sopInstanceUid}`;
  const current = steps.get(key);
  if (event.kind === 'create') {
    if (current) return 'duplicate';
    steps.set(key, event.status);
    return 'accepted';
  }
  if (!current) return 'unknown';
  if (current !== 'IN PROGRESS') return { outcome: 'refused', comment: `step is ${current}` };
  if (event.status) steps.set(key, event.status);
  return 'accepted';
}

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}\n${stderr}` });
    });
  });
}

interface Rsp {
  raw: Buffer;
  /** tag "gggg,eeee" → trimmed value (first occurrence, nested items included), decoded to UTF-8 by dcmdump */
  tags: Map<string, string>;
}

let seq = 0;
async function findscu(opts: { aec?: string; keys?: string[]; file?: string; extra?: string[] }) {
  const dir = join(work, `rsp${++seq}`);
  const args = ['-W', '-aec', opts.aec ?? 'RAYON_A', '-X', '-od', dir, ...(opts.extra ?? [])];
  for (const k of opts.keys ?? []) args.push('-k', k);
  args.push(HOST, String(scp.port));
  if (opts.file) args.push(opts.file);
  mkdirSync(dir);
  const res = await run('findscu', args);
  const responses: Rsp[] = [];
  for (const f of readdirSync(dir).sort()) {
    const dump = await run('dcmdump', ['+U8', '-q', join(dir, f)]);
    const tags = new Map<string, string>();
    for (const line of dump.out.split('\n')) {
      const m = /^\s*\(([0-9a-f]{4},[0-9a-f]{4})\) \w\w \[(.*)\]\s+#/.exec(line);
      // dcmtk pads values to an even length: trim
      if (m && !tags.has(m[1]!)) tags.set(m[1]!, m[2]!.trim());
    }
    responses.push({ raw: readFileSync(join(dir, f)), tags });
  }
  return { ...res, responses };
}

const accessions = (r: { responses: Rsp[] }) => r.responses.map((x) => x.tags.get('0008,0050')).sort();

/** A query file made by dump2dcm, written in the given encoding. */
async function queryFile(
  name: string,
  charset: 'ISO_IR 100' | 'ISO_IR 192',
  patientName: string,
): Promise<string> {
  const dump = [
    `(0008,0005) CS [${charset}]`,
    `(0010,0010) PN [${patientName}]`,
    '(0010,0020) LO []',
    '(0008,0050) SH []',
    '(0008,0090) PN []',
    '(0040,0100) SQ (Sequence with explicit length #=1)',
    '  (fffe,e000) na (Item with explicit length #=2)',
    '    (0008,0060) CS []',
    '    (0040,0006) PN []',
    '  (fffe,e00d) na (ItemDelimitationItem for re-encoding)',
    '(fffe,e0dd) na (SequenceDelimitationItem for re-encoding)',
  ].join('\n');
  const txt = join(work, `${name}.dump`);
  const dcm = join(work, `${name}.dcm`);
  writeFileSync(txt, dump, charset === 'ISO_IR 100' ? 'latin1' : 'utf8');
  const r = await run('dump2dcm', [txt, dcm]);
  expect(r.code, r.out).toBe(0);
  return dcm;
}

const RETURN_KEYS = [
  'PatientName',
  'PatientID',
  'IssuerOfPatientID',
  'PatientBirthDate',
  'PatientSex',
  'AccessionNumber',
  'StudyInstanceUID',
  'RequestedProcedureID',
  'RequestedProcedureDescription',
  'ReferringPhysicianName',
  'ScheduledProcedureStepSequence[0].ScheduledProcedureStepID',
  'ScheduledProcedureStepSequence[0].ScheduledStationAETitle',
  'ScheduledProcedureStepSequence[0].ScheduledStationName',
  'ScheduledProcedureStepSequence[0].ScheduledProcedureStepDescription',
  'ScheduledProcedureStepSequence[0].ScheduledPerformingPhysicianName',
];
const sps = (k: string) => `ScheduledProcedureStepSequence[0].${k}`;

function expectFields(r: Rsp, it: WorklistItem) {
  const pn = (n?: { family: string; given?: string }) =>
    n ? `${n.family}${n.given ? `^${n.given}` : ''}` : '';
  expect(r.tags.get('0010,0010')).toBe(pn(it.patient.name));
  expect(r.tags.get('0010,0020')).toBe(it.patient.id);
  expect(r.tags.get('0010,0021')).toBe(it.patient.issuer);
  expect(r.tags.get('0010,0030')).toBe(it.patient.birthDate);
  expect(r.tags.get('0010,0040')).toBe(it.patient.sex);
  expect(r.tags.get('0008,0050')).toBe(it.study.accessionNumber);
  expect(r.tags.get('0020,000d')).toBe(it.study.studyInstanceUid);
  expect(r.tags.get('0040,1001')).toBe(it.study.requestedProcedureId);
  expect(r.tags.get('0032,1060')).toBe(it.study.requestedProcedureDescription);
  expect(r.tags.get('0008,0090')).toBe(pn(it.study.referringPhysicianName));
  expect(r.tags.get('0040,0009')).toBe(it.step.stepId);
  expect(r.tags.get('0008,0060')).toBe(it.step.modality);
  expect(r.tags.get('0040,0001')).toBe(it.step.stationAeTitle);
  expect(r.tags.get('0040,0010')).toBe(it.step.stationName);
  expect(r.tags.get('0040,0002')).toBe(it.step.startDate);
  expect(r.tags.get('0040,0003')).toBe(it.step.startTime);
  expect(r.tags.get('0040,0007')).toBe(it.step.description);
  expect(r.tags.get('0040,0006')).toBe(pn(it.step.performingPhysicianName));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rayon-mwl-'));
  scp = await startWorklistScp({
    port: 0,
    host: HOST,
    resolveAssociation: ({ calledAe, callingAe }) => {
      const tenant = ({ RAYON_A: 'a', RAYON_B: 'b', RAYON_BULK: 'bulk' } as Record<string, string>)[calledAe];
      if (!tenant) return { reject: 'called-ae' };
      if (callingAe === 'INTRUDER') return { reject: 'calling-ae' };
      return { accept: tenant };
    },
    findWorklist: async (tenant) => (tenant === 'a' ? items : tenant === 'b' ? otherTenant : many),
    onMpps: provider,
  });
});

afterAll(async () => {
  await scp?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('worklist SCP with dcmtk', () => {
  it('answers echoscu', async () => {
    const r = await run('echoscu', ['-aec', 'RAYON_A', HOST, String(scp.port)]);
    expect(r.code, r.out).toBe(0);
  });

  it('rejects an unknown called AE at association', async () => {
    const r = await run('echoscu', ['-aec', 'NOBODY', HOST, String(scp.port)]);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/Called AE Title Not Recognized/i);
  });

  it('by date range, field by field', async () => {
    const r = await findscu({
      keys: [
        ...RETURN_KEYS,
        `${sps('ScheduledProcedureStepStartDate')}=20261121-20261122`,
        sps('ScheduledProcedureStepStartTime'),
        sps('Modality'),
      ],
    });
    expect(accessions(r)).toEqual(['ACC1', 'ACC2', 'ACC3']);
    for (const rsp of r.responses)
      expectFields(
        rsp,
        items.find((i) => i.study.accessionNumber === rsp.tags.get('0008,0050'))!,
      );
  });

  it('by modality', async () => {
    const r = await findscu({ keys: ['AccessionNumber', `${sps('Modality')}=CT`] });
    expect(accessions(r)).toEqual(['ACC2']);
  });

  it('by station AE title (with today-style combined date and time)', async () => {
    expect(
      accessions(await findscu({ keys: ['AccessionNumber', `${sps('ScheduledStationAETitle')}=MR_SALLE1`] })),
    ).toEqual(['ACC1', 'ACC3']);
    const r = await findscu({
      keys: [
        'AccessionNumber',
        `${sps('ScheduledStationAETitle')}=MR_SALLE1`,
        `${sps('ScheduledProcedureStepStartDate')}=20261121`,
        `${sps('ScheduledProcedureStepStartTime')}=0900-1000`,
      ],
    });
    expect(accessions(r)).toEqual(['ACC1']);
  });

  it('by patient name with a wildcard', async () => {
    expect(accessions(await findscu({ keys: ['AccessionNumber', 'PatientName=DUPO*'] }))).toEqual([
      'ACC2',
      'ACC4',
    ]);
  });

  it('by accession number', async () => {
    const r = await findscu({
      keys: [
        ...RETURN_KEYS,
        'AccessionNumber=ACC4',
        sps('ScheduledProcedureStepStartDate'),
        sps('ScheduledProcedureStepStartTime'),
        sps('Modality'),
      ],
    });
    expect(accessions(r)).toEqual(['ACC4']);
    expectFields(r.responses[0]!, items[3]!);
  });

  it('accented names in ISO_IR 100 (Latin-1)', async () => {
    const r = await findscu({ file: await queryFile('latin1', 'ISO_IR 100', 'NOËL*') });
    expect(accessions(r)).toEqual(['ACC1']);
    const rsp = r.responses[0]!;
    expect(rsp.tags.get('0010,0010')).toBe('NOËL^Gwénaëlle');
    expect(rsp.tags.get('0008,0090')).toBe('MARTIN^Bénédicte');
    expect(rsp.raw.includes(Buffer.from('ISO_IR 100', 'latin1'))).toBe(true);
    expect(rsp.raw.includes(Buffer.from('NOËL^Gwénaëlle', 'latin1'))).toBe(true);
  });

  it('accented names in ISO_IR 192 (UTF-8)', async () => {
    const r = await findscu({ file: await queryFile('utf8', 'ISO_IR 192', '*^Bénédicte') });
    expect(accessions(r)).toEqual(['ACC3']);
    const rsp = r.responses[0]!;
    expect(rsp.tags.get('0010,0010')).toBe('LEFÈVRE^Bénédicte');
    expect(rsp.raw.includes(Buffer.from('ISO_IR 192'))).toBe(true);
    expect(rsp.raw.includes(Buffer.from('LEFÈVRE^Bénédicte', 'utf8'))).toBe(true);
  });

  it('a malformed query gets a failure status and the server keeps serving', async () => {
    const bad = await findscu({
      keys: ['AccessionNumber', `${sps('ScheduledProcedureStepStartDate')}=21/11/2026`],
      extra: ['-v'],
    });
    expect(bad.responses).toHaveLength(0);
    expect(bad.out).toMatch(/Final Find Response \(Error: DataSetDoesNotMatchSOPClass\)/);
    expect(accessions(await findscu({ keys: ['AccessionNumber=ACC2'] }))).toEqual(['ACC2']);
  });

  it('honours C-CANCEL', async () => {
    const r = await findscu({
      aec: 'RAYON_BULK',
      keys: ['AccessionNumber', 'PatientID'],
      extra: ['-v', '--cancel', '1'],
    });
    expect(r.responses.length).toBeGreaterThanOrEqual(1);
    expect(r.responses.length).toBeLessThan(many.length);
    expect(r.out).toMatch(/Final Find Response \(Cancel/i);
    // The server keeps serving: the next query is answered in full.
    expect((await findscu({ aec: 'RAYON_BULK', keys: ['AccessionNumber=BULK1*'] })).responses).toHaveLength(
      111,
    );
  });

  it('keeps tenants apart by called AE title', async () => {
    expect(accessions(await findscu({ aec: 'RAYON_B', keys: ['AccessionNumber', 'PatientName'] }))).toEqual([
      'BACC1',
    ]);
    expect(accessions(await findscu({ aec: 'RAYON_A', keys: ['AccessionNumber=BACC1'] }))).toEqual([]);
  });
});

describe('MPPS (dcmjs-dimse client: no independent MPPS sender available here)', () => {
  const { NCreateRequest, NSetRequest } = dimse.requests;

  function send(
    request: Dimse.requests.NCreateRequest | Dimse.requests.NSetRequest,
    calledAe = 'RAYON_A',
  ): Promise<{ status: number; comment: string | undefined }> {
    return new Promise((resolve, reject) => {
      const client = new dimse.Client();
      let status = -1;
      let comment: string | undefined;
      request.on('response', (response: Dimse.responses.NCreateResponse) => {
        status = response.getStatus();
        comment = response.getErrorComment();
      });
      client.addRequest(request);
      client.on('networkError', reject);
      client.on('associationRejected', () => reject(new Error('rejected')));
      client.on('closed', () => resolve({ status, comment }));
      client.send(HOST, scp.port, 'MODALITY', calledAe);
    });
  }
  const create = (uid: string, status: string, ssa: Record<string, string>[]) => {
    const r = new NCreateRequest('1.2.840.10008.3.1.2.3.3', uid);
    r.setDataset(
      new dimse.Dataset({
        PerformedProcedureStepStatus: status,
        PerformedProcedureStepID: 'PPS1',
        ScheduledStepAttributesSequence: ssa,
      }),
    );
    return r;
  };
  const set = (uid: string, elements: Record<string, unknown>) => {
    const r = new NSetRequest('1.2.840.10008.3.1.2.3.3', uid);
    r.setDataset(new dimse.Dataset(elements));
    return r;
  };

  it('N-CREATE carries every referenced step; N-SET carries only its SOP instance and status', async () => {
    mpps.length = 0;
    const uid = '1.2.250.1.99.1';
    expect(
      await send(
        create(uid, 'IN PROGRESS', [
          { AccessionNumber: 'ACC1', StudyInstanceUID: '1.2.250.1.1', ScheduledProcedureStepID: 'SPS1' },
          {
            AccessionNumber: 'ACC1',
            StudyInstanceUID: '1.2.250.1.1',
            ScheduledProcedureStepID: 'SPS2',
            RequestedProcedureID: 'RP2',
          },
        ]),
      ),
    ).toMatchObject({ status: 0 });
    expect(await send(set(uid, { PerformedProcedureStepStatus: 'COMPLETED' }))).toMatchObject({ status: 0 });
    expect(mpps).toEqual([
      {
        tenant: 'a',
        event: {
          kind: 'create',
          sopInstanceUid: uid,
          status: 'IN PROGRESS',
          steps: [
            { accessionNumber: 'ACC1', stepId: 'SPS1', studyInstanceUid: '1.2.250.1.1' },
            {
              accessionNumber: 'ACC1',
              stepId: 'SPS2',
              requestedProcedureId: 'RP2',
              studyInstanceUid: '1.2.250.1.1',
            },
          ],
        },
      },
      { tenant: 'a', event: { kind: 'set', sopInstanceUid: uid, status: 'COMPLETED' } },
    ]);
  });

  it('maps the provider’s outcomes to DIMSE statuses: duplicate, unknown instance, refused', async () => {
    const uid = '1.2.250.1.99.2';
    const ssa = [{ ScheduledProcedureStepID: 'SPS3' }];
    expect((await send(create(uid, 'IN PROGRESS', ssa))).status).toBe(MppsDimseStatus.Success);
    expect((await send(create(uid, 'IN PROGRESS', ssa))).status).toBe(0x0111);
    expect((await send(set('1.2.250.1.99.404', { PerformedProcedureStepStatus: 'COMPLETED' }))).status).toBe(
      0x0112,
    );
    // An N-SET without a status (attributes only) reaches the provider without one.
    mpps.length = 0;
    expect((await send(set(uid, { PerformedProcedureStepDescription: 'x' }))).status).toBe(0);
    expect(mpps).toEqual([{ tenant: 'a', event: { kind: 'set', sopInstanceUid: uid } }]);
    expect((await send(set(uid, { PerformedProcedureStepStatus: 'DISCONTINUED' }))).status).toBe(0);
    expect(await send(set(uid, { PerformedProcedureStepStatus: 'COMPLETED' }))).toEqual({
      status: 0x0110,
      comment: 'step is DISCONTINUED',
    });
    // Another practice's AE title: its own provider space, the instance is unknown there.
    expect((await send(set(uid, { PerformedProcedureStepStatus: 'COMPLETED' }), 'RAYON_B')).status).toBe(
      0x0112,
    );
  });

  it('refuses a bad status before the provider sees it', async () => {
    mpps.length = 0;
    expect((await send(create('1.2.250.1.99.3', 'COMPLETED', []))).status).toBe(0x0106);
    expect((await send(set('1.2.250.1.99.1', { PerformedProcedureStepStatus: 'DONE' }))).status).toBe(0x0106);
    expect(mpps).toEqual([]);
  });
});

describe('the listener’s doors', () => {
  it('rejects a calling AE title the provider does not recognise', async () => {
    const r = await run('echoscu', ['-aet', 'INTRUDER', '-aec', 'RAYON_A', HOST, String(scp.port)]);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/Calling AE Title Not Recognized/i);
  });

  it('keeps serving after garbage bytes and a half-sent PDU', async () => {
    for (const bytes of [
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      Buffer.from([0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00]),
      Buffer.alloc(4096, 0x07),
    ]) {
      await new Promise<void>((resolve) => {
        const s = net.connect(scp.port, HOST, () => s.end(bytes));
        s.on('error', () => resolve());
        s.on('close', () => resolve());
        s.resume();
      });
    }
    const r = await run('echoscu', ['-aec', 'RAYON_A', HOST, String(scp.port)]);
    expect(r.code, r.out).toBe(0);
  });

  it('limits connections per source address and closes idle ones', async () => {
    const open = new Map<string, number>();
    const limited = await startWorklistScp({
      port: 0,
      host: HOST,
      idleTimeoutMs: 1_000,
      limiter: {
        acquire: (a) => {
          const n = open.get(a) ?? 0;
          if (n >= 1) return false;
          open.set(a, n + 1);
          return true;
        },
        release: (a) => open.set(a, (open.get(a) ?? 1) - 1),
      },
      resolveAssociation: () => ({ accept: 'a' }),
      findWorklist: async () => items,
    });
    try {
      // One silent connection holds the source's only place…
      const idle = net.connect(limited.port, HOST);
      const closed = new Promise<number>((resolve) => idle.on('close', () => resolve(Date.now())));
      idle.on('error', () => {});
      await new Promise((resolve) => idle.once('connect', resolve));
      const opened = Date.now();
      // …so an association from the same address is refused, transiently (local limit exceeded).
      const refused = await run('echoscu', ['-aec', 'RAYON_A', HOST, String(limited.port)]);
      expect(refused.code).not.toBe(0);
      expect(refused.out).toMatch(/Local Limit Exceeded/i);
      // The idle connection is closed after the idle timeout, and the place is free again.
      const at = await closed;
      expect(at - opened).toBeGreaterThanOrEqual(900);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const ok = await run('echoscu', ['-aec', 'RAYON_A', HOST, String(limited.port)]);
      expect(ok.code, ok.out).toBe(0);
    } finally {
      await limited.close();
    }
  });
});
