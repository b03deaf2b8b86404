/**
 * Sign-in as an attacker tries it: batches of guesses, parallel guesses, a forged
 * X-Forwarded-For, the owner slowed down but never locked out, the journal, and the second
 * factor (enrolment, codes, replay, recovery codes, pending sessions good for nothing else).
 */
import type { TenantRole } from '@rayon/domain';
import { randomBytes } from 'node:crypto';
import { upsertMembership, upsertUser, type TenantRef } from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '@rayon/access/secrets';
import { totpCode, totpStep } from '@rayon/access/totp';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let t: TenantRef;
let other: TenantRef;
let sql: postgres.Sql;
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  h = await createHarness();
  sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  t = await createTestTenant(h.db);
  other = await createTestTenant(h.db);
});
afterAll(async () => {
  await sql.end();
  await h.close();
});

/** An account with the test password, not signed in. */
async function account(o: { roles?: TenantRole[]; tenant?: TenantRef; platformAdmin?: boolean } = {}) {
  const email = uniqueEmail('signin');
  const user = await h.db.platform(async (tx) => {
    const u = await upsertUser(tx, {
      email,
      displayName: `Compte ${email.slice(7, 12)}`,
      passwordHash: await hashPassword(PASSWORD),
      isPlatformAdmin: o.platformAdmin ?? false,
    });
    if (o.roles) await upsertMembership(tx, u.id, (o.tenant ?? t).id, o.roles);
    return u;
  });
  return { email, id: user.id };
}

/** A random client address nobody else uses (the address counters live 15 minutes in Redis). */
const randomV6 = () => `2001:db8:${randomBytes(2).toString('hex')}::${randomBytes(2).toString('hex')}`;

/** A raw HTTP request to the app as Hono on Node gets it, from `peer`. */
function post(path: string, body: unknown, o: { peer?: string; headers?: Record<string, string> } = {}) {
  return h.app.fetch(
    new Request(`http://api.test${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...o.headers },
      body: JSON.stringify(body),
    }),
    {
      incoming: { socket: { remoteAddress: o.peer ?? '127.0.0.1', remotePort: 40000, remoteFamily: 'IPv4' } },
    },
  );
}

const events = (userId: string) =>
  sql<{ outcome: string; client_ip: string | null; user_agent: string | null }[]>`
    select outcome, client_ip, user_agent from platform.sign_in_events where user_id = ${userId} order by id`;

describe('throttling counts every attempt', () => {
  it('refuses a tRPC batch holding a sign-in call as a whole, before any guess is checked', async () => {
    const a = await account();
    const guesses = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [String(i), { email: a.email, password: `guess-${i}` }]),
    );
    const path = `/trpc/${Array.from({ length: 40 }, () => 'auth.login').join(',')}?batch=1`;
    const res = await post(path, guesses);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { data: { appCode: string; field: string } } }[];
    expect(body).toHaveLength(40);
    expect(body.every((r) => r.error.data.appCode === 'BAD_INPUT' && r.error.data.field === 'batch')).toBe(
      true,
    );

    // 11 wrong and the right one in one batch: refused too, nothing signed in.
    const mixed = Object.fromEntries([
      ...Array.from({ length: 11 }, (_, i) => [String(i), { email: a.email, password: `wrong-${i}` }]),
      ['11', { email: a.email, password: PASSWORD }],
    ]);
    const res2 = await post(`/trpc/${Array(12).fill('auth.login').join(',')}?batch=1`, mixed);
    expect(res2.status).toBe(400);
    expect(JSON.stringify(await res2.json())).not.toContain('sessionToken');

    // A sign-in call hidden among others: the whole batch is refused.
    const res3 = await post('/trpc/auth.me,auth.login?batch=1', {
      '1': { email: a.email, password: PASSWORD },
    });
    expect(res3.status).toBe(400);
    expect(await events(a.id)).toEqual([]);

    // One call per request is what works, and each is counted.
    const single = await post('/trpc/auth.login', { email: a.email, password: PASSWORD });
    expect(single.status).toBe(200);
  });

  it('batching stays open for other calls', async () => {
    const u = await h.signedInUser({ email: uniqueEmail('batch-ok') });
    const res = await h.app.fetch(
      new Request('http://api.test/trpc/auth.me,auth.me?batch=1&input=%7B%7D', {
        headers: { authorization: `Bearer ${u.token}` },
      }),
      { incoming: { socket: { remoteAddress: '127.0.0.1' } } },
    );
    expect(res.status).toBe(200);
  });

  it('parallel guesses on one account are taken one at a time: at most 3 are ever checked', async () => {
    const a = await account();
    const client = h.trpc({ ip: randomV6() });
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        client.auth.login
          .mutate({ email: a.email, password: i === 11 ? PASSWORD : `wrong-${i}` })
          .then(() => 'signed_in')
          .catch((e: { data?: { code?: string } }) => e.data?.code),
      ),
    );
    const checked = outcomes.filter((o) => o !== 'TOO_MANY_REQUESTS');
    expect(checked.length).toBeGreaterThanOrEqual(1);
    expect(checked.length).toBeLessThanOrEqual(3);
    const rows = await events(a.id);
    expect(rows.filter((r) => r.outcome === 'wrong_password').length).toBeLessThanOrEqual(3);
    expect(rows.filter((r) => r.outcome === 'throttled').length).toBe(12 - checked.length);
  });

  it('takes X-Forwarded-For only from a trusted proxy: a forged one does not move the address counter', async () => {
    const peer = randomV6();
    // From an untrusted peer, 30 failures on 30 accounts, each with a new forged address.
    for (let i = 0; i < 30; i++) {
      const res = await post(
        '/trpc/auth.login',
        { email: uniqueEmail('spray'), password: 'Spring2026!' },
        { peer, headers: { 'x-forwarded-for': `198.51.100.${i + 1}` } },
      );
      expect(res.status).toBe(401);
    }
    // The 31st from that peer is refused, whatever it claims to be.
    const refused = await post(
      '/trpc/auth.login',
      { email: uniqueEmail('spray'), password: 'Spring2026!' },
      { peer, headers: { 'x-forwarded-for': '192.0.2.200' } },
    );
    expect(refused.status).toBe(429);
    const [row] = await sql<{ client_ip: string }[]>`
      select client_ip from platform.sign_in_events where email like 'spray-%' order by id desc limit 1`;
    expect(row!.client_ip).toBe(peer);

    // From the trusted proxy (loopback), the first address not of ours, read from the right.
    const a = await account();
    const client = randomV6();
    await post(
      '/trpc/auth.login',
      { email: a.email, password: 'nope-nope-nope' },
      { headers: { 'x-forwarded-for': `10.9.9.9, ${client}, 127.0.0.1`, 'user-agent': 'Navigateur/1.0' } },
    );
    expect(await events(a.id)).toEqual([
      { outcome: 'wrong_password', client_ip: client, user_agent: 'Navigateur/1.0' },
    ]);
  });

  it('slows the account down (1 s, 2 s…) but never locks its owner out', async () => {
    const a = await account({ roles: ['secretary'] });
    const attacker = h.trpc({ ip: randomV6() });
    for (let i = 0; i < 3; i++) {
      expect(
        await trpcError(attacker.auth.login.mutate({ email: a.email, password: `x-${i}` })),
      ).toMatchObject({
        code: 'UNAUTHORIZED',
      });
    }
    const first = await trpcError(attacker.auth.login.mutate({ email: a.email, password: 'x-3' }));
    expect(first).toMatchObject({ code: 'TOO_MANY_REQUESTS', httpStatus: 429 });
    expect(first).toMatchObject({ reason: 'auth.throttled', params: { retryAfterSeconds: 1 } });
    await new Promise((r) => setTimeout(r, 1100));
    expect(await trpcError(attacker.auth.login.mutate({ email: a.email, password: 'x-4' }))).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    const second = await trpcError(attacker.auth.login.mutate({ email: a.email, password: 'x-5' }));
    expect(second).toMatchObject({ reason: 'auth.throttled', params: { retryAfterSeconds: 2 } });
    // The owner, from elsewhere, after the wait: signed in, and the count starts again.
    await new Promise((r) => setTimeout(r, 2100));
    const owner = h.trpc({ ip: randomV6() });
    expect(await owner.auth.login.mutate({ email: a.email, password: PASSWORD })).toMatchObject({
      status: 'signed_in',
    });
    for (let i = 0; i < 3; i++) {
      expect(
        await trpcError(attacker.auth.login.mutate({ email: a.email, password: `y-${i}` })),
      ).toMatchObject({
        code: 'UNAUTHORIZED',
      });
    }
    const [u] = await sql<{ last_sign_in_at: Date | null }[]>`
      select last_sign_in_at from platform.users where id = ${a.id}`;
    expect(u!.last_sign_in_at).not.toBeNull();
  });
});

describe('sign-in journal', () => {
  it('records every outcome without the password; the practice admin sees its members only', async () => {
    const member = await account({ roles: ['secretary'] });
    const outsider = await account({ roles: ['secretary'], tenant: other });
    const ip = randomV6();
    const client = h.trpc({ ip, userAgent: 'Firefox/140' });
    await trpcError(client.auth.login.mutate({ email: member.email, password: 'le-mauvais-mot' }));
    await client.auth.login.mutate({ email: member.email, password: PASSWORD });
    await trpcError(client.auth.login.mutate({ email: outsider.email, password: 'le-mauvais-mot' }));
    await trpcError(client.auth.login.mutate({ email: uniqueEmail('ghost'), password: 'le-mauvais-mot' }));

    const dump = await sql<
      { row: string }[]
    >`select row_to_json(e)::text as row from platform.sign_in_events e`;
    expect(dump.some((r) => r.row.includes('le-mauvais-mot') || r.row.includes(PASSWORD))).toBe(false);

    const admin = await h.signedInUser({
      email: uniqueEmail('journal-admin'),
      memberships: [{ tenant: t, roles: ['practice_admin'] }],
    });
    const { events: seen } = await h.trpc({ token: admin.token, tenant: t.slug }).security.signIns.query();
    const mine = seen.filter((e) => e.userId === member.id);
    expect(mine.map((e) => e.outcome)).toEqual(['success', 'wrong_password']);
    expect(mine[0]).toMatchObject({ clientIp: ip, userAgent: 'Firefox/140', email: member.email });
    expect(seen.some((e) => e.userId === outsider.id)).toBe(false);
    expect(seen.some((e) => e.userId === null)).toBe(false);

    // The other practice's administrator sees its member, not ours; a secretary sees nothing.
    const otherAdmin = await h.signedInUser({
      email: uniqueEmail('journal-other'),
      memberships: [{ tenant: other, roles: ['practice_admin'] }],
    });
    const theirs = await h.trpc({ token: otherAdmin.token, tenant: other.slug }).security.signIns.query();
    expect(theirs.events.some((e) => e.userId === outsider.id)).toBe(true);
    expect(theirs.events.some((e) => e.userId === member.id)).toBe(false);
    expect(
      await trpcError(h.trpc({ token: otherAdmin.token, tenant: t.slug }).security.signIns.query()),
    ).toMatchObject({ code: 'NOT_FOUND' });
    const secretary = await h.signedInUser({
      email: uniqueEmail('journal-sec'),
      memberships: [{ tenant: t, roles: ['secretary'] }],
    });
    expect(
      await trpcError(h.trpc({ token: secretary.token, tenant: t.slug }).security.signIns.query()),
    ).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('second factor (TOTP)', () => {
  it('a practice admin must enrol before any session; the pending token serves nowhere else', async () => {
    const a = await account({ roles: ['practice_admin'] });
    const api = h.trpc({ ip: randomV6() });
    const first = await api.auth.login.mutate({ email: a.email, password: PASSWORD });
    expect(first).toMatchObject({ status: 'totp_enrolment_required' });
    expect(first).not.toHaveProperty('sessionToken');
    const pendingToken = (first as { pendingToken: string }).pendingToken;

    // Useless as a session: me, logout, a practice's data.
    const asSession = h.trpc({ token: pendingToken, tenant: t.slug });
    expect(await trpcError(asSession.auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await trpcError(asSession.auth.logout.mutate())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await trpcError(asSession.onboarding.sites.list.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await trpcError(asSession.security.signIns.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    // Nor can the enrolment be skipped by asking for a code.
    expect(await trpcError(api.auth.verifyTotp.mutate({ pendingToken, code: '123456' }))).toMatchObject({
      code: 'CONFLICT',
    });

    const { otpauthUri, secretBase32 } = await api.auth.totpEnrolment.mutate({ pendingToken });
    expect(secretBase32).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secretBase32);
    expect(uri.searchParams.get('issuer')).toBe('Rayon');
    expect(uri.searchParams.get('algorithm') ?? 'SHA1').toBe('SHA1');
    expect(uri.searchParams.get('digits') ?? '6').toBe('6');
    expect(uri.searchParams.get('period') ?? '30').toBe('30');
    const [stored] = await sql<{ totp_secret: string; totp_enabled_at: Date | null }[]>`
      select totp_secret, totp_enabled_at from platform.users where id = ${a.id}`;
    expect(stored!.totp_secret).toMatch(/^v1\./);
    expect(stored!.totp_secret).not.toContain(secretBase32);
    expect(stored!.totp_enabled_at).toBeNull();

    expect(
      await trpcError(api.auth.confirmTotpEnrolment.mutate({ pendingToken, code: '000000' })),
    ).toMatchObject({ code: 'UNAUTHORIZED', field: 'code' });
    const step = totpStep(Date.now());
    const code = await totpCode(secretBase32, step);
    const done = await api.auth.confirmTotpEnrolment.mutate({ pendingToken, code });
    expect(done.recoveryCodes).toHaveLength(10);
    expect(new Set(done.recoveryCodes).size).toBe(10);
    const me = await h.trpc({ token: done.session.sessionToken }).auth.me.query();
    expect(me.user.email).toBe(a.email);
    const codes = await sql<{ code_hash: string }[]>`
      select code_hash from platform.recovery_codes where user_id = ${a.id}`;
    expect(codes).toHaveLength(10);
    expect(codes.every((c) => /^[0-9a-f]{64}$/.test(c.code_hash))).toBe(true);
    // The pending token was consumed.
    expect(await trpcError(api.auth.totpEnrolment.mutate({ pendingToken }))).toMatchObject({
      code: 'UNAUTHORIZED',
    });

    // Next sign-in: a code is asked; the secret is never given again.
    const second = await api.auth.login.mutate({ email: a.email, password: PASSWORD });
    expect(second).toMatchObject({ status: 'totp_required' });
    const pending2 = (second as { pendingToken: string }).pendingToken;
    expect(await trpcError(api.auth.totpEnrolment.mutate({ pendingToken: pending2 }))).toMatchObject({
      code: 'CONFLICT',
    });
    // The code just used is refused (replay), the next step's is taken, then refused in turn.
    expect(await trpcError(api.auth.verifyTotp.mutate({ pendingToken: pending2, code }))).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    const next = await totpCode(secretBase32, step + 1);
    const session2 = await api.auth.verifyTotp.mutate({ pendingToken: pending2, code: next });
    expect(session2.status).toBe('signed_in');
    const third = (await api.auth.login.mutate({ email: a.email, password: PASSWORD })) as {
      pendingToken: string;
    };
    expect(
      await trpcError(api.auth.verifyTotp.mutate({ pendingToken: third.pendingToken, code: next })),
    ).toMatchObject({ code: 'UNAUTHORIZED' });

    // A recovery code, once (typed with spaces and in capitals all the same).
    const recovery = done.recoveryCodes[0]!;
    const viaRecovery = await api.auth.verifyTotp.mutate({
      pendingToken: third.pendingToken,
      code: ` ${recovery.toUpperCase()} `,
    });
    expect(viaRecovery.status).toBe('signed_in');
    const fourth = (await api.auth.login.mutate({ email: a.email, password: PASSWORD })) as {
      pendingToken: string;
    };
    expect(
      await trpcError(api.auth.verifyTotp.mutate({ pendingToken: fourth.pendingToken, code: recovery })),
    ).toMatchObject({ code: 'UNAUTHORIZED' });

    const outcomes = (await events(a.id)).map((e) => e.outcome);
    expect(outcomes).toEqual([
      'totp_failed',
      'totp_success',
      'totp_failed',
      'totp_success',
      'totp_failed',
      'recovery_code',
      'totp_failed',
    ]);
  });

  it('wrong codes count in the same throttle: the right code waits too', async () => {
    const a = await account({ platformAdmin: true });
    const api = h.trpc({ ip: randomV6() });
    const first = (await api.auth.login.mutate({ email: a.email, password: PASSWORD })) as {
      status: string;
      pendingToken: string;
    };
    expect(first.status).toBe('totp_enrolment_required');
    const { secretBase32 } = await api.auth.totpEnrolment.mutate({ pendingToken: first.pendingToken });
    for (const bad of ['111111', '222222', '333333']) {
      expect(
        await trpcError(
          api.auth.confirmTotpEnrolment.mutate({ pendingToken: first.pendingToken, code: bad }),
        ),
      ).toMatchObject({ code: 'UNAUTHORIZED' });
    }
    const good = await totpCode(secretBase32, totpStep(Date.now()));
    expect(
      await trpcError(api.auth.confirmTotpEnrolment.mutate({ pendingToken: first.pendingToken, code: good })),
    ).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    // The right password does not reset the count of wrong codes.
    expect(await trpcError(api.auth.login.mutate({ email: a.email, password: PASSWORD }))).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
    });
    await new Promise((r) => setTimeout(r, 1100));
    const done = await api.auth.confirmTotpEnrolment.mutate({ pendingToken: first.pendingToken, code: good });
    expect(done.session.status).toBe('signed_in');
  });

  it('a practice asking every member for a second factor: set by its admin (5–480 min idle), not by others', async () => {
    const admin = await h.signedInUser({
      email: uniqueEmail('policy-admin'),
      memberships: [{ tenant: other, roles: ['practice_admin'] }],
    });
    const api = h.trpc({ token: admin.token });
    expect(await api.security.policy.query({ tenantSlug: other.slug })).toEqual({
      tenantSlug: other.slug,
      totpRequired: false,
      idleTimeoutMinutes: 30,
      pscRequired: false,
    });
    expect(
      await trpcError(
        api.security.setPolicy.mutate({ tenantSlug: other.slug, totpRequired: true, idleTimeoutMinutes: 4 }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'idleTimeoutMinutes' });
    expect(
      await trpcError(
        api.security.setPolicy.mutate({
          tenantSlug: other.slug,
          totpRequired: true,
          idleTimeoutMinutes: 481,
        }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'idleTimeoutMinutes' });
    // Another practice's admin, and a member who is not admin: not found.
    expect(
      await trpcError(
        api.security.setPolicy.mutate({ tenantSlug: t.slug, totpRequired: true, idleTimeoutMinutes: 60 }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    const secretary = await h.signedInUser({
      email: uniqueEmail('policy-sec'),
      memberships: [{ tenant: other, roles: ['secretary'] }],
    });
    expect(
      await trpcError(h.trpc({ token: secretary.token }).security.policy.query({ tenantSlug: other.slug })),
    ).toMatchObject({ code: 'NOT_FOUND' });

    await api.security.setPolicy.mutate({
      tenantSlug: other.slug,
      totpRequired: true,
      idleTimeoutMinutes: 90,
    });
    expect(await api.security.policy.query({ tenantSlug: other.slug })).toMatchObject({
      totpRequired: true,
      idleTimeoutMinutes: 90,
    });
    // From now on the secretary enrols too.
    const member = await account({ roles: ['secretary'], tenant: other });
    expect(await h.trpc().auth.login.mutate({ email: member.email, password: PASSWORD })).toMatchObject({
      status: 'totp_enrolment_required',
    });
    // The platform admin sets it as well.
    const platform = await h.signedInUser({ email: uniqueEmail('policy-platform'), platformAdmin: true });
    await h
      .trpc({ token: platform.token })
      .security.setPolicy.mutate({ tenantSlug: other.slug, totpRequired: false, idleTimeoutMinutes: 30 });
    expect(await h.trpc().auth.login.mutate({ email: member.email, password: PASSWORD })).toMatchObject({
      status: 'signed_in',
    });
  });
});
