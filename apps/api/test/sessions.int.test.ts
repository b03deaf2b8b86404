/** Sessions: idle timeout per practice, last seen, one's own list and revocation (never another's). */
import { randomUUID } from 'node:crypto';
import type { TenantRef } from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sha256 } from '@rayon/access/secrets';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let sql: postgres.Sql;
let strict: TenantRef;
let lax: TenantRef;

beforeAll(async () => {
  h = await createHarness();
  sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  strict = await createTestTenant(h.db);
  lax = await createTestTenant(h.db);
  await sql`update platform.tenants set idle_timeout_minutes = 10 where id = ${strict.id}`;
  await sql`update platform.tenants set idle_timeout_minutes = 120 where id = ${lax.id}`;
});
afterAll(async () => {
  await sql.end();
  await h.close();
});

/** Pretends the session was last used `minutes` ago. */
async function idle(token: string, minutes: number) {
  await sql`update platform.sessions set last_seen_at = now() - make_interval(secs => ${minutes * 60})
    where token_hash = ${sha256(token)}`;
}
const sessionRow = async (token: string) =>
  (
    await sql<{ id: string; last_seen_at: Date }[]>`
    select id, last_seen_at from platform.sessions where token_hash = ${sha256(token)}`
  )[0];

describe('idle timeout', () => {
  it('ends a session unused for longer than 30 minutes by default, for good', async () => {
    const { token } = await h.signedInUser({ email: uniqueEmail('idle') });
    await idle(token, 29);
    await h.trpc({ token }).auth.me.query();
    await idle(token, 31);
    expect(await trpcError(h.trpc({ token }).auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await sessionRow(token)).toBeUndefined();
  });

  it("takes the strictest of the user's active practices", async () => {
    const { token, user } = await h.signedInUser({
      email: uniqueEmail('two-practices'),
      memberships: [
        { tenant: strict, roles: ['secretary'] },
        { tenant: lax, roles: ['secretary'] },
      ],
    });
    await idle(token, 9);
    await h.trpc({ token }).auth.me.query();
    await idle(token, 11);
    expect(await trpcError(h.trpc({ token }).auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });

    // Deactivated in the strict practice: the other one's 120 minutes apply.
    await sql`update platform.memberships set disabled_at = now() where user_id = ${user.id} and tenant_id = ${strict.id}`;
    const again = await h.signIn(user.email, 'correct horse battery staple');
    await idle(again, 90);
    await h.trpc({ token: again }).auth.me.query();
  });

  it('gives platform administrators 30 minutes at most', async () => {
    const { token } = await h.signedInUser({
      email: uniqueEmail('platform-idle'),
      platformAdmin: true,
      memberships: [{ tenant: lax, roles: ['secretary'] }],
    });
    await idle(token, 31);
    expect(await trpcError(h.trpc({ token }).auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('records the last request at most once a minute', async () => {
    const { token } = await h.signedInUser({ email: uniqueEmail('seen') });
    await idle(token, 0.5);
    const before = (await sessionRow(token))!.last_seen_at;
    await h.trpc({ token }).auth.me.query();
    expect((await sessionRow(token))!.last_seen_at).toEqual(before);
    await idle(token, 5);
    await h.trpc({ token }).auth.me.query();
    const after = (await sessionRow(token))!.last_seen_at;
    expect(Date.now() - after.getTime()).toBeLessThan(10_000);
  });
});

describe('a page left alone', () => {
  it('refreshing itself (x-rayon-unattended) does not keep the session alive', async () => {
    const { token } = await h.signedInUser({ email: uniqueEmail('unattended') });
    const unattended = h.trpc({ token, headers: { 'x-rayon-unattended': '1' } });
    await idle(token, 20);
    const before = (await sessionRow(token))!.last_seen_at;
    await unattended.auth.me.query();
    expect((await sessionRow(token))!.last_seen_at).toEqual(before);
    await idle(token, 31);
    expect(await trpcError(unattended.auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('own sessions (« Mon compte »)', () => {
  it('lists them with the current one marked, address and browser; ends one', async () => {
    const email = uniqueEmail('sessions');
    const { token: a, password } = await h.signedInUser({ email });
    const firefox = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0';
    const b = await h.signIn(email, password, { ip: '203.0.113.7', userAgent: firefox });
    const list = await h.trpc({ token: a }).account.sessions.query();
    expect(list).toHaveLength(2);
    expect(list.filter((s) => s.current)).toHaveLength(1);
    const other = list.find((s) => !s.current)!;
    expect(other).toMatchObject({
      clientIp: '203.0.113.7',
      browser: 'Firefox',
      browserVersion: '140',
      os: 'Windows',
    });
    expect(Date.parse(other.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(Date.parse(other.lastSeenAt)).toBeGreaterThan(Date.now() - 60_000);
    // Seen from the other session, the other one is current.
    const fromB = await h.trpc({ token: b }).account.sessions.query();
    expect(fromB.find((s) => s.current)!.id).toBe(other.id);

    expect(await h.trpc({ token: a }).account.revokeSession.mutate({ id: other.id })).toEqual({ ok: true });
    expect(await trpcError(h.trpc({ token: b }).auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await h.trpc({ token: a }).account.sessions.query()).map((s) => s.id)).toHaveLength(1);
  });

  it("hides sessions gone idle, and never touches another user's: NOT_FOUND", async () => {
    const alice = await h.signedInUser({ email: uniqueEmail('alice') });
    const bob = await h.signedInUser({ email: uniqueEmail('bob') });
    const bobSession = (await h.trpc({ token: bob.token }).account.sessions.query())[0]!;
    expect(
      await trpcError(h.trpc({ token: alice.token }).account.revokeSession.mutate({ id: bobSession.id })),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await trpcError(h.trpc({ token: alice.token }).account.revokeSession.mutate({ id: randomUUID() })),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    await h.trpc({ token: bob.token }).auth.me.query();
    const aliceSees = await h.trpc({ token: alice.token }).account.sessions.query();
    expect(aliceSees.map((s) => s.id)).not.toContain(bobSession.id);

    const stale = await h.signIn(alice.user.email, alice.password);
    await idle(stale, 45);
    expect(await h.trpc({ token: alice.token }).account.sessions.query()).toHaveLength(1);
  });

  it('needs a session', async () => {
    expect(await trpcError(h.trpc().account.sessions.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await trpcError(h.trpc().account.revokeSession.mutate({ id: randomUUID() }))).toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });
});
