/**
 * A report's sends through the portal API (tRPC) and the REST API, on the real PostgreSQL:
 * « Réessayer » never sends a version that was replaced or withdrawn since (refused, naming why),
 * a withdrawal cancels what had not gone yet, and a person may cancel one pending send
 * (« Annuler l'envoi »), audited, with who and why kept; another practice reaches nothing.
 */
import type { TenantRole } from '@rayon/domain';
import {
  findDelivery,
  insertDelivery,
  listAuditEvents,
  listSites,
  setExamStatus,
  upsertUserProfile,
  type TenantRef,
} from '@rayon/db';
import type { Destination } from '@rayon/domain';
import { createTestTenant } from '@rayon/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let a: TenantRef;
type Client = ReturnType<Harness['trpc']>;
let desk: Client;
let senior: Client;
let resident: Client;
let examTypeId: string;
let patientId: string;
let modalityId: string;
let booked = 0;

beforeAll(async () => {
  h = await createHarness();
  a = await createTestTenant(h.db, { firstSite: 'Centre IRM', finess: '750712184' });
  const user = (name: string, roles: TenantRole[]) =>
    h.signedInUser({ email: uniqueEmail(name), memberships: [{ tenant: a, roles }] });
  const d = await user('desk', ['practice_admin', 'secretary']);
  const s = await user('senior', ['radiologist']);
  const r = await user('resident', ['resident']);
  await h.db.withTenant(a, (tx) =>
    upsertUserProfile(tx, {
      userId: s.user.id,
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
  senior = h.trpc({ token: s.token, tenant: a.slug });
  resident = h.trpc({ token: r.token, tenant: a.slug });
  const [site] = await h.db.withTenant(a, listSites);
  const room = await desk.scheduling.rooms.create.mutate({ siteId: site!.id, name: 'Salle IRM' });
  const week = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((x) => [x, [['00:00', '23:59']]]));
  modalityId = (
    await desk.scheduling.modalities.create.mutate({
      roomId: room.id,
      name: 'IRM',
      type: 'MR',
      aeTitle: `MRDLV${Math.random().toString(36).slice(2, 7).toUpperCase()}`,
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
      traits: { birthFamilyName: 'ENVOIS', firstBirthForename: 'Élodie', birthDate: '1980-05-05', sex: 'F' },
    })
  ).id;
});
afterAll(() => h.close());

/** A validated report of an acquired exam: its id and its first version. */
async function validatedReport() {
  const order = await desk.scheduling.orders.create.mutate({
    patientId,
    examTypeIds: [examTypeId],
    urgency: 'routine',
  });
  const exam = order.exams[0]!;
  await desk.scheduling.appointments.book.mutate({
    examId: exam.id,
    modalityId,
    startsAt: new Date(Date.UTC(2031, 0, 6, 9, 0) + booked++ * 24 * 3600_000).toISOString(),
  });
  await h.db.withTenant(a, (tx) => setExamStatus(tx, exam.id, 'completed'));
  const report = await senior.reporting.create.mutate({ examIds: [exam.id] });
  const saved = await senior.reporting.save.mutate({
    id: report.id,
    body: 'Conclusion : normal.',
    revision: 0,
  });
  const view = await senior.reporting.validate.mutate({
    id: report.id,
    revision: saved.versions[0]!.revision,
  });
  return { reportId: report.id, v1: view.versions[0]!.id };
}

/** A send of a version, as the worker plans it (here: in the state the test needs). */
const send = (
  reportId: string,
  versionId: string,
  status: 'pending' | 'failed',
  destination: Destination = 'pfi',
) =>
  h.db
    .withTenant(a, (tx) =>
      insertDelivery(tx, {
        reportId,
        versionId,
        patientId,
        destination,
        action: 'publish',
        idempotencyKey: `${versionId}:${destination}:publish`,
        status,
        reason: status === 'failed' ? 'La PFI a refusé le message (AE)' : null,
      }),
    )
    .then((d) => d!);

const statusOf = async (id: string) => (await h.db.withTenant(a, (tx) => findDelivery(tx, id)))!;

async function restKey(scopes: ('reports:read' | 'reports:write')[], tenant = a, admin = desk) {
  return (
    await admin.onboarding.apiKeys.create.mutate({ tenantSlug: tenant.slug, name: 'Plateforme', scopes })
  ).secret;
}

describe('sends of validated reports', () => {
  it('« Réessayer » on a send of a replaced or withdrawn version is refused, naming why (tRPC and REST); a withdrawal cancels what had not gone', async () => {
    const { reportId, v1 } = await validatedReport();
    const failedV1 = await send(reportId, v1, 'failed');
    // The correction is validated: version 1 is replaced.
    let view = await senior.reporting.correct.mutate({ id: reportId });
    view = await senior.reporting.save.mutate({
      id: reportId,
      body: 'Conclusion corrigée.',
      revision: view.versions[1]!.revision,
    });
    view = await senior.reporting.validate.mutate({ id: reportId, revision: view.versions[1]!.revision });
    const v2 = view.versions[1]!.id;

    expect(await trpcError(senior.delivery.retry.mutate({ id: failedV1.id }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'delivery.version_replaced',
    });
    const key = await restKey(['reports:read', 'reports:write']);
    const rest = await h.rest(`/deliveries/${failedV1.id}/retry`, { key, method: 'POST' });
    expect(rest.status).toBe(409);
    expect(((await rest.json()) as { error: { message: string } }).error.message).toMatch(/replaced/);
    expect((await statusOf(failedV1.id)).status).toBe('failed');

    // A failed send of the current version goes again.
    const failedV2 = await send(reportId, v2, 'failed');
    expect((await senior.delivery.retry.mutate({ id: failedV2.id })).status).toBe('pending');

    // Withdrawal: its pending send is cancelled (nothing was delivered: no withdrawal is planned).
    await senior.reporting.withdraw.mutate({ id: reportId, reason: 'Erreur de côté' });
    const cancelled = await statusOf(failedV2.id);
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      reason: "Compte rendu retiré avant l'envoi : il n'est plus envoyé",
    });
    const sends = await senior.delivery.forReport.query({ reportId });
    expect(sends.filter((d) => d.action === 'withdraw')).toEqual([]);
    // And it cannot be tried again: its version is withdrawn.
    expect(await trpcError(senior.delivery.retry.mutate({ id: failedV2.id }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'delivery.version_withdrawn',
    });
  });

  it("« Annuler l'envoi »: a person cancels one pending send (tRPC and REST with reports:write), audited, with who and why; not twice; another practice reaches nothing", async () => {
    const { reportId, v1 } = await validatedReport();
    const dmp = await send(reportId, v1, 'pending', 'dmp');
    const pfi = await send(reportId, v1, 'pending', 'pfi');

    // tRPC: the resident may not; the radiologist may, with a reason.
    expect(await trpcError(resident.delivery.cancel.mutate({ id: dmp.id }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    const cancelled = await senior.delivery.cancel.mutate({ id: dmp.id, reason: 'Envoyé par courrier' });
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      reason: 'Annulé par BIDEAULT Jacques : Envoyé par courrier',
    });
    expect(await trpcError(senior.delivery.cancel.mutate({ id: dmp.id }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'delivery.not_pending',
    });
    const audit = await h.db.platform((tx) =>
      listAuditEvents(tx, { tenantId: a.id, action: 'delivery.cancelled', target: dmp.id }),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toEqual({ reason: 'Envoyé par courrier' });

    // REST: a key that only reads may not; one that writes may.
    const reader = await restKey(['reports:read']);
    expect((await h.rest(`/deliveries/${pfi.id}/cancel`, { key: reader, method: 'POST' })).status).toBe(403);
    const writer = await restKey(['reports:read', 'reports:write']);

    // Another practice: neither its people nor its keys reach A's sends.
    const b = await createTestTenant(h.db, { firstSite: 'Centre B' });
    const adminB = await h.signedInUser({
      email: uniqueEmail('adm-b'),
      memberships: [{ tenant: b, roles: ['practice_admin', 'radiologist'] }],
    });
    const asB = h.trpc({ token: adminB.token, tenant: b.slug });
    expect(await trpcError(asB.delivery.cancel.mutate({ id: pfi.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const keyB = await restKey(['reports:read', 'reports:write'], b, h.trpc({ token: adminB.token }));
    expect((await h.rest(`/deliveries/${pfi.id}/cancel`, { key: keyB, method: 'POST' })).status).toBe(404);
    expect((await h.rest(`/deliveries/${pfi.id}/retry`, { key: keyB, method: 'POST' })).status).toBe(404);
    expect((await h.rest(`/reports/${reportId}/deliveries`, { key: keyB })).status).toBe(404);
    expect((await statusOf(pfi.id)).status).toBe('pending');

    const res = await h.rest(`/deliveries/${pfi.id}/cancel`, {
      key: writer,
      method: 'POST',
      body: JSON.stringify({ reason: 'Doublon' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'cancelled',
      reason: 'Annulé par une clé d’API : Doublon',
    });
    const list = (await (await h.rest(`/reports/${reportId}/deliveries`, { key: writer })).json()) as {
      data: { id: string; status: string }[];
    };
    expect(list.data.map((d) => d.status)).toEqual(['cancelled', 'cancelled']);
  });
});
