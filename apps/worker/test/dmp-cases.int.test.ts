/**
 * The DMP cases of a validated report on real servers (the strict DMP simulator, the MSSanté
 * simulator, the python3-hl7 PFI peer, PostgreSQL, Redis, the worker):
 * - an announcement recorded after the report reached the DMP invisible to the patient makes the
 *   entry visible (ITI-57 metadata update, a new logical version); recorded while the publication
 *   waits (DMP down), the report goes out visible and the update sends nothing;
 * - TD0.2 before the first send for a patient: no DMP or the patient's opposition → « Pas de DMP »,
 *   not sent, no retry; another INS at the DMP → nothing sent, a failure for a person, traced in
 *   the identity history and the audit; a DMP → sent, and not asked again for that patient;
 * - the visibility chosen at validation travels: DMP confidentiality codes and the VIHF of a
 *   « connexion secrète », the PFI's MetaDMPMSS OBX flags, no referrer mail when masked from
 *   professionals, no patient mail when hidden from the legal representatives.
 */
import { randomBytes } from 'node:crypto';
import { OrganisationCertificate } from '@rayon/connectors/certificates';
import { outboundPolicy } from '@rayon/connectors/outbound';
import {
  Database,
  listAuditEvents,
  listDeliveryAttempts,
  listIdentityEvents,
  listReportDeliveries,
  patientDmpStatus,
  putSetting,
  type DeliveryRow,
  type TenantRef,
} from '@rayon/db';
import { createScratchDatabase, createTestTenant } from '@rayon/db/testing';
import { createHarness, type Harness } from '@rayon/api/test-harness';
import { DISTRIBUTION_SETTING, DMP_EXISTENCE_REASONS, NOT_SENT_REASONS } from '@rayon/domain';
import { installCertificate } from '@rayon/onboarding';
import { createDmpTestPki, startDmpSimulator, type DmpExchange, type DmpSimulator } from '@rayon/sim-dmp';
import { createMssanteTestPki, startMssanteSimulator, type MssanteSimulator } from '@rayon/sim-mssante';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultHandlers } from '../src/processor.ts';
import { deploymentSenders, DMP_VISIBILITY_NOTHING_TO_UPDATE } from '@rayon/delivery';
import { startWorkerTier } from '../src/worker.ts';
import {
  cdaOf,
  PAT_TROIS_INS,
  setUpPractice,
  startHl7Peer,
  waitFor,
  type Practice,
} from './support/practice.ts';

const FINESS = '750712184';
const INS = {
  minor: '214057510632173',
  none: '180036912345660',
  noneToo: '180036912345759',
  opposed: '280036912345709',
  otherIns: '175017505678942',
  reported: '175017505679041',
};

let h: Harness;
let db: Database;
let dmp: DmpSimulator;
let mss: MssanteSimulator;
let pfi: Awaited<ReturnType<typeof startHl7Peer>>;
let tier: Awaited<ReturnType<typeof startWorkerTier>>;
let practice: Practice & { t: TenantRef };
const exchanges: DmpExchange[] = [];
const dmpPki = createDmpTestPki({ structureId: `1${FINESS}` });
const mssPki = createMssanteTestPki({ now: new Date(), structureId: `1${FINESS}` });
const logger = pino({ level: 'silent' });

/** A patient qualified with this INS (as INSi and a document check would leave it). */
async function qualifiedPatient(matricule: string, birthDate = '1979-03-28'): Promise<string> {
  const p = await practice.desk.identity.create.mutate({
    traits: {
      birthFamilyName: `DMP-${[...matricule.slice(-4)].map((d) => 'ABCDEFGHIJ'[Number(d)]).join('')}`,
      firstBirthForename: 'Camille',
      birthDate,
      sex: 'F',
    },
  });
  await db.withTenant(practice.t, (tx) =>
    tx.execute(
      `update patients set status = 'qualifiee', ins_matricule = '${matricule}',
       ins_oid = '1.2.250.1.213.1.4.10', birth_place_code = '75106' where id = '${p.id}'`,
    ),
  );
  return p.id;
}

/** Writes and validates a report of a new acquired exam of the patient, with these choices. */
async function validated(
  patientId: string,
  o: {
    announcementRequired?: boolean;
    maskedFromProfessionals?: boolean;
    hiddenFromLegalRepresentatives?: boolean;
    secretConnection?: boolean;
  } = {},
) {
  const { announcementRequired, ...visibility } = o;
  const report = await practice.radiologist.reporting.create.mutate({
    examIds: [await practice.acquiredExam(patientId)],
    announcementRequired: announcementRequired ?? false,
  });
  const saved = await practice.radiologist.reporting.save.mutate({
    id: report.id,
    body: 'RAS.',
    revision: 0,
  });
  const view = await practice.radiologist.reporting.validate.mutate({
    id: report.id,
    revision: saved.versions[0]!.revision,
    ...visibility,
  });
  return { reportId: report.id, documentId: view.versions[0]!.id.toUpperCase() };
}

const sends = (reportId: string) => db.withTenant(practice.t, (tx) => listReportDeliveries(tx, reportId));
/** The sends once `count` exist and none is pending. */
const settled = (reportId: string, count: number) =>
  waitFor(async () => {
    const rows = await sends(reportId);
    return rows.length >= count && rows.every((d) => d.status !== 'pending') ? rows : undefined;
  }, 90_000);
const one = (rows: DeliveryRow[], destination: string, action?: string) =>
  rows.find((d) => d.destination === destination && (!action || d.action === action));
const listing = async (documentId: string) =>
  (
    (await (await fetch(`${dmp.adminUrl}/documents`)).json()) as {
      uniqueId: string;
      version: number;
      status: string;
      confidentialityCodes: string[];
      visibility: { patient: boolean; professionals: boolean; legalRepresentatives: boolean };
      secretConnection: boolean;
    }[]
  ).filter((d) => d.uniqueId === documentId);
const td02 = () => exchanges.filter((e) => e.transaction === 'TD0.2').length;
/** The PAT-TROIS patient of the practice (one identity per INS), made at first use. */
let patTroisId: string | undefined;
const patTrois = async () => (patTroisId ??= await qualifiedPatient(PAT_TROIS_INS));
/** The MetaDMPMSS flags of the PFI message that carries this document. */
async function pfiFlags(documentId: string): Promise<Record<string, string>> {
  const message = await waitFor(async () => {
    const all = await pfi.messages(1);
    return all.find((m) => m.includes(documentId) || cdaOf(m).toString('utf8').includes(documentId));
  }, 30_000);
  return Object.fromEntries(
    [...message.matchAll(/\|([A-Z_]+)\^[^|^]*\^MetaDMPMSS\|\|([YN])\^/g)].map((m) => [m[1]!, m[2]!]),
  );
}

beforeAll(async () => {
  const url = await createScratchDatabase(inject('adminDatabaseUrl'), inject('databaseUrl'));
  h = await createHarness({ databaseUrl: url });
  db = new Database({ url, max: 4 });
  dmp = await startDmpSimulator({
    pki: dmpPki,
    adminPort: 0,
    patients: [
      PAT_TROIS_INS,
      INS.minor,
      { matricule: INS.opposed, dmp: 'opposed' },
      { matricule: INS.otherIns, reportedMatricule: INS.reported },
    ],
    onExchange: (e) => exchanges.push(e),
  });
  mss = await startMssanteSimulator({ pki: mssPki, requireAuth: false });
  pfi = await startHl7Peer({ max: 50, seconds: 900 });
  tier = await startWorkerTier({
    db,
    connection: { url: inject('redisUrl'), maxRetriesPerRequest: null },
    prefix: `{dmpcases-${randomBytes(4).toString('hex')}}`,
    logger,
    handlers: defaultHandlers(
      db,
      { secretsKey: h.secretsKey, insi: undefined },
      logger,
      deploymentSenders(h.secretsKey, {
        dmp: {
          endpoint: dmp.url,
          ca: dmpPki.caChainPem,
          software: { name: 'Rayon', version: '0.1.0', homologation: 'RAYON-TEST' },
          timeoutMs: 5000,
        },
        mssante: {
          host: mss.host,
          port: mss.port,
          security: 'starttls',
          ca: mssPki.caChainPem,
          nil: 'RAYON-TEST',
        },
        outbound: outboundPolicy(['127.0.0.1/32', '::1/128']),
      }),
      {},
    ),
  });
  const t = await createTestTenant(db, { finess: FINESS, firstSite: 'Imagerie DMP' });
  practice = { t, ...(await setUpPractice(h, db, t)) };
  await db.withTenant(t, async (tx) => {
    await installCertificate(
      tx,
      'dmp',
      OrganisationCertificate.fromPem(dmpPki.clients.organisation),
      h.secretsKey,
      null,
    );
    await installCertificate(
      tx,
      'mssante',
      OrganisationCertificate.fromPem(mssPki.clients.mailbox),
      h.secretsKey,
      null,
    );
    await putSetting(tx, DISTRIBUTION_SETTING, {
      dmp: true,
      mssante: { enabled: true, patient: true, mailbox: mssPki.clients.mailbox.mailbox },
      pfi: { host: '127.0.0.1', port: pfi.port, receivingApplication: 'PFI', receivingFacility: 'CHU' },
    });
  });
}, 120_000);
afterAll(async () => {
  await tier?.queue.obliterate({ force: true });
  await tier?.stop();
  pfi?.stop();
  await mss?.close();
  await dmp?.close();
  await db?.close();
  await h?.close();
});

describe('DMP cases', () => {
  it('TD0.2 first: a DMP → sent, and not asked again for that patient; the status is recorded', async () => {
    const patientId = await patTrois();
    const before = td02();
    const first = await validated(patientId);
    expect(one(await settled(first.reportId, 4), 'dmp')).toMatchObject({ status: 'delivered' });
    expect(td02()).toBe(before + 1);
    expect(await db.withTenant(practice.t, (tx) => patientDmpStatus(tx, patientId))).toMatchObject({
      status: 'exists',
    });
    const second = await validated(patientId);
    expect(one(await settled(second.reportId, 4), 'dmp')).toMatchObject({ status: 'delivered' });
    expect(td02()).toBe(before + 1);
  }, 180_000);

  it('TD0.2: no DMP or the patient’s opposition → « Pas de DMP », not sent, no retry', async () => {
    for (const [matricule, status] of [
      [INS.none, 'none'],
      [INS.opposed, 'opposed'],
    ] as const) {
      const patientId = await qualifiedPatient(matricule);
      const atDmp = dmp.documents().length;
      const { reportId, documentId } = await validated(patientId);
      const rows = await settled(reportId, 4);
      expect(one(rows, 'dmp')).toMatchObject({ status: 'not_sent', reason: DMP_EXISTENCE_REASONS[status] });
      expect(one(rows, 'dmp')!.reason).toMatch(/^Pas de DMP/);
      // One attempt, recorded as « not sent »; nothing reached the DMP; the others went.
      const attempts = await db.withTenant(practice.t, (tx) =>
        listDeliveryAttempts(tx, one(rows, 'dmp')!.id),
      );
      expect(attempts.map((a) => a.outcome)).toEqual(['not_sent']);
      expect(dmp.documents()).toHaveLength(atDmp);
      expect(await listing(documentId)).toEqual([]);
      expect(one(rows, 'mssante_referrer')!.status).toBe('delivered');
      expect(await db.withTenant(practice.t, (tx) => patientDmpStatus(tx, patientId))).toMatchObject({
        status,
      });
    }
  }, 180_000);

  it('TD0.2: the DMP knows the patient under another INS → nothing sent, failed for a person, traced', async () => {
    const patientId = await qualifiedPatient(INS.otherIns);
    const { reportId, documentId } = await validated(patientId);
    const rows = await settled(reportId, 4);
    expect(one(rows, 'dmp')).toMatchObject({ status: 'failed', reason: DMP_EXISTENCE_REASONS.insDifference });
    expect(await listing(documentId)).toEqual([]);
    const events = await db.withTenant(practice.t, (tx) => listIdentityEvents(tx, patientId));
    expect(events.find((e) => e.action === 'dmp-identity-difference')).toMatchObject({
      source: 'dmp',
      changes: [{ field: 'ins.matricule', from: INS.otherIns, to: INS.reported }],
    });
    const audit = await db.platform((tx) =>
      listAuditEvents(tx, {
        tenantId: practice.t.id,
        target: patientId,
        action: 'patient.dmp-identity-difference',
      }),
    );
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.details)).not.toContain(INS.reported);
    // Not recorded as a DMP: the next attempt asks again.
    expect((await db.withTenant(practice.t, (tx) => patientDmpStatus(tx, patientId)))?.status).toBeNull();
  }, 180_000);

  it('an announcement recorded after the report reached the DMP invisible makes its entry visible (ITI-57), once', async () => {
    const patientId = await patTrois();
    const { reportId, documentId } = await validated(patientId, { announcementRequired: true });
    const rows = await settled(reportId, 4);
    expect(one(rows, 'dmp')!.status).toBe('delivered');
    expect(one(rows, 'mssante_patient')!.reason).toBe(NOT_SENT_REASONS.announcementPending);
    expect((await listing(documentId)).map((d) => [d.version, d.visibility.patient])).toEqual([[1, false]]);

    await practice.radiologist.reporting.announce.mutate({ id: reportId });
    const after = await settled(reportId, 5);
    expect(one(after, 'dmp', 'visibility')).toMatchObject({ status: 'delivered' });
    expect(one(after, 'mssante_patient')!.status).toBe('delivered');
    expect((await listing(documentId)).map((d) => [d.version, d.status, d.visibility.patient])).toEqual([
      [1, 'deprecated', false],
      [2, 'approved', true],
    ]);
    // Announced again (refused) or retried: the update is planned once.
    await expect(practice.radiologist.reporting.announce.mutate({ id: reportId })).rejects.toThrow();
    expect((await sends(reportId)).filter((d) => d.action === 'visibility')).toHaveLength(1);
  }, 180_000);

  it('an announcement recorded while the publication waits (DMP down): it goes out visible, and the update sends nothing', async () => {
    const patientId = await patTrois();
    const updates = () =>
      exchanges.filter((e) => e.transaction === 'ITI-57' && e.outcome !== 'stored query').length;
    // The DMP answers its next request with a 500: the publication waits for its retry.
    dmp.injectFaults({ count: 1, kind: 'http-500' });
    const { reportId, documentId } = await validated(patientId, { announcementRequired: true });
    await waitFor(async () => {
      const publication = one(await sends(reportId), 'dmp');
      return publication && publication.attempts >= 1 && publication.status === 'pending' ? true : undefined;
    }, 60_000);
    const before = updates();
    await practice.radiologist.reporting.announce.mutate({ id: reportId });
    const rows = await settled(reportId, 5);
    expect(one(rows, 'dmp', 'publish')!.status).toBe('delivered');
    const visibility = one(rows, 'dmp', 'visibility')!;
    expect(visibility.status).toBe('delivered');
    const attempts = await db.withTenant(practice.t, (tx) => listDeliveryAttempts(tx, visibility.id));
    expect(attempts.map((a) => a.detail)).toEqual(['visibility already as asked: nothing sent']);
    expect(updates()).toBe(before);
    expect((await listing(documentId)).map((d) => [d.version, d.visibility.patient])).toEqual([[1, true]]);
    expect(one(rows, 'mssante_patient')!.status).toBe('delivered');
  }, 180_000);

  it('announced while a publication waits that ends « Pas de DMP »: the update has nothing to update, not sent', async () => {
    const patientId = await qualifiedPatient(INS.noneToo);
    dmp.injectFaults({ count: 1, kind: 'http-500' });
    const { reportId } = await validated(patientId, { announcementRequired: true });
    await waitFor(async () => {
      const publication = one(await sends(reportId), 'dmp');
      return publication && publication.attempts >= 1 && publication.status === 'pending' ? true : undefined;
    }, 60_000);
    await practice.radiologist.reporting.announce.mutate({ id: reportId });
    const rows = await settled(reportId, 5);
    expect(one(rows, 'dmp', 'publish')).toMatchObject({
      status: 'not_sent',
      reason: DMP_EXISTENCE_REASONS.none,
    });
    expect(one(rows, 'dmp', 'visibility')).toMatchObject({
      status: 'not_sent',
      reason: DMP_VISIBILITY_NOTHING_TO_UPDATE,
    });
  }, 180_000);

  it('masked from professionals: MASQUE_PS at the DMP and in the PFI flags, no mail to the referrer', async () => {
    const { reportId, documentId } = await validated(await patTrois(), { maskedFromProfessionals: true });
    const rows = await settled(reportId, 4);
    expect(one(rows, 'dmp')!.status).toBe('delivered');
    expect(one(rows, 'mssante_referrer')).toMatchObject({
      status: 'not_sent',
      reason: NOT_SENT_REASONS.maskedFromProfessionals,
    });
    expect(one(rows, 'mssante_patient')!.status).toBe('delivered');
    expect(await listing(documentId)).toMatchObject([
      {
        confidentialityCodes: ['N', 'MASQUE_PS'],
        visibility: { patient: true, professionals: false, legalRepresentatives: true },
        secretConnection: false,
      },
    ]);
    expect(await pfiFlags(documentId)).toMatchObject({
      MASQUE_PS: 'Y',
      INVISIBLE_PATIENT: 'N',
      INVISIBLE_REP_LEGAUX: 'N',
      CONNEXION_SECRETE: 'N',
    });
  }, 180_000);

  it('a minor, hidden from the legal representatives in a « connexion secrète »: the DMP and the PFI are told, no patient mail', async () => {
    const minor = await qualifiedPatient(INS.minor, '2014-05-20');
    const { reportId, documentId } = await validated(minor, {
      hiddenFromLegalRepresentatives: true,
      secretConnection: true,
    });
    const rows = await settled(reportId, 4);
    expect(one(rows, 'dmp')!.status).toBe('delivered');
    expect(one(rows, 'mssante_referrer')!.status).toBe('delivered');
    expect(one(rows, 'mssante_patient')).toMatchObject({
      status: 'not_sent',
      reason: NOT_SENT_REASONS.hiddenFromLegalRepresentatives,
    });
    expect(await listing(documentId)).toMatchObject([
      {
        confidentialityCodes: ['N', 'INVISIBLE_REPRESENTANTS_LEGAUX'],
        visibility: { patient: true, professionals: true, legalRepresentatives: false },
        // The VIHF carried the confidentiality-code of a « connexion secrète ».
        secretConnection: true,
      },
    ]);
    expect(await pfiFlags(documentId)).toMatchObject({
      MASQUE_PS: 'N',
      INVISIBLE_PATIENT: 'N',
      INVISIBLE_REP_LEGAUX: 'Y',
      CONNEXION_SECRETE: 'Y',
    });
  }, 180_000);
});
