/** Bad input gets a clear 4xx naming what is wrong, and nothing is written. */
import { listSites, type TenantRef } from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MAX_BODY_BYTES, MAX_RECEIVED_CDA_BODY_BYTES } from '../src/app.ts';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let t: TenantRef;
let key: string;
let admin: ReturnType<Harness['trpc']>;
let sql: postgres.Sql;

const siteCount = async () => (await h.db.withTenant(t, listSites)).length;
const tenantCount = async () =>
  (await sql<{ n: number }[]>`select count(*)::int as n from platform.tenants`)[0]!.n;

beforeAll(async () => {
  h = await createHarness();
  sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  t = await createTestTenant(h.db);
  const platform = await h.signedInUser({ email: uniqueEmail('platform'), platformAdmin: true });
  admin = h.trpc({ token: platform.token });
  key = (
    await admin.onboarding.apiKeys.create.mutate({
      tenantSlug: t.slug,
      name: 'k',
      scopes: ['sites:read', 'sites:write'],
    })
  ).secret;
});
afterAll(async () => {
  await sql.end();
  await h.close();
});

const post = (body: string, headers: Record<string, string> = {}) =>
  h.rest('/sites', { key, method: 'POST', body, headers });

describe('REST bad input', () => {
  it('malformed JSON: 400 naming the body', async () => {
    const before = await siteCount();
    const res = await post('{"name": "x",');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'BAD_INPUT', field: 'body' } });
    expect(await siteCount()).toBe(before);
  });

  it('wrong types: 400 naming the field', async () => {
    const res = await post(JSON.stringify({ name: 42 }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'BAD_INPUT', field: 'name' } });
    const finess = await post(JSON.stringify({ name: 'ok', finess: '123456789' }));
    expect(await finess.json()).toMatchObject({
      error: { field: 'finess', message: expect.stringContaining('FINESS') },
    });
  });

  it('unknown fields: 400 naming the field', async () => {
    const before = await siteCount();
    const res = await post(JSON.stringify({ name: 'ok', tenantId: 'someone-else' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: 'BAD_INPUT', field: 'tenantId', message: expect.stringContaining('unknown field') },
    });
    expect(await siteCount()).toBe(before);
  });

  it('huge bodies: 413', async () => {
    const before = await siteCount();
    const res = await post(JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES + 10) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(await siteCount()).toBe(before);
  });

  it('a received CDA to read has its own, larger limit; every other procedure keeps the default', async () => {
    const trpcPost = (path: string, size: number) =>
      h.app.request(`/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ base64: 'A'.repeat(size) }),
      });
    // Over the default limit yet under its own: read (here refused as unauthenticated, not as too large).
    expect((await trpcPost('reporting.readReceivedCda', 2 * MAX_BODY_BYTES)).status).toBe(401);
    expect((await trpcPost('reporting.readReceivedCda', MAX_RECEIVED_CDA_BODY_BYTES)).status).toBe(413);
    expect((await trpcPost('reporting.readDocument', 2 * MAX_BODY_BYTES)).status).toBe(413);
  });

  it('bad path parameter: 400; unknown route: 404 as JSON', async () => {
    const bad = await h.rest('/sites/not-a-uuid', { key });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { field: 'id' } });
    const unknown = await h.app.request('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/json');
    expect(await unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await h.app.request('/nowhere')).status).toBe(404);
  });

  it('every answer carries the request id', async () => {
    const res = await h.app.request('/healthz', { headers: { 'x-request-id': 'req-abc.123' } });
    expect(res.headers.get('x-request-id')).toBe('req-abc.123');
    const generated = await h.app.request('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('tRPC bad input', () => {
  const valid = () => ({
    name: 'Cabinet',
    slug: `bad-input-${Math.random().toString(36).slice(2, 8)}`,
    firstSite: { name: 'Site' },
    admin: { email: 'admin@example.org', displayName: 'Admin' },
  });

  it('names the nested field and writes nothing', async () => {
    const before = await tenantCount();
    const e = await trpcError(
      admin.onboarding.tenants.onboard.mutate({ ...valid(), firstSite: { name: 'Site', finess: '12345' } }),
    );
    expect(e).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'BAD_INPUT',
      field: 'firstSite.finess',
      httpStatus: 400,
      message:
        'firstSite.finess: Numéro FINESS géographique invalide : 9 caractères, dont la clé de contrôle, qui doit être juste.',
    });
    expect(await tenantCount()).toBe(before);
  });

  it('refuses unknown fields and wrong types', async () => {
    const extra = await trpcError(
      admin.onboarding.tenants.onboard.mutate({ ...valid(), status: 'active' } as never),
    );
    expect(extra).toMatchObject({ appCode: 'BAD_INPUT', field: 'status' });
    const typed = await trpcError(admin.onboarding.tenants.onboard.mutate({ ...valid(), slug: 12 } as never));
    expect(typed).toMatchObject({ appCode: 'BAD_INPUT', field: 'slug' });
    const email = await trpcError(
      admin.onboarding.tenants.onboard.mutate({ ...valid(), admin: { email: 'nope', displayName: 'x' } }),
    );
    expect(email).toMatchObject({ field: 'admin.email' });
  });

  it('a taken identifier is a CONFLICT naming the slug, and nothing else is written', async () => {
    const input = valid();
    await admin.onboarding.tenants.onboard.mutate(input);
    const before = await tenantCount();
    const invitations = (await sql<{ n: number }[]>`select count(*)::int as n from platform.invitations`)[0]!
      .n;
    const e = await trpcError(admin.onboarding.tenants.onboard.mutate({ ...input, name: 'Autre' }));
    expect(e).toMatchObject({ code: 'CONFLICT', field: 'slug' });
    expect(await tenantCount()).toBe(before);
    expect((await sql<{ n: number }[]>`select count(*)::int as n from platform.invitations`)[0]!.n).toBe(
      invitations,
    );
  });

  it('malformed JSON to /trpc is a 400', async () => {
    const res = await h.app.request('/trpc/auth.login', {
      method: 'POST',
      body: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
  });
});
