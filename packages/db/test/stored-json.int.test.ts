/**
 * A jsonb column declared with `storedJson` is parsed by its schema on every read: a row written
 * with another shape (by hand, by an old version) fails at once naming the malformed field,
 * instead of travelling on under a type assertion.
 */
import { sql } from 'drizzle-orm';
import { patientWithOrder } from './support/patients.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tenantSchemaName } from '@rayon/domain';
import {
  Database,
  findModality,
  findOrder,
  findTenantById,
  findTenantInvitation,
  insertInvitation,
  insertModality,
  insertRoom,
  insertSite,
  insertTenant,
  listIdentityEvents,
  updateOrder,
  type TenantRef,
} from '../src/index.ts';
import { createTestTenant, uniqueSlug } from '../src/testing.ts';
import { newPatient } from './support/patients.ts';

let db: Database;
let t: TenantRef;

beforeAll(async () => {
  db = new Database({ url: inject('databaseUrl'), max: 2 });
  t = await createTestTenant(db);
});
afterAll(() => db.close());

describe('stored JSON columns', () => {
  it('reads opening hours back as written, and refuses a malformed row naming the field', async () => {
    const hours = { '1': [['08:00', '12:00'] as [string, string], ['14:00', '18:00'] as [string, string]] };
    const modality = await db.withTenant(t, async (tx) => {
      const site = await insertSite(tx, { name: 'Site JSON' });
      const room = await insertRoom(tx, { siteId: site.id, name: 'Salle JSON' });
      return insertModality(tx, {
        roomId: room.id,
        name: 'Scanner JSON',
        type: 'CT',
        aeTitle: `JS${Date.now() % 1_000_000_000}`,
        openingHours: hours,
      });
    });
    expect((await db.withTenant(t, (tx) => findModality(tx, modality.id)))?.openingHours).toEqual(hours);

    await db.withTenant(t, (tx) =>
      tx.execute(
        sql`update modalities set opening_hours = '{"1": [["08:00"]], "8": []}'::jsonb where id = ${modality.id}`,
      ),
    );
    await expect(db.withTenant(t, (tx) => findModality(tx, modality.id))).rejects.toThrow(
      /modality opening hours is malformed: 1\.0: .*; \(root\): Unrecognized key: "8"/,
    );
  });

  it("reads a practice's provisioning state back, and refuses a malformed one naming the field", async () => {
    const slug = uniqueSlug('json');
    const state = { step: 'migrating', percent: 40, firstSite: { name: 'Site', finess: null, city: 'Lyon' } };
    const row = await db.platform((tx) =>
      insertTenant(tx, {
        slug,
        schemaName: tenantSchemaName(slug),
        name: slug,
        finess: null,
        siret: null,
        provisioning: state,
      }),
    );
    expect((await db.platform((tx) => findTenantById(tx, row!.id)))?.provisioning).toEqual(state);

    await db.platform((tx) =>
      tx.execute(
        sql`update platform.tenants set provisioning = '{"step": "done", "percent": "100"}'::jsonb where id = ${row!.id}`,
      ),
    );
    await expect(db.platform((tx) => findTenantById(tx, row!.id))).rejects.toThrow(
      /tenant provisioning is malformed: percent: /,
    );
  });

  it("reads an invitation's profile back, and refuses a malformed one naming the field", async () => {
    const profile = {
      civility: 'Dr' as const,
      familyName: 'DUPONT',
      givenName: 'Marie',
      rpps: null,
      signsReports: true,
    };
    const invitation = await db.platform((tx) =>
      insertInvitation(tx, {
        tokenHash: uniqueSlug('tok'),
        tenantId: t.id,
        email: `${uniqueSlug('inv')}@example.test`,
        displayName: 'Marie Dupont',
        roles: ['radiologist'],
        profile,
        expiresAt: new Date(Date.now() + 3600_000),
      }),
    );
    const read = () => db.platform((tx) => findTenantInvitation(tx, t.id, invitation.id));
    expect((await read())?.profile).toEqual(profile);

    await db.platform((tx) =>
      tx.execute(
        sql`update platform.invitations set profile = jsonb_set(profile, '{civility}', '"Docteur"')
          where id = ${invitation.id}`,
      ),
    );
    await expect(read()).rejects.toThrow(/invitation profile is malformed: civility: /);
  });

  it("reads the identity history's changes back, and refuses a malformed line naming the field", async () => {
    const patient = await db.withTenant(t, (tx) =>
      newPatient(tx, {
        birthFamilyName: 'JSON',
        firstBirthForename: 'Léa',
        birthDate: '1990-01-01',
        sex: 'F',
      }),
    );
    const read = () => db.withTenant(t, (tx) => listIdentityEvents(tx, patient.id));
    const [created] = await read();
    expect(created?.changes).toContainEqual({ field: 'traits.birthFamilyName', from: null, to: 'JSON' });

    await db.withTenant(t, (tx) =>
      tx.execute(
        sql`update identity_events set changes = '[{"field": "traits.sex", "from": null, "to": {"code": "F"}}]'::jsonb
          where patient_id = ${patient.id}`,
      ),
    );
    await expect(read()).rejects.toThrow(/identity history changes is malformed: 0\.to: /);
  });

  it("reads an order's performed complement back, and refuses a malformed one naming the field", async () => {
    const order = await db.withTenant(t, (tx) => patientWithOrder(tx, { source: 'hl7' }));
    const performed = {
      at: '2026-12-01T10:00:00+01:00',
      retentionDays: 30,
      accessionNumber: { value: 'ACC9', authority: 'PLACER' },
      studyInstanceUid: '1.2.250.1.999.1',
      procedure: { code: 'ZBQK002', label: 'Radiographie du thorax', system: 'CCAM' },
      viewerUrl: null,
    };
    await db.withTenant(t, (tx) => updateOrder(tx, order.id, { performed }));
    const read = () => db.withTenant(t, (tx) => findOrder(tx, order.id));
    expect((await read())?.performed).toEqual(performed);

    await db.withTenant(t, (tx) =>
      tx.execute(
        sql`update orders set performed = jsonb_set(performed, '{studyInstanceUid}', '12') where id = ${order.id}`,
      ),
    );
    await expect(read()).rejects.toThrow(/order performed complement is malformed: studyInstanceUid: /);
  });
});
