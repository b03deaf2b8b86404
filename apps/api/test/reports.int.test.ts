/**
 * The report lifecycle through the portal API, on the real PostgreSQL: writing, concurrent
 * edits, préliminaire, second reading, validation and its documents (generated as the worker
 * does), correction (a new version replacing the old), withdrawal, announcement, the 48 h
 * reminder with a controlled clock.
 */
import type { TenantRole } from '@rayon/domain';
import {
  findExam,
  findTenantById,
  insertDelivery,
  insertReferrer,
  listSites,
  setExamStatus,
  updateOrder,
  upsertUserProfile,
  type TenantRef,
} from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { describeReportVersion, generateReportDocuments, remindProvisionalReports } from '@rayon/reporting';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let a: TenantRef;
type Client = ReturnType<Harness['trpc']>;
let desk: Client;
let senior: Client;
let senior2: Client;
let resident: Client;
let seniorId: string;
let residentId: string;
let examType: { id: string };
let patientId: string;

const week = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '23:59']]]));

let booked = 0;
/** An order with one exam, booked and acquired (as MPPS would leave it). */
async function acquiredExam(ae: string, patient = patientId): Promise<string> {
  const order = await desk.scheduling.orders.create.mutate({
    patientId: patient,
    examTypeIds: [examType.id],
    urgency: 'routine',
  });
  const modality = (await desk.scheduling.modalities.list.query()).find((m) => m.aeTitle === ae)!;
  const exam = order.exams[0]!;
  const startsAt = new Date(Date.UTC(2031, 0, 6, 9, 0) + booked++ * 24 * 3600_000);
  await desk.scheduling.appointments.book.mutate({
    examId: exam.id,
    modalityId: modality.id,
    startsAt: startsAt.toISOString(),
  });
  await h.db.withTenant(a, (tx) => setExamStatus(tx, exam.id, 'completed'));
  return exam.id;
}

const AE = `MRREP${Math.random().toString(36).slice(2, 7).toUpperCase()}`;

beforeAll(async () => {
  h = await createHarness();
  a = await createTestTenant(h.db, { firstSite: 'Centre IRM', finess: '750712184' });
  const user = async (name: string, roles: TenantRole[]) =>
    h.signedInUser({ email: uniqueEmail(name), memberships: [{ tenant: a, roles }] });
  const d = await user('desk', ['practice_admin', 'secretary']);
  const s = await user('senior', ['radiologist']);
  const s2 = await user('senior2', ['radiologist']);
  const r = await user('resident', ['resident']);
  [seniorId, residentId] = [s.user.id, r.user.id];
  await h.db.withTenant(a, async (tx) => {
    // Signers: complete profiles (civility, names, valid RPPS), allowed to sign.
    await upsertUserProfile(tx, {
      userId: s.user.id,
      displayName: 'BIDEAULT Jacques',
      rpps: '10001234565',
      title: 'DR',
      civility: 'Dr',
      familyName: 'BIDEAULT',
      givenName: 'Jacques',
      signsReports: true,
    });
    await upsertUserProfile(tx, {
      userId: s2.user.id,
      displayName: 'DART Thierry',
      rpps: '10001234573',
      civility: 'Dr',
      familyName: 'DART',
      givenName: 'Thierry',
      signsReports: true,
    });
    await upsertUserProfile(tx, { userId: r.user.id, displayName: 'INTERNE Léa', signsReports: false });
  });
  desk = h.trpc({ token: d.token, tenant: a.slug });
  senior = h.trpc({ token: s.token, tenant: a.slug });
  senior2 = h.trpc({ token: s2.token, tenant: a.slug });
  resident = h.trpc({ token: r.token, tenant: a.slug });
  const [site] = await h.db.withTenant(a, listSites);
  const room = await desk.scheduling.rooms.create.mutate({ siteId: site!.id, name: 'Salle IRM' });
  await desk.scheduling.modalities.create.mutate({
    roomId: room.id,
    name: 'IRM',
    type: 'MR',
    aeTitle: AE,
    openingHours: week,
  });
  examType = await desk.scheduling.examTypes.create.mutate({
    label: 'IRM du genou',
    ccamCode: 'NZQN001',
    loinc: { code: '24802-1', label: 'RM genou' },
    modalityType: 'MR',
    durationMinutes: 20,
  });
  patientId = (
    await desk.identity.create.mutate({
      traits: {
        birthFamilyName: 'COMPTE-RENDU',
        firstBirthForename: 'Élodie',
        birthDate: '1980-05-05',
        sex: 'F',
      },
    })
  ).id;
});
afterAll(() => h.close());

describe('report lifecycle', () => {
  it('a report needs an acquired exam, and one exam has one report', async () => {
    const order = await desk.scheduling.orders.create.mutate({
      patientId,
      examTypeIds: [examType.id],
      urgency: 'routine',
    });
    expect(await trpcError(senior.reporting.create.mutate({ examIds: [order.exams[0]!.id] }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'examIds.0',
    });
    const examId = await acquiredExam(AE);
    expect((await senior.reporting.toWrite.query()).map((e) => e.examId)).toContain(examId);
    await senior.reporting.create.mutate({ examIds: [examId] });
    expect((await senior.reporting.toWrite.query()).map((e) => e.examId)).not.toContain(examId);
    expect(await trpcError(senior.reporting.create.mutate({ examIds: [examId] }))).toMatchObject({
      code: 'CONFLICT',
    });
    expect(await trpcError(desk.reporting.create.mutate({ examIds: [examId] }))).toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('two people cannot overwrite each other: the edit lock and the revision', async () => {
    const report = await senior.reporting.create.mutate({ examIds: [await acquiredExam(AE)] });
    const v1 = report.versions[0]!;
    const saved = await senior.reporting.save.mutate({
      id: report.id,
      body: 'Premier jet',
      revision: v1.revision,
    });
    expect(saved.versions[0]).toMatchObject({ lockedBy: 'BIDEAULT Jacques', lockedByMe: true });
    expect((await senior2.reporting.get.query({ id: report.id })).versions[0]!.lockedByMe).toBe(false);
    // Another radiologist while the lock is held.
    expect(
      await trpcError(
        senior2.reporting.save.mutate({
          id: report.id,
          body: 'Écrasé ?',
          revision: saved.versions[0]!.revision,
        }),
      ),
    ).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/someone else is editing/) });
    // The holder saving from a stale revision.
    expect(
      await trpcError(senior.reporting.save.mutate({ id: report.id, body: 'Périmé', revision: v1.revision })),
    ).toMatchObject({ code: 'CONFLICT', field: 'revision' });
    // Two concurrent saves by the holder from the same revision: one wins.
    const rev = saved.versions[0]!.revision;
    const results = await Promise.allSettled(
      ['A', 'B', 'C'].map((t) => senior.reporting.save.mutate({ id: report.id, body: t, revision: rev })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const final = await senior.reporting.get.query({ id: report.id });
    expect(['A', 'B', 'C']).toContain(final.versions[0]!.body);
  });

  it('second reading: the resident writes and cannot validate; a senior validates; documents are generated once', async () => {
    const report = await resident.reporting.create.mutate({ examIds: [await acquiredExam(AE)] });
    let view = await resident.reporting.save.mutate({
      id: report.id,
      body: 'Indication : gonalgie.\n\nConclusion : fissure méniscale médiale.',
      revision: 0,
    });
    view = await resident.reporting.setProvisional.mutate({
      id: report.id,
      revision: view.versions[0]!.revision,
    });
    expect(view.status).toBe('provisional');
    expect(
      await trpcError(
        resident.reporting.validate.mutate({ id: report.id, revision: view.versions[0]!.revision }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    // The resident's lock is still held: the senior waits, or the resident releases by expiry.
    expect(
      await trpcError(
        senior.reporting.validate.mutate({ id: report.id, revision: view.versions[0]!.revision }),
      ),
    ).toMatchObject({ code: 'CONFLICT' });
    await h.db.withTenant(a, (tx) =>
      tx.execute(
        `update report_versions set lock_until = now() - interval '1 second' where report_id = '${report.id}'`,
      ),
    );
    const validated = await senior.reporting.validate.mutate({
      id: report.id,
      revision: view.versions[0]!.revision,
    });
    expect(validated.status).toBe('validated');
    expect(validated.versions[0]).toMatchObject({ validatedBy: 'BIDEAULT Jacques', status: 'validated' });
    expect(
      await trpcError(
        senior.reporting.save.mutate({
          id: report.id,
          body: 'après',
          revision: validated.versions[0]!.revision,
        }),
      ),
    ).toMatchObject({ code: 'CONFLICT' });

    // The outbox carries the generation request; the worker's job does what follows.
    const messages = (await h.db.platform((tx) =>
      tx.execute(`select payload from platform.outbox where topic = 'report.documents'`),
    )) as unknown as { payload: { reportId: string } }[];
    expect(messages.some((m) => m.payload.reportId === report.id)).toBe(true);
    const tenant = (await h.db.platform((tx) => findTenantById(tx, a.id)))!;
    // The site's letterhead and the practice's RGPD mentions go into the documents.
    const [site] = await desk.onboarding.sites.list.query();
    await desk.onboarding.sites.setLetterhead.mutate({
      id: site!.id,
      letterhead: 'IRM · Scanner\nSecrétariat : 01 02 03 04 05',
    });
    const notice = 'Vos données sont traitées pour votre prise en charge (RGPD art. 9.2.h).';
    await desk.reporting.settings.setRgpdNotice.mutate({ rgpdNotice: notice });
    expect(await senior.reporting.settings.get.query()).toEqual({ rgpdNotice: notice });
    const description = await h.db.withTenant(a, (tx) =>
      describeReportVersion(tx, tenant, validated.versions[0]!.id),
    );
    expect(description.organisation).toMatchObject({
      name: 'Centre IRM',
      idNat: '1750712184',
      letterhead: ['IRM · Scanner', 'Secrétariat : 01 02 03 04 05'],
      rgpdNotice: notice,
    });
    expect(description.radiologist).toEqual({
      rpps: '10001234565',
      familyName: 'BIDEAULT',
      givenName: 'Jacques',
      prefix: 'Dr',
    });
    const first = await generateReportDocuments(h.db, a, tenant, validated.versions[0]!.id);
    expect(first).toMatchObject({ stored: 2, rendered: true });
    // Run again (a job retried): nothing rendered nor stored, the stored documents' hashes given back.
    const again = await generateReportDocuments(h.db, a, tenant, validated.versions[0]!.id);
    expect(again).toMatchObject({ stored: 0, rendered: false, sha256: first.sha256 });
    const docs = (await senior.reporting.get.query({ id: report.id })).versions[0]!.documents;
    expect(docs.map((d) => d.kind).sort()).toEqual(['cda', 'pdf']);
    const cda = docs.find((d) => d.kind === 'cda')!;
    expect(cda.sha256).toBe(first.sha256.cda);
    // Stored documents are immutable.
    await expect(
      h.db.withTenant(a, (tx) =>
        tx.execute(`update report_documents set sha256 = 'x' where id = '${cda.id}'`),
      ),
    ).rejects.toThrow();
    const stored = await h.db.withTenant(a, (tx) =>
      tx.execute(`select content from report_documents where id = '${cda.id}'`),
    );
    const content = (stored as unknown as { content: Buffer }[])[0]!.content;
    expect(createHash('sha256').update(content).digest('hex')).toBe(first.sha256.cda);
    const xml = content.toString('utf8');
    expect(xml).toContain(`<id root="${validated.versions[0]!.id.toUpperCase()}"/>`);
    expect(xml).toContain(`<setId root="${validated.setId.toUpperCase()}"/>`);
    expect(xml).toContain('<versionNumber value="1"/>');
    expect(xml).toContain('extension="810001234565"');
    // The exam's LOINC code (JDV_CodesDocumentImagerie) heads the serviceEvent, CCAM and modality follow.
    expect(xml).toMatch(/<serviceEvent classCode="ACT">[\s\S]*<code code="24802-1" displayName="RM genou"/);
    expect(xml).toContain('<translation code="NZQN001"');
    expect(xml).toContain('<translation code="MR"');

    // The viewer reads the stored CDA through the API: its header and the PDF it carries.
    const read = await senior.reporting.readDocument.query({ id: cda.id });
    expect(read).toMatchObject({ sha256: first.sha256.cda, size: content.length });
    expect(read.header).toMatchObject({
      id: { root: validated.versions[0]!.id.toUpperCase(), extension: null },
      version: '1',
      legalAuthenticator: { rpps: '10001234565' },
    });
    expect(read.header.serviceEvents[0]!.code?.code).toBe('24802-1');
    expect(Buffer.from(read.pdfBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    // A PDF/A is not a CDA: refused with its reason key, and no viewing is recorded for it.
    const pdfId = docs.find((d) => d.kind === 'pdf')!.id;
    const viewings = async () =>
      (
        (await h.db.platform((tx) =>
          tx.execute(
            `select count(*)::int as n from platform.audit_events where tenant_id = '${a.id}' and action = 'report.document-viewed'`,
          ),
        )) as unknown as { n: number }[]
      )[0]!.n;
    const before = await viewings();
    expect(await trpcError(senior.reporting.readDocument.query({ id: pdfId }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'id',
      reason: 'documents.cda.not_cda',
    });
    expect(await viewings()).toBe(before);
    // A CDA received from elsewhere: read the same way, nothing stored. Over the 1 MiB body limit
    // of other requests (padded with a comment), still read; what is not a CDA is refused.
    const padded = xml.replace(
      '</ClinicalDocument>',
      `<!--${'x'.repeat(2 * 1024 * 1024)}--></ClinicalDocument>`,
    );
    const received = await senior.reporting.readReceivedCda.mutate({
      base64: Buffer.from(padded).toString('base64'),
    });
    expect(received).toEqual({ header: read.header, pdfBase64: read.pdfBase64 });
    expect(
      await trpcError(
        senior.reporting.readReceivedCda.mutate({
          base64: Buffer.from('<a>not a CDA</a>').toString('base64'),
        }),
      ),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'ClinicalDocument',
      reason: 'documents.cda.not_cda',
    });
    expect(
      await trpcError(
        senior.reporting.readReceivedCda.mutate({ base64: Buffer.from('<a><b></a>').toString('base64') }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'document', reason: 'documents.cda.not_xml' });
    expect(await viewings()).toBe(before);
  });

  it('a correction is a new version; validated, it replaces the old one (RPLC); withdrawal ends it', async () => {
    const report = await senior.reporting.create.mutate({ examIds: [await acquiredExam(AE)] });
    let view = await senior.reporting.save.mutate({ id: report.id, body: 'Version 1', revision: 0 });
    view = await senior.reporting.validate.mutate({ id: report.id, revision: view.versions[0]!.revision });
    view = await senior.reporting.correct.mutate({ id: report.id });
    expect(view.currentVersion).toBe(2);
    expect(view.versions.map((v) => [v.version, v.status])).toEqual([
      [1, 'validated'],
      [2, 'draft'],
    ]);
    expect(view.versions[1]!.body).toBe('Version 1');
    view = await senior.reporting.save.mutate({
      id: report.id,
      body: 'Version 2 corrigée',
      revision: view.versions[1]!.revision,
    });
    view = await senior.reporting.validate.mutate({ id: report.id, revision: view.versions[1]!.revision });
    expect(view.versions.map((v) => v.status)).toEqual(['replaced', 'validated']);
    const tenant = (await h.db.platform((tx) => findTenantById(tx, a.id)))!;
    await generateReportDocuments(h.db, a, tenant, view.versions[1]!.id);
    const rows = (await h.db.withTenant(a, (tx) =>
      tx.execute(
        `select content from report_documents where version_id = '${view.versions[1]!.id}' and kind = 'cda'`,
      ),
    )) as unknown as { content: Buffer }[];
    const xml = rows[0]!.content.toString('utf8');
    expect(xml).toContain('<versionNumber value="2"/>');
    expect(xml).toMatch(
      new RegExp(
        `<relatedDocument typeCode="RPLC">\\s*<parentDocument>\\s*<id root="${view.versions[0]!.id.toUpperCase()}"/>`,
      ),
    );
    view = await senior.reporting.withdraw.mutate({
      id: report.id,
      reason: 'Examen attribué au mauvais patient',
    });
    expect(view.status).toBe('withdrawn');
    expect(await trpcError(senior.reporting.correct.mutate({ id: report.id }))).toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('an announced report stays hidden from the patient until the announcement is recorded, with who and when', async () => {
    const report = await senior.reporting.create.mutate({
      examIds: [await acquiredExam(AE)],
      announcementRequired: true,
    });
    expect(report.announcement).toMatchObject({ required: true, visibleToPatient: false, announcedAt: null });
    // Recorded by a colleague of the author: the trace names who announced.
    const view = await senior2.reporting.announce.mutate({ id: report.id });
    expect(view.announcement).toMatchObject({ visibleToPatient: true, announcedBy: 'DART Thierry' });
    expect(view.announcement.announcedAt).not.toBeNull();
    expect(await trpcError(senior.reporting.announce.mutate({ id: report.id }))).toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('a version whose documents could not be produced is refused at validation, naming the field, and stays unvalidated', async () => {
    const examId = await acquiredExam(AE);
    // A referrer stored with an RPPS the document schema refuses (as a lax HL7 sender could send).
    await h.db.withTenant(a, async (tx) => {
      const referrer = await insertReferrer(tx, { rpps: '12345', familyName: 'MALFORMÉ' });
      await updateOrder(tx, (await findExam(tx, examId))!.orderId, { referrerId: referrer.id });
    });
    const created = await senior.reporting.create.mutate({ examIds: [examId] });
    const saved = await senior.reporting.save.mutate({ id: created.id, body: 'RAS.', revision: 0 });
    const refused = await trpcError(
      senior.reporting.validate.mutate({ id: created.id, revision: saved.versions[0]!.revision }),
    );
    expect(refused).toMatchObject({ code: 'BAD_REQUEST' });
    expect(refused.message).toMatch(/documents cannot be produced: referrer\.rpps/);
    const after = await senior.reporting.get.query({ id: created.id });
    expect(after.status).toBe('draft');
  });

  it('visibility chosen at validation: refused combinations name their field and write nothing; the choice is kept on the version (tRPC and REST)', async () => {
    const written = async (exam: string) => {
      const r = await senior.reporting.create.mutate({ examIds: [exam] });
      return senior.reporting.save.mutate({ id: r.id, body: 'RAS.', revision: 0 });
    };
    // An adult: no « représentants légaux », no « connexion secrète ».
    const adult = await written(await acquiredExam(AE));
    const revision = adult.versions[0]!.revision;
    for (const [input, field] of [
      [{ hiddenFromLegalRepresentatives: true }, 'hiddenFromLegalRepresentatives'],
      [{ secretConnection: true, hiddenFromLegalRepresentatives: true }, 'hiddenFromLegalRepresentatives'],
      [{ maskedFromProfessionals: true, secretConnection: true }, 'maskedFromProfessionals'],
    ] as const) {
      expect(
        await trpcError(senior.reporting.validate.mutate({ id: adult.id, revision, ...input })),
        JSON.stringify(input),
      ).toMatchObject({ code: 'BAD_REQUEST', field });
    }
    expect((await senior.reporting.get.query({ id: adult.id })).status).toBe('draft');
    const masked = await senior.reporting.validate.mutate({
      id: adult.id,
      revision,
      maskedFromProfessionals: true,
    });
    expect(masked.status).toBe('validated');
    expect(masked.versions[0]!.visibility).toEqual({
      maskedFromProfessionals: true,
      hiddenFromLegalRepresentatives: false,
      secretConnection: false,
    });

    // A minor: hidden from the legal representatives is accepted; a secret connection needs it.
    const minorId = (
      await desk.identity.create.mutate({
        traits: { birthFamilyName: 'MINEUR', firstBirthForename: 'Léo', birthDate: '2015-03-03', sex: 'M' },
      })
    ).id;
    const minor = await written(await acquiredExam(AE, minorId));
    const minorRevision = minor.versions[0]!.revision;
    expect(
      await trpcError(
        senior.reporting.validate.mutate({ id: minor.id, revision: minorRevision, secretConnection: true }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'secretConnection' });
    const hidden = await senior.reporting.validate.mutate({
      id: minor.id,
      revision: minorRevision,
      hiddenFromLegalRepresentatives: true,
    });
    expect(hidden.versions[0]!.visibility).toEqual({
      maskedFromProfessionals: false,
      hiddenFromLegalRepresentatives: true,
      secretConnection: false,
    });

    // An announcement pending: masked from professionals too would leave it visible to nobody.
    const announced = await senior.reporting.create.mutate({
      examIds: [await acquiredExam(AE)],
      announcementRequired: true,
    });
    const announcedSaved = await senior.reporting.save.mutate({
      id: announced.id,
      body: 'RAS.',
      revision: 0,
    });
    expect(
      await trpcError(
        senior.reporting.validate.mutate({
          id: announced.id,
          revision: announcedSaved.versions[0]!.revision,
          maskedFromProfessionals: true,
        }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'maskedFromProfessionals' });

    // REST: the same refusal naming the field; the OpenAPI document describes the choices.
    const key = (
      await desk.onboarding.apiKeys.create.mutate({
        tenantSlug: a.slug,
        name: 'TLR-vis',
        scopes: ['reports:write'],
      })
    ).secret;
    const send = (path: string, body: unknown, method = 'POST') =>
      h.rest(path, { key, method, body: JSON.stringify(body) });
    const viaRest = (await (await send('/reports', { examIds: [await acquiredExam(AE)] })).json()) as {
      id: string;
    };
    const restSaved = (await (
      await send(`/reports/${viaRest.id}/body`, { body: 'RAS.', revision: 0 }, 'PUT')
    ).json()) as { versions: { revision: number }[] };
    const res = await send(`/reports/${viaRest.id}/validate`, {
      revision: restSaved.versions[0]!.revision,
      signer: { rpps: '10001234565', familyName: 'BIDEAULT' },
      hiddenFromLegalRepresentatives: true,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe(
      'hiddenFromLegalRepresentatives',
    );
    const openapi = JSON.stringify(await (await h.rest('/openapi.json', {})).json());
    for (const name of ['maskedFromProfessionals', 'hiddenFromLegalRepresentatives', 'secretConnection']) {
      expect(openapi).toContain(name);
    }
  });

  it("cross-tenant: a radiologist of practice B reaches none of A's reports, exams, templates or documents", async () => {
    const b = await createTestTenant(h.db, { firstSite: 'Autre centre' });
    const other = await h.signedInUser({
      email: uniqueEmail('rad-b'),
      memberships: [{ tenant: b, roles: ['radiologist'] }],
    });
    const asB = h.trpc({ token: other.token, tenant: b.slug });
    const examId = await acquiredExam(AE);
    const report = await senior.reporting.create.mutate({ examIds: [examId] });
    const v = await senior.reporting.save.mutate({ id: report.id, body: 'Confidentiel A', revision: 0 });
    const validated = await senior.reporting.validate.mutate({
      id: report.id,
      revision: v.versions[0]!.revision,
    });
    const tenant = (await h.db.platform((tx) => findTenantById(tx, a.id)))!;
    await generateReportDocuments(h.db, a, tenant, validated.versions[0]!.id);
    const documents = (await senior.reporting.get.query({ id: report.id })).versions[0]!.documents;
    const docId = documents[0]!.id;
    const cdaId = documents.find((d) => d.kind === 'cda')!.id;
    // A's own radiologist reads it: B's NOT_FOUND below is the tenant's boundary, not a bad id.
    expect((await senior.reporting.readDocument.query({ id: cdaId })).header.title).toBeTruthy();
    const template = await senior.reporting.templates.create.mutate({
      name: 'Modèle A',
      body: 'Technique :',
    });
    const revision = validated.versions[0]!.revision;
    const attempts: (() => Promise<unknown>)[] = [
      () => asB.reporting.create.mutate({ examIds: [examId] }),
      () => asB.reporting.get.query({ id: report.id }),
      () => asB.reporting.lock.mutate({ id: report.id }),
      () => asB.reporting.save.mutate({ id: report.id, body: 'x', revision }),
      () => asB.reporting.setProvisional.mutate({ id: report.id, revision }),
      () => asB.reporting.validate.mutate({ id: report.id, revision }),
      () => asB.reporting.correct.mutate({ id: report.id }),
      () => asB.reporting.withdraw.mutate({ id: report.id, reason: 'x' }),
      () => asB.reporting.announce.mutate({ id: report.id }),
      () => asB.reporting.document.query({ id: docId }),
      () => asB.reporting.readDocument.query({ id: cdaId }),
    ];
    // A failed send of A's report (the distribution's dead-letter list).
    const failedSend = await h.db.withTenant(a, (tx) =>
      insertDelivery(tx, {
        reportId: report.id,
        versionId: validated.versions[0]!.id,
        destination: 'pfi',
        action: 'publish',
        idempotencyKey: `${validated.versions[0]!.id}:pfi:publish`,
        status: 'failed',
        reason: 'La PFI a refusé le message (AE)',
      }),
    );
    attempts.push(
      () => asB.delivery.forReport.query({ reportId: report.id }),
      () => asB.delivery.attempts.query({ id: failedSend!.id }),
      () => asB.delivery.retry.mutate({ id: failedSend!.id }),
    );
    for (const attempt of attempts) expect(await trpcError(attempt())).toMatchObject({ code: 'NOT_FOUND' });
    expect(await asB.delivery.failed.query()).toEqual([]);
    expect((await senior.delivery.failed.query()).map((d) => d.id)).toContain(failedSend!.id);
    expect((await senior.delivery.forReport.query({ reportId: report.id })).map((d) => d.status)).toEqual([
      'failed',
    ]);
    expect(await asB.reporting.list.query({})).toEqual([]);
    expect(await asB.reporting.toWrite.query()).toEqual([]);
    expect((await senior.reporting.list.query({})).map((r) => r.id)).toContain(report.id);
    expect((await asB.reporting.templates.list.query()).map((t) => t.id)).not.toContain(template.id);
    expect(await asB.reporting.notifications.query()).toEqual([]);
    // Settings: B's RGPD mentions are B's; A's site is out of B's reach.
    const adminB = await h.signedInUser({
      email: uniqueEmail('adm-b2'),
      memberships: [{ tenant: b, roles: ['practice_admin'] }],
    });
    const asAdminB = h.trpc({ token: adminB.token, tenant: b.slug });
    const before = await senior.reporting.settings.get.query();
    await asAdminB.reporting.settings.setRgpdNotice.mutate({ rgpdNotice: 'Mentions de B' });
    expect(await senior.reporting.settings.get.query()).toEqual(before);
    const distributionA = await senior.delivery.settings.get.query();
    await asAdminB.delivery.settings.set.mutate({
      dmp: true,
      mssante: { enabled: true, patient: true, mailbox: 'b@cabinet-b.mssante.fr' },
      pfi: { host: '203.0.113.2', port: 2575, receivingApplication: 'PFI-B', receivingFacility: 'CHU-B' },
    });
    expect(await senior.delivery.settings.get.query()).toEqual(distributionA);
    expect((await asAdminB.delivery.settings.get.query()).pfi?.receivingApplication).toBe('PFI-B');
    const [siteA] = await desk.onboarding.sites.list.query();
    expect(
      await trpcError(
        asAdminB.onboarding.sites.setLetterhead.mutate({ id: siteA!.id, letterhead: 'Piraté' }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect((await desk.onboarding.sites.list.query())[0]!.letterhead).not.toBe('Piraté');
    // Naming practice A in the header with B's session: not a member.
    const asA = h.trpc({ token: other.token, tenant: a.slug });
    expect(await trpcError(asA.reporting.get.query({ id: report.id }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await trpcError(asA.reporting.templates.create.mutate({ name: 'x', body: 'y' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await senior.reporting.get.query({ id: report.id })).versions[0]!.body).toBe('Confidentiel A');
  });

  it('REST /api/v1/reports: a platform writes and validates naming its radiologist, fetches the documents; another practice reaches nothing', async () => {
    const scopes: ('reports:read' | 'reports:write')[] = ['reports:read', 'reports:write'];
    const key = (await desk.onboarding.apiKeys.create.mutate({ tenantSlug: a.slug, name: 'TLR', scopes }))
      .secret;
    const b = await createTestTenant(h.db, { firstSite: 'Centre B' });
    const adminB = await h.signedInUser({
      email: uniqueEmail('adm-b'),
      memberships: [{ tenant: b, roles: ['practice_admin'] }],
    });
    const keyB = (
      await h
        .trpc({ token: adminB.token })
        .onboarding.apiKeys.create.mutate({ tenantSlug: b.slug, name: 'B', scopes })
    ).secret;
    const send = (path: string, k: string, method = 'GET', body?: unknown) =>
      h.rest(path, { key: k, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

    const examId = await acquiredExam(AE);
    const toWrite = (await (await send('/reports/to-write', key)).json()) as { data: { examId: string }[] };
    expect(toWrite.data.map((e) => e.examId)).toContain(examId);
    const created = await send('/reports', key, 'POST', { examIds: [examId] });
    expect(created.status).toBe(201);
    const report = (await created.json()) as { id: string; versions: { revision: number }[] };
    const saved = await send(`/reports/${report.id}/body`, key, 'PUT', {
      body: 'Téléradiologie : RAS.',
      revision: 0,
    });
    expect(saved.status).toBe(200);
    const revision = ((await saved.json()) as { versions: { revision: number }[] }).versions[0]!.revision;
    const unsigned = await send(`/reports/${report.id}/validate`, key, 'POST', { revision });
    expect(unsigned.status).toBe(400);
    expect(((await unsigned.json()) as { error: { field: string } }).error.field).toBe('signer');
    const signer = { rpps: '10009876540', familyName: 'TÉLÉ', givenName: 'Radiologue', prefix: 'DR' };
    // The platform may name only a radiologist of this practice allowed to sign.
    const refused = async (body: unknown, status: number, field: string) => {
      const res = await send(`/reports/${report.id}/validate`, key, 'POST', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
    };
    await refused({ revision, signer }, 403, 'signer.rpps'); // nobody of the practice has this RPPS
    // A radiologist of another practice (cross-tenant), allowed to sign there.
    const elsewhere = await h.signedInUser({
      email: uniqueEmail('rad-b'),
      memberships: [{ tenant: b, roles: ['radiologist'] }],
    });
    await h.db.withTenant(b, (tx) =>
      upsertUserProfile(tx, { userId: elsewhere.user.id, displayName: 'AUTRE Cabinet', rpps: '10005555555' }),
    );
    await refused({ revision, signer: { rpps: '10005555555', familyName: 'AUTRE' } }, 403, 'signer.rpps');
    // Users of the practice without signing rights: the resident (profile), the desk (role).
    await h.db.withTenant(a, (tx) =>
      upsertUserProfile(tx, {
        userId: residentId,
        displayName: 'INTERNE Léa',
        rpps: '10007777777',
        signsReports: false,
      }),
    );
    await refused({ revision, signer: { rpps: '10007777777', familyName: 'INTERNE' } }, 403, 'signer.rpps');
    const deskUser = await h.signedInUser({
      email: uniqueEmail('desk-rpps'),
      memberships: [{ tenant: a, roles: ['secretary'] }],
    });
    await h.db.withTenant(a, (tx) =>
      upsertUserProfile(tx, { userId: deskUser.user.id, displayName: 'ACCUEIL Paul', rpps: '10006666666' }),
    );
    await refused({ revision, signer: { rpps: '10006666666', familyName: 'ACCUEIL' } }, 403, 'signer.rpps');
    // The practice's teleradiologist, enrolled: but not under another name.
    const tele = await h.signedInUser({
      email: uniqueEmail('tele'),
      memberships: [{ tenant: a, roles: ['radiologist'] }],
    });
    await h.db.withTenant(a, (tx) =>
      upsertUserProfile(tx, {
        userId: tele.user.id,
        displayName: 'Radiologue TÉLÉ',
        rpps: '10009876540',
        civility: 'Dr',
        familyName: 'TÉLÉ',
        givenName: 'Radiologue',
        signsReports: true,
      }),
    );
    await refused({ revision, signer: { ...signer, familyName: 'BIDEAULT' } }, 400, 'signer.familyName');
    await refused({ revision, signer: { ...signer, givenName: 'Jacques' } }, 400, 'signer.givenName');
    expect((await send(`/reports/${report.id}`, key)).status).toBe(200);
    expect(((await (await send(`/reports/${report.id}`, key)).json()) as { status: string }).status).not.toBe(
      'validated',
    );
    const validated = await send(`/reports/${report.id}/validate`, key, 'POST', { revision, signer });
    expect(validated.status).toBe(200);
    const view = (await validated.json()) as { status: string; versions: { id: string }[] };
    expect(view.status).toBe('validated');

    const tenant = (await h.db.platform((tx) => findTenantById(tx, a.id)))!;
    const { sha256 } = await generateReportDocuments(h.db, a, tenant, view.versions[0]!.id);
    const docs = (
      (await (await send(`/reports/${report.id}`, key)).json()) as {
        versions: { documents: { id: string; kind: string }[] }[];
      }
    ).versions[0]!.documents;
    const pdf = await send(`/reports/documents/${docs.find((d) => d.kind === 'pdf')!.id}`, key);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('x-content-sha256')).toBe(sha256.pdf);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    const cda = await send(`/reports/documents/${docs.find((d) => d.kind === 'cda')!.id}`, key);
    const xml = await cda.text();
    expect(xml).toContain('extension="810009876540"');
    expect(xml).toContain('<family>TÉLÉ</family>');
    const cdaId = docs.find((d) => d.kind === 'cda')!.id;
    const header = await send(`/reports/documents/${cdaId}/header`, key);
    expect(header.status).toBe(200);
    expect(await header.json()).toMatchObject({
      sha256: sha256.cda,
      header: { legalAuthenticator: { rpps: '10009876540', name: expect.stringContaining('TÉLÉ') } },
    });
    const listed = (await (await send('/reports?status=validated', key)).json()) as {
      data: { id: string }[];
    };
    expect(listed.data.map((r) => r.id)).toContain(report.id);

    // Practice B's key: A's report, its documents and its exams are out of reach.
    for (const [path, method, body] of [
      [`/reports/${report.id}`, 'GET'],
      [`/reports/documents/${docs[0]!.id}`, 'GET'],
      [`/reports/documents/${cdaId}/header`, 'GET'],
      [`/reports/${report.id}/body`, 'PUT', { body: 'x', revision: 0 }],
      [`/reports/${report.id}/provisional`, 'POST', { revision: 0 }],
      [`/reports/${report.id}/validate`, 'POST', { revision: 0, signer }],
      [`/reports/${report.id}/correct`, 'POST'],
      [`/reports/${report.id}/withdraw`, 'POST', { reason: 'x' }],
      [`/reports/${report.id}/announcement`, 'POST'],
      ['/reports', 'POST', { examIds: [examId] }],
    ] as [string, string, unknown?][]) {
      expect((await send(path, keyB, method, body)).status, `${method} ${path}`).toBe(404);
    }
    expect(((await (await send('/reports', keyB)).json()) as { data: unknown[] }).data).toEqual([]);
    expect(((await (await send('/reports/to-write', keyB)).json()) as { data: unknown[] }).data).toEqual([]);
    // A key without the scope.
    const readOnly = (
      await desk.onboarding.apiKeys.create.mutate({
        tenantSlug: a.slug,
        name: 'RO',
        scopes: ['reports:read'],
      })
    ).secret;
    expect((await send(`/reports/${report.id}/correct`, readOnly, 'POST')).status).toBe(403);
  });

  it('the 48 h reminder fires for a provisional report and stops once it is validated', async () => {
    const report = await resident.reporting.create.mutate({ examIds: [await acquiredExam(AE)] });
    const view = await resident.reporting.save.mutate({ id: report.id, body: 'Préliminaire', revision: 0 });
    await resident.reporting.setProvisional.mutate({
      id: report.id,
      revision: view.versions[0]!.revision,
    });
    const now = Date.now();
    expect(await remindProvisionalReports(h.db, a, new Date(now + 47 * 3600_000))).toBe(0);
    expect(await remindProvisionalReports(h.db, a, new Date(now + 49 * 3600_000))).toBeGreaterThanOrEqual(1);
    // Once only while it is open.
    const mine = await resident.reporting.notifications.query();
    expect(mine.filter((n) => n.target === report.id)).toHaveLength(1);
    expect(await remindProvisionalReports(h.db, a, new Date(now + 50 * 3600_000))).toBe(0);
    await h.db.withTenant(a, (tx) =>
      tx.execute(
        `update report_versions set lock_until = null, lock_user_id = null where report_id = '${report.id}'`,
      ),
    );
    const fresh = await senior.reporting.get.query({ id: report.id });
    await senior.reporting.validate.mutate({ id: report.id, revision: fresh.versions[0]!.revision });
    expect(
      (await resident.reporting.notifications.query()).filter((n) => n.target === report.id),
    ).toHaveLength(0);
    expect(seniorId).not.toBe(residentId);
  });
});
