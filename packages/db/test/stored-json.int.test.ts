/**
 * A jsonb column declared with `storedJson` is parsed by its schema on every read: a row written
 * with another shape (by hand, by an old version) fails at once naming the malformed field,
 * instead of travelling on under a type assertion.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  Database,
  findModality,
  insertModality,
  insertRoom,
  insertSite,
  type TenantRef,
} from '../src/index.ts';
import { createTestTenant } from '../src/testing.ts';

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
});
