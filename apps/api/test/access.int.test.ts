/** API keys (hashed, scoped, revocable, last use) and sign-in (scrypt, throttled, sessions). */
import { createHash } from 'node:crypto';
import { deprovisionTenant, findUserByEmail, insertSite, type TenantRef } from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let t: TenantRef;
let other: TenantRef;
let admin: ReturnType<Harness['trpc']>;
let sql: postgres.Sql;

beforeAll(async () => {
  h = await createHarness();
  sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  t = await createTestTenant(h.db);
  other = await createTestTenant(h.db);
  const platform = await h.signedInUser({ email: uniqueEmail('platform'), platformAdmin: true });
  admin = h.trpc({ token: platform.token });
});
afterAll(async () => {
  await sql.end();
  await h.close();
});

describe('API keys', () => {
  it('stores only a SHA-256 of the secret and never returns it again', async () => {
    const { key, secret } = await admin.onboarding.apiKeys.create.mutate({
      tenantSlug: t.slug,
      name: 'PACS',
      scopes: ['sites:read'],
    });
    expect(secret).toMatch(/^rayon_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const [row] = await sql<
      { secret_hash: string; prefix: string }[]
    >`select secret_hash, prefix from platform.api_keys where id = ${key.id}`;
    const secretPart = secret.split('_').slice(2).join('_');
    expect(row!.secret_hash).toBe(createHash('sha256').update(secretPart).digest('hex'));
    expect(row!.secret_hash).not.toContain(secretPart);
    const listed = JSON.stringify(await admin.onboarding.apiKeys.list.query({ tenantSlug: t.slug }));
    expect(listed).not.toContain(secretPart);
    expect(listed).not.toContain(row!.secret_hash);
  });

  it('authenticates, records the last use, and refuses a revoked key', async () => {
    const { key, secret } = await admin.onboarding.apiKeys.create.mutate({
      tenantSlug: t.slug,
      name: 'RIS',
      scopes: ['sites:read'],
    });
    expect(key.lastUsedAt).toBeNull();
    expect((await h.rest('/sites', { key: secret })).status).toBe(200);
    const [used] = await admin.onboarding.apiKeys.list
      .query({ tenantSlug: t.slug })
      .then((ks) => ks.filter((k) => k.id === key.id));
    expect(used!.lastUsedAt).not.toBeNull();
    await admin.onboarding.apiKeys.revoke.mutate({ tenantSlug: t.slug, id: key.id });
    const refused = await h.rest('/sites', { key: secret });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses a wrong secret, a malformed key and no key', async () => {
    const { secret } = await admin.onboarding.apiKeys.create.mutate({
      tenantSlug: t.slug,
      name: 'x',
      scopes: ['sites:read'],
    });
    const tampered = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    expect((await h.rest('/sites', { key: tampered })).status).toBe(401);
    expect((await h.rest('/sites', { key: 'not-a-key' })).status).toBe(401);
    expect((await h.rest('/sites')).status).toBe(401);
  });

  it('enforces scopes', async () => {
    const { secret } = await admin.onboarding.apiKeys.create.mutate({
      tenantSlug: t.slug,
      name: 'lecture',
      scopes: ['sites:read'],
    });
    const res = await h.rest('/sites', { key: secret, method: 'POST', body: JSON.stringify({ name: 'x' }) });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      error: { code: 'FORBIDDEN', message: expect.stringContaining('sites:write') },
    });
  });

  it('a key of another tenant never reaches this tenant, and a deprovisioned tenant’s keys stop working', async () => {
    const { secret } = await admin.onboarding.apiKeys.create.mutate({
      tenantSlug: other.slug,
      name: 'autre',
      scopes: ['sites:read'],
    });
    const ours = await h.db.withTenant(t, (tx) => insertSite(tx, { name: 'à nous' }));
    expect((await h.rest(`/sites/${ours.id}`, { key: secret })).status).toBe(404);
    await deprovisionTenant(h.db, other.id, { actor: { type: 'system', id: 'test' } });
    expect((await h.rest('/sites', { key: secret })).status).toBe(401);
  });

  it('a practice admin manages its own keys; a radiologist may not', async () => {
    const pa = await h.signedInUser({
      email: uniqueEmail('pa'),
      memberships: [{ tenant: t, roles: ['practice_admin'] }],
    });
    const created = await h
      .trpc({ token: pa.token })
      .onboarding.apiKeys.create.mutate({ tenantSlug: t.slug, name: 'own', scopes: ['sites:read'] });
    expect(created.secret).toMatch(/^rayon_/);
    const rad = await h.signedInUser({
      email: uniqueEmail('rad'),
      memberships: [{ tenant: t, roles: ['radiologist'] }],
    });
    expect(
      await trpcError(h.trpc({ token: rad.token }).onboarding.apiKeys.list.query({ tenantSlug: t.slug })),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('every key change is audited', async () => {
    const { key } = await admin.onboarding.apiKeys.create.mutate({
      tenantSlug: t.slug,
      name: 'audit',
      scopes: ['sites:read'],
    });
    await admin.onboarding.apiKeys.revoke.mutate({ tenantSlug: t.slug, id: key.id });
    const rows = await sql<{ action: string; actor_type: string; tenant_id: string }[]>`
      select action, actor_type, tenant_id from platform.audit_events where target = ${key.id} order by id`;
    expect(rows.map((r) => r.action)).toEqual(['api-key.created', 'api-key.revoked']);
    expect(rows.every((r) => r.actor_type === 'user' && r.tenant_id === t.id)).toBe(true);
  });
});

describe('sign-in', () => {
  it('stores passwords as scrypt hashes and opens a session', async () => {
    const email = uniqueEmail('login');
    const u = await h.signedInUser({ email, memberships: [{ tenant: t, roles: ['secretary'] }] });
    const row = await h.db.platform((tx) => findUserByEmail(tx, email));
    expect(row!.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row!.passwordHash).not.toContain(u.password);
    const me = await h.trpc({ token: u.token }).auth.me.query();
    expect(me.user.email).toBe(email);
    await h.trpc({ token: u.token }).auth.logout.mutate();
    expect(await trpcError(h.trpc({ token: u.token }).auth.me.query())).toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });

  it('throttles brute force: after 3 failures the account waits (1 s, then doubling), from any address', async () => {
    const email = uniqueEmail('brute');
    const u = await h.signedInUser({ email });
    const client = h.trpc({ ip: '203.0.113.7' });
    for (let i = 0; i < 3; i++) {
      expect(await trpcError(client.auth.login.mutate({ email, password: `wrong-${i}` }))).toMatchObject({
        code: 'UNAUTHORIZED',
      });
    }
    expect(await trpcError(client.auth.login.mutate({ email, password: u.password }))).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      appCode: 'RATE_LIMITED',
      httpStatus: 429,
    });
    // From another address too: the account itself is protected.
    expect(
      await trpcError(h.trpc({ ip: '198.51.100.9' }).auth.login.mutate({ email, password: u.password })),
    ).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
    });
    // Slowed down, never locked out: once the second is over, the owner signs in.
    await new Promise((r) => setTimeout(r, 1100));
    expect(await client.auth.login.mutate({ email, password: u.password })).toMatchObject({
      status: 'signed_in',
    });
  });

  it('refuses an unknown account with the same answer as a wrong password', async () => {
    const unknown = await trpcError(
      h.trpc().auth.login.mutate({ email: uniqueEmail('nobody'), password: 'whatever-it-is' }),
    );
    expect(unknown).toMatchObject({ code: 'UNAUTHORIZED', message: 'wrong email or password' });
  });
});
