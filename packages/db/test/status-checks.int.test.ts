/**
 * Status-like columns are constrained by the database itself (CHECK constraints built from the
 * domain's value lists, migrations platform 0007 and tenant 0012): a value outside the list is
 * refused (check_violation) whoever writes it, and a practice whose data is valid migrates.
 */
import { sql } from 'drizzle-orm';
import { patientWithOrder } from './support/patients.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tenantSchemaName } from '@rayon/domain';
import { Database, insertTenant, migrateTenant, toTenantRef, type TenantRef } from '../src/index.ts';
import { readMigrations, tenantMigrationsDir } from '../src/migrate/files.ts';
import { createTestTenant, uniqueSlug } from '../src/testing.ts';

let db: Database;
let t: TenantRef;

/** The PostgreSQL error under drizzle's wrapper (or postgres.js's own). */
async function pgError(p: Promise<unknown>): Promise<{ code?: string; constraint?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { code?: string; constraint_name?: string; cause?: typeof e };
    const pg = (err.cause ?? err) as { code?: string; constraint_name?: string };
    return { code: pg.code, constraint: pg.constraint_name };
  }
  throw new Error('expected a failure');
}

const refused = (constraint: string) => ({ code: '23514', constraint });

beforeAll(async () => {
  db = new Database({ url: inject('databaseUrl'), max: 4 });
  t = await createTestTenant(db);
});
afterAll(() => db.close());

async function anOrder() {
  const order = await db.withTenant(t, (tx) => patientWithOrder(tx));
  return { patientId: order.patientId, orderId: order.id, examId: order.exams[0]!.id };
}

describe('status columns of a practice', () => {
  it('an unknown status, urgency, sex or MPPS status is refused by the database; known ones are written', async () => {
    const { patientId, orderId, examId } = await anOrder();
    const inTenant = (q: ReturnType<typeof sql>) => db.withTenant(t, (tx) => tx.execute(q));

    expect(await pgError(inTenant(sql`update orders set status = 'lost' where id = ${orderId}`))).toEqual(
      refused('orders_status_check'),
    );
    expect(await pgError(inTenant(sql`update orders set urgency = 'asap' where id = ${orderId}`))).toEqual(
      refused('orders_urgency_check'),
    );
    expect(await pgError(inTenant(sql`update exams set status = 'done' where id = ${examId}`))).toEqual(
      refused('exams_status_check'),
    );
    expect(
      await pgError(inTenant(sql`update patients set status = 'qualified' where id = ${patientId}`)),
    ).toEqual(refused('patients_status_check'));
    expect(await pgError(inTenant(sql`update patients set sex = 'X' where id = ${patientId}`))).toEqual(
      refused('patients_sex_check'),
    );
    expect(
      await pgError(
        inTenant(sql`insert into performed_steps (sop_instance_uid, exam_ids, status)
          values ('1.2.3.4', array[${examId}]::uuid[], 'IN_PROGRESS')`),
      ),
    ).toEqual(refused('performed_steps_status_check'));
    expect(
      await pgError(
        inTenant(sql`insert into hl7_messages (sending_application, sending_facility, control_id, raw, status)
          values ('APP', 'FAC', 'c1', '\\x00'::bytea, 'done')`),
      ),
    ).toEqual(refused('hl7_messages_status_check'));

    // The values of the lists go in.
    await inTenant(sql`update orders set urgency = 'urgent', status = 'scheduled' where id = ${orderId}`);
    await inTenant(sql`update exams set status = 'arrived' where id = ${examId}`);
    await inTenant(
      sql`update patients set status = 'validee', dmp_status = 'exists' where id = ${patientId}`,
    );
    await inTenant(sql`insert into performed_steps (sop_instance_uid, exam_ids, status)
      values ('1.2.3.5', array[${examId}]::uuid[], 'IN PROGRESS')`);
  });
});

describe('closed vocabularies of a practice (migration 0014)', () => {
  it('an unknown certificate purpose, notification kind, or identity history actor, source or action is refused', async () => {
    const { patientId } = await anOrder();
    const inTenant = (q: ReturnType<typeof sql>) => db.withTenant(t, (tx) => tx.execute(q));
    const certificate = (purpose: string) =>
      sql`insert into certificates (purpose, subject_cn, subject, issuer, serial_number, fingerprint_sha256,
          not_before, not_after, cert_pem, chain_pem, sealed_key)
        values (${purpose}, 'CN', '{}'::jsonb, '{}'::jsonb, '01', 'AA', now(), now() + interval '1 year', 'pem',
          '{}'::text[], 'sealed')`;
    expect(await pgError(inTenant(certificate('insi')))).toEqual(refused('certificates_purpose_check'));
    expect(
      await pgError(
        inTenant(sql`insert into notifications (user_id, kind, target, message)
          values ('u1', 'report.late', 'r1', 'Compte rendu en attente')`),
      ),
    ).toEqual(refused('notifications_kind_check'));
    const event = (actorType: string, source: string, action: string) =>
      sql`insert into identity_events (patient_id, actor_type, source, action, changes)
        values (${patientId}, ${actorType}, ${source}, ${action}, '[]'::jsonb)`;
    expect(await pgError(inTenant(event('robot', 'desk', 'created')))).toEqual(
      refused('identity_events_actor_type_check'),
    );
    expect(await pgError(inTenant(event('user', 'fax', 'created')))).toEqual(
      refused('identity_events_source_check'),
    );
    expect(await pgError(inTenant(event('user', 'desk', 'insi-called')))).toEqual(
      refused('identity_events_action_check'),
    );

    // The values of the lists go in.
    await inTenant(certificate('mssante'));
    await inTenant(sql`insert into notifications (user_id, kind, target, message)
      values ('u1', 'report.provisional', 'r1', 'Compte rendu en attente')`);
    await inTenant(event('system', 'dmp', 'dmp-identity-difference'));
  });
});

describe('stored OIDs, copy formats and setting keys of a practice (migration 0015)', () => {
  it('an unknown INS OID, identity-document copy format or setting key is refused; known ones go in', async () => {
    const { patientId } = await anOrder();
    const inTenant = (q: ReturnType<typeof sql>) => db.withTenant(t, (tx) => tx.execute(q));
    const ins = (oid: string) =>
      sql`update patients set ins_matricule = '279035121518989', ins_oid = ${oid} where id = ${patientId}`;
    // INS-C's OID is no INS (HL7 ADT ignores it): it cannot be stored as one.
    expect(await pgError(inTenant(ins('1.2.250.1.213.1.4.2')))).toEqual(refused('patients_ins_oid_check'));
    const copy = (contentType: string) =>
      sql`insert into identity_documents (patient_id, type, content_type, sealed_content)
        values (${patientId}, 'passeport', ${contentType}, 'sealed')`;
    expect(await pgError(inTenant(copy('image/gif')))).toEqual(
      refused('identity_documents_content_type_check'),
    );
    const setting = (key: string) =>
      sql`insert into settings (key, value) values (${key}, 'true'::jsonb) on conflict (key) do nothing`;
    expect(await pgError(inTenant(setting('identity.keepCopies')))).toEqual(refused('settings_key_check'));

    await inTenant(ins('1.2.250.1.213.1.4.10'));
    await inTenant(copy('application/pdf'));
    await inTenant(setting('identity.keepDocumentCopies'));
  });
});

describe('status columns of the platform', () => {
  it('an unknown tenant status, session method or role is refused by the database', async () => {
    const id = t.id;
    const inPlatform = (q: ReturnType<typeof sql>) => db.platform((tx) => tx.execute(q));
    expect(
      await pgError(inPlatform(sql`update platform.tenants set status = 'paused' where id = ${id}`)),
    ).toEqual(refused('tenants_status_check'));
    const [user] = await db.platform((tx) =>
      tx.execute<{ id: string }>(sql`insert into platform.users (email, display_name)
        values (${`${uniqueSlug('u')}@example.test`}, 'Test') returning id`),
    );
    expect(
      await pgError(
        inPlatform(sql`insert into platform.sessions (token_hash, user_id, expires_at, auth_method)
          values (${uniqueSlug('s')}, ${user!.id}, now() + interval '1 hour', 'cookie')`),
      ),
    ).toEqual(refused('sessions_auth_method_check'));
    expect(
      await pgError(
        inPlatform(sql`insert into platform.memberships (user_id, tenant_id, roles)
          values (${user!.id}, ${id}, array['radiologist', 'owner'])`),
      ),
    ).toEqual(refused('memberships_roles_check'));
    await inPlatform(sql`insert into platform.memberships (user_id, tenant_id, roles)
      values (${user!.id}, ${id}, array['radiologist', 'practice_admin'])`);
  });

  it('an outbox row of an unknown topic is refused (migration 0008); a known topic goes in, rolled back', async () => {
    const row = (topic: string) =>
      sql`insert into platform.outbox (topic, payload) values (${topic}, '{}'::jsonb)`;
    expect(await pgError(db.platform((tx) => tx.execute(row('report.render'))))).toEqual(
      refused('outbox_topic_check'),
    );
    // Never committed: the relays of other test files must not see it.
    const done = new Error('rolled back');
    await expect(
      db.platform(async (tx) => {
        await tx.execute(row('report.documents'));
        throw done;
      }),
    ).rejects.toBe(done);
  });
});

/** A practice whose schema stops before migration `tag`, holding one provisional patient. */
async function practiceBefore(tag: string, prefix: string) {
  const migrations = readMigrations(tenantMigrationsDir);
  const slug = uniqueSlug(prefix);
  const row = await db.platform((tx) =>
    insertTenant(tx, {
      slug,
      schemaName: tenantSchemaName(slug),
      name: slug,
      finess: null,
      siret: null,
      provisioning: { step: 'queued', percent: 0 },
    }),
  );
  const ref = toTenantRef(row!);
  await migrateTenant(db, ref, {
    provisioning: true,
    migrations: migrations.slice(
      0,
      migrations.findIndex((m) => m.tag === tag),
    ),
  });
  await db.withTenant(ref, (tx) =>
    tx.execute(sql`insert into patients (id, birth_family_name, first_birth_forename, birth_forenames,
        birth_date, sex, status, search_family, search_given)
      values ('00000000-0000-4000-8000-000000000001', 'A', 'B', 'B', '1990-01-01', 'M', 'provisoire', 'A', 'B')`),
  );
  return ref;
}

describe('migrating to the constrained columns', () => {
  const migrations = readMigrations(tenantMigrationsDir);
  const last = migrations.findIndex((m) => m.tag === '0012_status-checks');

  /** A practice whose schema stops before the constraints, holding one order of the given status. */
  async function practiceWithOrder(orderStatus: string) {
    const ref = await practiceBefore('0012_status-checks', 'chk');
    await db.withTenant(ref, async (tx) => {
      await tx.execute(sql`insert into orders (id, patient_id, accession_number, study_instance_uid, urgency, status, source)
        values ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'ACC1', '1.2.3',
          'urgent', ${orderStatus}, 'hl7')`);
      await tx.execute(sql`insert into exams (order_id, modality_type, step_id, status)
        values ('00000000-0000-4000-8000-000000000002', 'MR', 'S1', 'no_show')`);
    });
    return ref;
  }

  it('a practice whose data is valid migrates; one holding an unknown status is refused, untouched', async () => {
    expect(last).toBeGreaterThan(0);
    const valid = await practiceWithOrder('completed');
    expect(await migrateTenant(db, valid, { provisioning: true })).toEqual(
      migrations.slice(last).map((m) => m.tag),
    );

    const invalid = await practiceWithOrder('on_hold');
    expect(await pgError(migrateTenant(db, invalid, { provisioning: true }))).toEqual(
      refused('orders_status_check'),
    );
    // Nothing of 0012 stayed: the ledger stops before it and the data is as it was.
    expect(
      await migrateTenant(db, invalid, { provisioning: true, migrations: migrations.slice(0, last) }),
    ).toEqual([]);
    const orders = await db.withTenant(invalid, (tx) =>
      tx.execute<{ status: string }>(sql`select status from orders`),
    );
    expect(orders.map((o) => o.status)).toEqual(['on_hold']);
  });
});

describe('migrating to the closed vocabularies (0014: added NOT VALID, then validated)', () => {
  const migrations = readMigrations(tenantMigrationsDir);
  const at = migrations.findIndex((m) => m.tag === '0014_closed-vocabulary-checks');

  it('a practice whose history holds an unknown action is refused, untouched; a valid one migrates', async () => {
    expect(at).toBeGreaterThan(0);
    const before = async (action: string) => {
      const ref = await practiceBefore('0014_closed-vocabulary-checks', 'voc');
      await db.withTenant(ref, async (tx) => {
        await tx.execute(sql`insert into identity_events (patient_id, actor_type, source, action, changes)
          values ('00000000-0000-4000-8000-000000000001', 'user', 'desk', ${action}, '[]'::jsonb)`);
      });
      return ref;
    };

    const valid = await before('traits-changed');
    expect(await migrateTenant(db, valid, { provisioning: true })).toEqual(
      migrations.slice(at).map((m) => m.tag),
    );
    const invalid = await before('insi-called');
    expect(await pgError(migrateTenant(db, invalid, { provisioning: true }))).toEqual(
      refused('identity_events_action_check'),
    );
    // Nothing of 0014 stayed: not even the constraints added NOT VALID before the one that failed.
    const constraints = await db.withTenant(invalid, (tx) =>
      tx.execute<{ n: number }>(
        sql`select count(*)::int as n from pg_constraint where conname like 'identity_events_%_check'
          and connamespace = current_schema()::regnamespace`,
      ),
    );
    expect(constraints[0]?.n).toBe(0);
  });
});
