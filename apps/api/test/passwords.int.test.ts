/**
 * Passwords after the first: reset by e-mail (caught by a real SMTP server), change on « Mon
 * compte », the policy at every place a password is set.
 */
import { createHash } from 'node:crypto';
import { createMailer, type Mailer } from '@rayon/connectors/mail';
import { insertInvitation, type TenantRef } from '@rayon/db';
import { createTestTenant, until } from '@rayon/db/testing';
import { startMailCatcher, type MailCatcher } from '@rayon/sim-mail';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomToken, sha256 } from '@rayon/access/secrets';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let catcher: MailCatcher;
let sql: postgres.Sql;
let t: TenantRef;

const STRONG = 'marmotte violette escalier nuage';
const STRONGER = 'Soleil levant sur la Loire en mai';
let ipCounter = 0;
/** A client address of its own per test (the per-client throttle is not shared between tests). */
const nextIp = () => `198.51.100.${++ipCounter}`;

beforeAll(async () => {
  catcher = await startMailCatcher();
  h = await createHarness({
    mailer: createMailer({ url: catcher.smtpUrl, from: 'Rayon <rayon@test.rayon>' }),
  });
  sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  t = await createTestTenant(h.db);
});
afterAll(async () => {
  await sql.end();
  await h.close();
  await catcher.close();
});

const mailsTo = (email: string) => catcher.messages().filter((m) => m.to.includes(email));
const linkIn = (text: string) => /http:\/\/portal\.test\/mot-de-passe\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];

async function resetToken(email: string, ip = nextIp()) {
  const before = mailsTo(email).length;
  expect(await h.trpc({ ip }).auth.requestPasswordReset.mutate({ email })).toEqual({ ok: true });
  const mails = await until(
    async () => mailsTo(email),
    (m) => m.length > before,
    'the reset mail',
  );
  return linkIn(mails.at(-1)!.text)!;
}

describe('password reset by e-mail', () => {
  it('answers the same for an unknown address, and mails a 30-minute link to a known one', async () => {
    const { user } = await h.signedInUser({
      email: uniqueEmail('reset'),
      memberships: [{ tenant: t, roles: ['secretary'] }],
    });
    const unknown = uniqueEmail('nobody');
    const api = h.trpc({ ip: nextIp() });
    const a = await api.auth.requestPasswordReset.mutate({ email: unknown });
    const b = await api.auth.requestPasswordReset.mutate({ email: `  ${user.email.toUpperCase()} ` });
    expect(a).toEqual(b);
    const [mail] = await until(
      async () => mailsTo(user.email),
      (m) => m.length === 1,
      'the reset mail',
    );
    expect(mail!.subject).toBe('Réinitialisation de votre mot de passe Rayon');
    expect(mail!.text).toContain('30 minutes');
    const token = linkIn(mail!.text)!;
    expect(token).toBeDefined();
    // Only the SHA-256 of the token is stored.
    const rows = await sql<{ token_hash: string; expires_at: Date; used_at: Date | null }[]>`
      select token_hash, expires_at, used_at from platform.password_resets where user_id = ${user.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
    const minutes = (rows[0]!.expires_at.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(29);
    expect(minutes).toBeLessThanOrEqual(30);
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsTo(unknown)).toHaveLength(0);
    expect(await h.trpc().auth.passwordReset.query({ token })).toMatchObject({ email: user.email });
  });

  it('answers before the mail is sent: a slow relay does not tell that the account exists', async () => {
    const slowMailer: Mailer = { send: () => new Promise((r) => setTimeout(r, 2000)) };
    const slow = await createHarness({ mailer: slowMailer });
    try {
      const { user } = await slow.signedInUser({ email: uniqueEmail('slow') });
      const started = performance.now();
      await slow.trpc({ ip: nextIp() }).auth.requestPasswordReset.mutate({ email: user.email });
      expect(performance.now() - started).toBeLessThan(1500);
    } finally {
      await slow.close();
    }
  });

  it('sets the password once: policy, every session ended, throttle cleared, journaled and audited', async () => {
    const {
      user,
      password,
      token: session1,
    } = await h.signedInUser({
      email: uniqueEmail('forgot'),
      memberships: [{ tenant: t, roles: ['radiologist'] }],
    });
    const session2 = await h.signIn(user.email, password);
    // Failed attempts on the account are remembered by the sign-in throttle…
    await trpcError(h.trpc({ ip: nextIp() }).auth.login.mutate({ email: user.email, password: 'wrong one' }));
    expect(await h.redis.exists(`signin:acct:${user.email.toLowerCase()}`)).toBe(1);

    const token = await resetToken(user.email);
    const weak = await trpcError(h.trpc().auth.resetPassword.mutate({ token, password: 'motdepasse123' }));
    expect(weak).toMatchObject({ code: 'BAD_REQUEST', field: 'password' });
    const blank = await trpcError(h.trpc().auth.resetPassword.mutate({ token, password: ' '.repeat(12) }));
    expect(blank).toMatchObject({ code: 'BAD_REQUEST', field: 'password' });
    // The refused attempts did not use the link up.
    expect(await h.trpc().auth.passwordReset.query({ token })).toMatchObject({ email: user.email });

    const ua = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0';
    const done = await h
      .trpc({ ip: '203.0.113.9', userAgent: ua })
      .auth.resetPassword.mutate({ token, password: STRONG });
    expect(done).toMatchObject({ email: user.email, sessionsEnded: 2 });

    for (const s of [session1, session2]) {
      expect(await trpcError(h.trpc({ token: s }).auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    }
    expect(await h.redis.exists(`signin:acct:${user.email.toLowerCase()}`)).toBe(0);
    expect(await trpcError(h.trpc().auth.login.mutate({ email: user.email, password }))).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await h.signIn(user.email, STRONG);

    // Single use.
    expect(await trpcError(h.trpc().auth.passwordReset.query({ token }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await trpcError(h.trpc().auth.resetPassword.mutate({ token, password: STRONGER }))).toMatchObject({
      code: 'NOT_FOUND',
    });

    const [u] = await sql<{ password_changed_at: Date | null }[]>`
      select password_changed_at from platform.users where id = ${user.id}`;
    expect(u!.password_changed_at).not.toBeNull();
    const events = await sql<{ outcome: string; client_ip: string | null; user_agent: string | null }[]>`
      select outcome, client_ip, user_agent from platform.sign_in_events
      where user_id = ${user.id} and outcome = 'reset'`;
    expect(events).toEqual([{ outcome: 'reset', client_ip: '203.0.113.9', user_agent: ua }]);
    const audit = await sql<{ action: string }[]>`
      select action from platform.audit_events where target = ${user.id} and action like 'auth.password_reset%'
      order by id`;
    expect(audit.map((a) => a.action)).toEqual(['auth.password_reset_requested', 'auth.password_reset']);
  });

  it('refuses an expired link, and a link of a disabled account', async () => {
    const { user } = await h.signedInUser({ email: uniqueEmail('late') });
    const token = await resetToken(user.email);
    await sql`update platform.password_resets set expires_at = now() - interval '1 second'
      where token_hash = ${sha256(token)}`;
    expect(await trpcError(h.trpc().auth.passwordReset.query({ token }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await trpcError(h.trpc().auth.resetPassword.mutate({ token, password: STRONG }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await trpcError(h.trpc().auth.resetPassword.mutate({ token: randomToken(), password: STRONG })),
    ).toMatchObject({ code: 'NOT_FOUND' });

    const token2 = await resetToken(user.email);
    await sql`update platform.users set disabled_at = now() where id = ${user.id}`;
    expect(
      await trpcError(h.trpc().auth.resetPassword.mutate({ token: token2, password: STRONG })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    // A disabled account gets no new link either (same answer).
    const before = mailsTo(user.email).length;
    await h.trpc({ ip: nextIp() }).auth.requestPasswordReset.mutate({ email: user.email });
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsTo(user.email)).toHaveLength(before);
  });

  it('throttles: a few mails per address (then silently none), requests per client address', async () => {
    const { user } = await h.signedInUser({ email: uniqueEmail('bombed') });
    for (let i = 0; i < 5; i++) {
      expect(await h.trpc({ ip: nextIp() }).auth.requestPasswordReset.mutate({ email: user.email })).toEqual({
        ok: true,
      });
    }
    await until(
      async () => mailsTo(user.email),
      (m) => m.length >= 3,
      'three reset mails',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsTo(user.email)).toHaveLength(3);

    const ip = nextIp();
    const api = h.trpc({ ip });
    for (let i = 0; i < 20; i++) await api.auth.requestPasswordReset.mutate({ email: uniqueEmail('spray') });
    expect(
      await trpcError(api.auth.requestPasswordReset.mutate({ email: uniqueEmail('spray') })),
    ).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    // Another client is not affected.
    expect(await h.trpc({ ip: nextIp() }).auth.requestPasswordReset.mutate({ email: user.email })).toEqual({
      ok: true,
    });
  });
});

describe('password change (« Mon compte »)', () => {
  it('checks the current password and the policy, then ends the other sessions only', async () => {
    const {
      user,
      password,
      token: current,
    } = await h.signedInUser({
      email: uniqueEmail('change'),
      memberships: [{ tenant: t, roles: ['technologist'] }],
    });
    const other = await h.signIn(user.email, password);
    const me = h.trpc({ token: current });

    const wrong = await trpcError(
      me.account.changePassword.mutate({ currentPassword: 'not it at all', newPassword: STRONGER }),
    );
    expect(wrong).toMatchObject({ code: 'BAD_REQUEST', field: 'currentPassword' });
    const weak = await trpcError(
      me.account.changePassword.mutate({
        currentPassword: password,
        newPassword: `${user.displayName}2026!`,
      }),
    );
    expect(weak).toMatchObject({ code: 'BAD_REQUEST', field: 'newPassword' });
    // Both sessions still work after refusals.
    await me.auth.me.query();
    await h.trpc({ token: other }).auth.me.query();

    expect(
      await me.account.changePassword.mutate({ currentPassword: password, newPassword: STRONGER }),
    ).toEqual({ ok: true, otherSessionsEnded: 1 });
    await me.auth.me.query();
    expect(await trpcError(h.trpc({ token: other }).auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    await h.signIn(user.email, STRONGER);
    const audit = await sql<{ action: string }[]>`
      select action from platform.audit_events where target = ${user.id} and action = 'auth.password_changed'`;
    expect(audit).toHaveLength(1);
  });

  it('needs a session', async () => {
    expect(
      await trpcError(h.trpc().account.changePassword.mutate({ currentPassword: 'x', newPassword: STRONG })),
    ).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('the policy at invitation acceptance', () => {
  it('refuses 12 spaces and a password made of the invitee and practice names, in French too', async () => {
    const token = randomToken();
    const email = uniqueEmail('invitee');
    await h.db.platform((tx) =>
      insertInvitation(tx, {
        tokenHash: sha256(token),
        tenantId: t.id,
        email,
        displayName: 'Gwénaëlle Le Goff',
        roles: ['secretary'],
        expiresAt: new Date(Date.now() + 3600_000),
      }),
    );
    for (const password of [' '.repeat(12), 'GwenaelleLeGoff2026!']) {
      const e = await trpcError(h.trpc().auth.acceptInvitation.mutate({ token, password }));
      expect(e, password).toMatchObject({ code: 'BAD_REQUEST', field: 'password' });
    }
    try {
      await h.trpc().auth.acceptInvitation.mutate({ token, password: 'Gwenaelle2026!' });
      expect.unreachable();
    } catch (e) {
      const data = (e as { data: { reason: string; params: { feedbackFr: { suggestions: string[] } } } })
        .data;
      expect(data.reason).toBe('password.weak');
      expect(data.params.feedbackFr.suggestions.join(' ')).toMatch(/[éèà]|mots/);
    }
  });
});
