/** Onboarding end to end below the portal: API → outbox → relay → provisioning job → sign-in. */
import { Database } from '@rayon/db';
import { createScratchDatabase, until } from '@rayon/db/testing';
import { createHarness, trpcError, uniqueEmail, type Harness } from '@rayon/api/test-harness';
import pino from 'pino';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { outboxJobId } from '../src/outbox/relay.ts';
import { defaultHandlers } from '../src/processor.ts';
import { startWorkerTier } from '../src/worker.ts';

let h: Harness;
let db: Database;
let sql: postgres.Sql;
let tier: Awaited<ReturnType<typeof startWorkerTier>>;

beforeAll(async () => {
  const url = await createScratchDatabase(inject('adminDatabaseUrl'), inject('databaseUrl'));
  h = await createHarness({ databaseUrl: url });
  db = new Database({ url, max: 4 });
  sql = postgres(url, { max: 1, onnotice: () => {} });
  tier = await startWorkerTier({
    db,
    connection: { url: inject('redisUrl'), maxRetriesPerRequest: null },
    prefix: `{prov-${Date.now()}}`,
    logger: pino({ level: 'silent' }),
    handlers: defaultHandlers(
      db,
      { secretsKey: Buffer.alloc(32), insi: undefined },
      pino({ level: 'silent' }),
    ),
  });
});
afterAll(async () => {
  await tier.queue.obliterate({ force: true });
  await tier.stop();
  await sql.end();
  await db.close();
  await h.close();
});

describe('practice onboarding', () => {
  it('provisions the tenant as a job, then its invited administrator signs in', async () => {
    const platform = await h.signedInUser({ email: uniqueEmail('platform'), platformAdmin: true });
    const admin = h.trpc({ token: platform.token, requestId: 'onboard-req-1' });
    const slug = `onboard-${Math.random().toString(36).slice(2, 8)}`;
    const email = uniqueEmail('premier-admin');
    const { tenant, invitation } = await admin.onboarding.tenants.onboard.mutate({
      name: 'Imagerie Médicale du Parc',
      slug,
      finess: '750712184',
      siret: '26750045200011',
      firstSite: { name: 'Site Hôtel-Dieu', finess: '750712184', city: 'Paris' },
      admin: { email, displayName: 'Dr Noël Bénédicte' },
    });
    expect(tenant.status).toBe('provisioning');
    // No SMTP relay here: the platform administrator is given the link to pass on.
    expect(invitation).toMatchObject({ email, mailSent: false });
    const token = invitation.link!.split('/').at(-1)!;
    // Before provisioning ends, the invitation cannot be used yet; after, it can.
    const active = await until(
      () => admin.onboarding.tenants.get.query({ slug }),
      (t) => t.status === 'active',
    );
    expect(active.provisioning).toEqual({ step: 'done', percent: 100 });

    // The job carried the tenant and request ids and reported its progress.
    const [row] = await sql<
      { id: number }[]
    >`select id from platform.outbox where topic = 'tenant.provision' and tenant_id = ${tenant.id}`;
    const job = await tier.queue.getJob(outboxJobId(row!.id));
    expect(job!.data).toMatchObject({ tenantId: tenant.id, requestId: 'onboard-req-1' });
    expect(job!.progress).toEqual({ step: 'done', percent: 100 });

    const password = 'cadran-mélèze-fougère-orbite-42';
    await h.trpc().auth.acceptInvitation.mutate({ token, password });
    expect(
      await trpcError(
        h.trpc().auth.acceptInvitation.mutate({ token, password: 'girouette-ardoise-perce-neige-77' }),
      ),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    const sessionToken = await h.signIn(email, password);
    const home = await h.trpc({ token: sessionToken, tenant: slug }).onboarding.practice.home.query();
    expect(home).toMatchObject({
      tenant: { slug, name: 'Imagerie Médicale du Parc' },
      user: { displayName: 'Dr Noël Bénédicte', roles: ['practice_admin'] },
      sites: [{ name: 'Site Hôtel-Dieu', finess: '750712184', city: 'Paris' }],
    });

    const audit = await sql<{ action: string; actor_type: string }[]>`
      select action, actor_type from platform.audit_events where tenant_id = ${tenant.id} order by id`;
    expect(audit.map((a) => a.action)).toEqual([
      'tenant.onboarded',
      'tenant.provisioned',
      'invitation.accepted',
    ]);
  });

  it('deprovisioning runs as a job and removes the practice’s data', async () => {
    const platform = await h.signedInUser({ email: uniqueEmail('platform'), platformAdmin: true });
    const admin = h.trpc({ token: platform.token });
    const slug = `deprov-${Math.random().toString(36).slice(2, 8)}`;
    await admin.onboarding.tenants.onboard.mutate({
      name: 'Éphémère',
      slug,
      firstSite: { name: 'Site' },
      admin: { email: uniqueEmail('x'), displayName: 'X' },
    });
    await until(
      () => admin.onboarding.tenants.get.query({ slug }),
      (t) => t.status === 'active',
    );
    await admin.onboarding.tenants.deprovision.mutate({ slug });
    await until(
      () => admin.onboarding.tenants.get.query({ slug }),
      (t) => t.status === 'deprovisioned',
    );
    const [{ n }] = await sql<
      [{ n: number }]
    >`select count(*)::int as n from information_schema.schemata where schema_name = ${'t_' + slug.replaceAll('-', '_')}`;
    expect(n).toBe(0);
  });
});
