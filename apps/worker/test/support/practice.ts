/**
 * What the distribution tests share: a practice set up through the real API (an administrator, a
 * radiologist who signs, a room, a modality open every day, an exam type with its LOINC and CCAM
 * codes, a referrer with an MSSanté address), acquired exams and validated reports, and polling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listSites, setExamStatus, upsertUserProfile, type Database, type TenantRef } from '@rayon/db';
import { uniqueEmail, type Harness } from '@rayon/api/test-harness';

/** ANS test identity PAT-TROIS DOMINIQUE, known by the DMP simulator. */
export const PAT_TROIS_INS = '279035121518989';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** Polls `fn` until it returns something, for at most `timeoutMs`. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** ../shared beside the checkout (set RAYON_SHARED to point elsewhere). */
export const shared = process.env.RAYON_SHARED ?? join(import.meta.dirname, '../../../../../shared');

/**
 * The PFI: the Debian python3-hl7 peer (`hl7-listen`) on a free port, writing each message it
 * receives (and ACKs AA) in a directory.
 */
export async function startHl7Peer(o: { max: number; seconds: number }) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rayon-pfi-peer-'));
  const peer: ChildProcess = spawn(
    join(shared, 'tools/hl7-listen'),
    ['--max', String(o.max), '--seconds', String(o.seconds), String(port), dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    peer.stdout!.on(
      'data',
      (d: Buffer) => ((out += d.toString()), out.includes('listening on') && resolve()),
    );
    peer.on('exit', (code) => reject(new Error(`hl7-listen exited (${code})`)));
  });
  return {
    port,
    /** The messages received so far, once there are at least `count`. */
    messages: (count: number, timeoutMs = 30_000) =>
      waitFor(() => {
        const files = readdirSync(dir).sort();
        return files.length >= count ? files.map((f) => readFileSync(join(dir, f), 'utf8')) : undefined;
      }, timeoutMs),
    stop() {
      peer.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** MSH-9 of an HL7 message (e.g. `MDM^T02^MDM_T02`). */
export const messageType = (message: string) => /MSH\|(?:[^|]*\|){7}([^|]*)/.exec(message)![1];

/** The CDA an HL7 message carries base64 in its ED OBX. */
export const cdaOf = (message: string) =>
  Buffer.from(/\^(?:TEXT|text)\^XML\^Base64\^([A-Za-z0-9+/=]+)/.exec(message)![1]!, 'base64');

export type Practice = Awaited<ReturnType<typeof setUpPractice>>;

export async function setUpPractice(h: Harness, db: Database, t: TenantRef) {
  const admin = await h.signedInUser({
    email: uniqueEmail('adm'),
    memberships: [{ tenant: t, roles: ['practice_admin'] }],
  });
  const rad = await h.signedInUser({
    email: uniqueEmail('rad'),
    memberships: [{ tenant: t, roles: ['radiologist'] }],
  });
  await db.withTenant(t, (tx) =>
    upsertUserProfile(tx, {
      userId: rad.user.id,
      displayName: 'BIDEAULT',
      rpps: '10001234565',
      title: 'DR',
      civility: 'Dr',
      familyName: 'BIDEAULT',
      givenName: 'Jacques',
      signsReports: true,
    }),
  );
  const desk = h.trpc({ token: admin.token, tenant: t.slug });
  const radiologist = h.trpc({ token: rad.token, tenant: t.slug });
  const [site] = await db.withTenant(t, listSites);
  const room = await desk.scheduling.rooms.create.mutate({ siteId: site!.id, name: 'Salle' });
  const days = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '23:59']]]));
  const modality = await desk.scheduling.modalities.create.mutate({
    roomId: room.id,
    name: 'IRM',
    type: 'MR',
    aeTitle: `T${randomBytes(5).toString('hex').toUpperCase()}`,
    openingHours: days,
  });
  const examType = await desk.scheduling.examTypes.create.mutate({
    label: 'IRM du genou',
    ccamCode: 'NZQN001',
    loinc: { code: '24802-1', label: 'RM genou' },
    modalityType: 'MR',
    durationMinutes: 20,
  });
  const referrer = await desk.scheduling.referrers.create.mutate({
    rpps: '10003456789',
    familyName: 'MARTIN',
    givenName: 'Sophie',
    mssanteAddress: 'sophie.martin@medecin.mssante.fr',
  });
  let day = 0;

  /** A patient, qualified with the ANS test INS when asked (as INSi and a document check would). */
  async function patient(o: { qualified: boolean }) {
    const p = await desk.identity.create.mutate({
      traits: o.qualified
        ? { birthFamilyName: 'PAT-TROIS', firstBirthForename: 'DOMINIQUE', birthDate: '1979-03-28', sex: 'F' }
        : { birthFamilyName: 'ENVOI', firstBirthForename: 'Noël', birthDate: '1970-01-01', sex: 'M' },
    });
    if (o.qualified) {
      await db.withTenant(t, (tx) =>
        tx.execute(
          `update patients set status = 'qualifiee', ins_matricule = '${PAT_TROIS_INS}',
           ins_oid = '1.2.250.1.213.1.4.10', birth_place_code = '63220' where id = '${p.id}'`,
        ),
      );
    }
    return p.id;
  }

  /** An order of the patient, booked and acquired (as MPPS would leave it). */
  async function acquiredExam(patientId: string): Promise<string> {
    const order = await desk.scheduling.orders.create.mutate({
      patientId,
      referrerId: referrer.id,
      examTypeIds: [examType.id],
      urgency: 'routine',
    });
    await desk.scheduling.appointments.book.mutate({
      examId: order.exams[0]!.id,
      modalityId: modality.id,
      startsAt: new Date(Date.UTC(2031, 2, 3 + day++, 8, 0)).toISOString(),
    });
    await db.withTenant(t, (tx) => setExamStatus(tx, order.exams[0]!.id, 'completed'));
    return order.exams[0]!.id;
  }

  /** A report of the exam, written and validated by the radiologist. */
  async function validatedReport(examId: string, body = 'Conclusion : normal.') {
    const report = await radiologist.reporting.create.mutate({ examIds: [examId] });
    const saved = await radiologist.reporting.save.mutate({ id: report.id, body, revision: 0 });
    const view = await radiologist.reporting.validate.mutate({
      id: report.id,
      revision: saved.versions[0]!.revision,
    });
    return { reportId: report.id, versionId: view.versions[0]!.id };
  }

  return { desk, radiologist, patient, acquiredExam, validatedReport };
}

/** The DMP and MSSanté deployments of the local simulators (their test CAs, the test software). */
export const simulatorDeployments = (
  dmp: { url: string; ca: string[] },
  mss: { host: string; port: number; ca: string[] },
) => ({
  dmp: {
    endpoint: dmp.url,
    ca: dmp.ca,
    software: { name: 'Rayon', version: '0.1.0', homologation: 'RAYON-TEST' },
  },
  mssante: { host: mss.host, port: mss.port, security: 'starttls' as const, ca: mss.ca, nil: 'RAYON-TEST' },
});
