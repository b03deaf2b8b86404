/**
 * Pro Santé Connect through the portal API, against the PSC simulator (a real OpenID provider,
 * `oidc-provider`, with PSC's paths and claims) on the real PostgreSQL and Redis: link of the
 * e-CPS, sign-in, refusals (acr, nonce, tampered token, replayed callback, state), the
 * unlinked identity, invitations accepted with the e-CPS, logout and back-channel logout, the
 * sealed tokens refreshed, and the practice that requires PSC.
 */
import { serve, type ServerType } from '@hono/node-server';
import { sealSecret } from '@rayon/connectors/certificates';
import { createPscClient } from '@rayon/connectors/psc';
import { findUserByEmail, findUserProfile, type TenantRef } from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { PscBrowser, startPscSimulator, type PscSimulator } from '@rayon/sim-psc';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

const RADIOLOGIST_ID = '810001234565';
const RADIOLOGIST_RPPS = '10001234565';

let sim: PscSimulator;
let h: Harness;
let api: ServerType;
let a: TenantRef;
let b: TenantRef;
let adminA: ReturnType<Harness['trpc']>;
let adminBToken: string;

/** The pending invitation token of the last invitation made by adminA for `email`. */
async function invite(email: string, profile?: object) {
  const out = await adminA.staff.invite.mutate({
    email,
    displayName: 'Invité',
    roles: ['radiologist'],
    profile,
  });
  if (!out.link) throw new Error('expected the link (no mailer in this harness)');
  return /\/invitation\/([A-Za-z0-9_-]+)/.exec(out.link)![1]!;
}

/** A full PSC round trip: begin, the simulator's login page, complete. */
async function viaPsc(
  input: Parameters<ReturnType<Harness['trpc']>['auth']['pscBegin']['mutate']>[0],
  login: Parameters<PscBrowser['authorize']>[1],
  o: { token?: string; browser?: PscBrowser } = {},
) {
  const client = h.trpc(o.token ? { token: o.token } : {});
  const begun = await client.auth.pscBegin.mutate(input);
  const browser = o.browser ?? new PscBrowser({ origin: sim.url });
  const callback = await browser.authorize(begun.authorizationUrl, login);
  expect(callback.startsWith('http://portal.test/connexion/psc/retour?')).toBe(true);
  const query = new URL(callback).search;
  return {
    begun,
    query,
    browser,
    complete: () => client.auth.pscComplete.mutate({ flowToken: begun.flowToken, query }),
  };
}

async function linkedRadiologist(tenant: TenantRef, email = uniqueEmail('radio')) {
  const u = await h.signedInUser({ email, memberships: [{ tenant, roles: ['radiologist'] }] });
  const linked = await viaPsc(
    { purpose: 'link', cguAccepted: true },
    { professional: 'radiologist', scenario: 'normal' },
    { token: u.token },
  );
  expect(await linked.complete()).toMatchObject({ status: 'linked' });
  return u;
}

const userCount = () =>
  h.db.platform(async (tx) => (await tx.execute('select count(*)::int as n from platform.users'))[0]);

beforeAll(async () => {
  // The API listens for real: the simulator posts its back-channel logout tokens to it.
  let apiUrl = '';
  const pending = { fetch: (r: Request) => h.app.fetch(r) };
  api = serve({ fetch: (r) => pending.fetch(r), port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => api.once('listening', r));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  sim = await startPscSimulator({
    accessTokenTtlSeconds: 30,
    clients: [
      {
        clientId: 'rayon-test',
        clientSecret: 'rayon-test-secret',
        redirectUris: ['http://portal.test/connexion/psc/retour'],
        postLogoutRedirectUris: ['http://portal.test/connexion?deconnexion=psc'],
        backchannelLogoutUri: `${apiUrl}/auth/psc/backchannel-logout`,
      },
    ],
  });
  h = await createHarness({
    psc: createPscClient({
      issuer: sim.issuer,
      clientId: 'rayon-test',
      auth: { method: 'client_secret_basic', secret: 'rayon-test-secret' },
      redirectUri: 'http://portal.test/connexion/psc/retour',
      postLogoutRedirectUri: 'http://portal.test/connexion?deconnexion=psc',
    }),
  });
  a = await createTestTenant(h.db, { name: 'Imagerie PSC A' });
  b = await createTestTenant(h.db, { name: 'Imagerie PSC B' });
  const adm = await h.signedInUser({
    email: uniqueEmail('admin-a'),
    memberships: [{ tenant: a, roles: ['practice_admin'] }],
  });
  adminA = h.trpc({ token: adm.token, tenant: a.slug });
  adminBToken = (
    await h.signedInUser({
      email: uniqueEmail('admin-b'),
      memberships: [{ tenant: b, roles: ['practice_admin'] }],
    })
  ).token;
});
afterAll(async () => {
  await new Promise((r) => api.close(r));
  await sim.close();
  await h.close();
});

describe('link and sign-in', () => {
  it('links the e-CPS to a signed-in account: RPPS and names of exercise fill the empty profile', async () => {
    const u = await linkedRadiologist(a);
    const account = await h.trpc({ token: u.token }).account.psc.query();
    expect(account).toMatchObject({
      enabled: true,
      linked: true,
      nationalId: RADIOLOGIST_ID,
      hasPassword: true,
    });
    expect(account.cguAcceptedAt).not.toBeNull();
    const profile = await h.db.withTenant(a, (tx) => findUserProfile(tx, u.user.id));
    expect(profile).toMatchObject({ rpps: RADIOLOGIST_RPPS, civility: 'Dr', familyName: 'MOREAU' });
    // Unlinked again so that the other tests can link this same test professional.
    await h.trpc({ token: u.token }).account.pscUnlink.mutate();
  });

  it('signs in through PSC: a session marked psc, the sign-in journal with acr eidas1', async () => {
    const u = await linkedRadiologist(a);
    const done = await (await viaPsc({ purpose: 'sign_in' }, { professional: 'radiologist' })).complete();
    expect(done.status).toBe('signed_in');
    if (done.status !== 'signed_in') return;
    expect(done.user.id).toBe(u.user.id);
    const me = await h.trpc({ token: done.sessionToken }).auth.me.query();
    expect(me.authMethod).toBe('psc');
    const journal = await adminA.security.signIns.query();
    expect(journal.events.find((e) => e.userId === u.user.id && e.outcome === 'psc_success')).toMatchObject({
      acr: 'eidas1',
    });
    await h.trpc({ token: u.token }).account.pscUnlink.mutate();
  });

  it('refuses the link when the RPPS of the e-CPS is not the one the practice recorded', async () => {
    const u = await h.signedInUser({
      email: uniqueEmail('autre'),
      memberships: [{ tenant: a, roles: ['radiologist'] }],
    });
    await adminA.staff.setProfile.mutate({ userId: u.user.id, profile: { rpps: '10000023084' } });
    const flow = await viaPsc(
      { purpose: 'link', cguAccepted: true },
      { professional: 'radiologist' },
      { token: u.token },
    );
    expect(await trpcError(flow.complete())).toMatchObject({
      code: 'CONFLICT',
      reason: 'psc.rpps_mismatch',
    });
    expect((await h.trpc({ token: u.token }).account.psc.query()).linked).toBe(false);
  });

  it('asks for the CGU before a link, and a session for it', async () => {
    expect(
      await trpcError(h.trpc().auth.pscBegin.mutate({ purpose: 'link', cguAccepted: true })),
    ).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    const u = await h.signedInUser({
      email: uniqueEmail('cgu'),
      memberships: [{ tenant: a, roles: ['secretary'] }],
    });
    expect(
      await trpcError(h.trpc({ token: u.token }).auth.pscBegin.mutate({ purpose: 'link' })),
    ).toMatchObject({
      field: 'cguAccepted',
      reason: 'psc.cgu_required',
    });
  });

  it('tells an identity linked to no account so, and creates nothing', async () => {
    const before = await userCount();
    const done = await (await viaPsc({ purpose: 'sign_in' }, { professional: 'unknown' })).complete();
    expect(done).toMatchObject({ status: 'unlinked', professional: { nationalId: '810000000025' } });
    expect(await userCount()).toEqual(before);
  });
});

describe('refusals', () => {
  it('refuses an id_token whose acr is not eidas1', async () => {
    const flow = await viaPsc(
      { purpose: 'sign_in' },
      { professional: 'radiologist', scenario: 'acr-faible' },
    );
    expect(await trpcError(flow.complete())).toMatchObject({
      code: 'UNAUTHORIZED',
      reason: 'psc.acr_refused',
    });
  });

  it('refuses an id_token carrying the nonce of another sign-in', async () => {
    await (await viaPsc({ purpose: 'sign_in' }, { professional: 'unknown' })).complete();
    const flow = await viaPsc(
      { purpose: 'sign_in' },
      { professional: 'radiologist', scenario: 'nonce-rejoue' },
    );
    expect(await trpcError(flow.complete())).toMatchObject({ reason: 'psc.nonce_mismatch' });
  });

  it('refuses a tampered id_token', async () => {
    const flow = await viaPsc(
      { purpose: 'sign_in' },
      { professional: 'radiologist', scenario: 'jeton-altere' },
    );
    const refused = await trpcError(flow.complete());
    // Refused for its signature, before anything else of it is believed.
    expect(refused).toMatchObject({ reason: 'psc.id_token_invalid' });
    expect(refused?.message).toMatch(/signature/i);
  });

  it('uses a flow once: the same callback replayed is refused', async () => {
    const flow = await viaPsc({ purpose: 'sign_in' }, { professional: 'unknown' });
    await flow.complete();
    expect(await trpcError(flow.complete())).toMatchObject({ reason: 'psc.flow_expired' });
  });

  it('refuses the callback of another sign-in (state) ', async () => {
    const first = await viaPsc({ purpose: 'sign_in' }, { professional: 'unknown' });
    const other = await h.trpc().auth.pscBegin.mutate({ purpose: 'sign_in' });
    expect(
      await trpcError(h.trpc().auth.pscComplete.mutate({ flowToken: other.flowToken, query: first.query })),
    ).toMatchObject({ reason: 'psc.state_mismatch' });
  });

  it('says when the professional cancelled at PSC', async () => {
    const begun = await h.trpc().auth.pscBegin.mutate({ purpose: 'sign_in' });
    const state = new URL(begun.authorizationUrl).searchParams.get('state')!;
    const query = `?error=access_denied&state=${state}&iss=${encodeURIComponent(sim.issuer)}`;
    expect(
      await trpcError(h.trpc().auth.pscComplete.mutate({ flowToken: begun.flowToken, query })),
    ).toMatchObject({
      reason: 'psc.denied',
    });
  });
});

describe('invitation accepted with the e-CPS', () => {
  it('makes an account without password, linked, member with the RPPS of PSC, and signs it in', async () => {
    const email = uniqueEmail('interne');
    const token = await invite(email);
    const done = await (
      await viaPsc(
        { purpose: 'invitation', invitationToken: token, cguAccepted: true },
        { professional: 'resident' },
      )
    ).complete();
    expect(done.status).toBe('signed_in');
    const user = (await h.db.platform((tx) => findUserByEmail(tx, email)))!;
    expect(user).toMatchObject({ pscSubject: '810000000017', passwordHash: null });
    const profile = await h.db.withTenant(a, (tx) => findUserProfile(tx, user.id));
    expect(profile?.rpps).toBe('10000000017');
  });

  it('does not bind an e-CPS to an existing account of the invited address', async () => {
    const email = uniqueEmail('existant');
    await h.signedInUser({ email, memberships: [{ tenant: b, roles: ['secretary'] }] });
    const token = await invite(email);
    const flow = await viaPsc(
      { purpose: 'invitation', invitationToken: token, cguAccepted: true },
      { professional: 'technologist' },
    );
    expect(await trpcError(flow.complete())).toMatchObject({
      reason: 'psc.invitation_other_account',
    });
    const user = (await h.db.platform((tx) => findUserByEmail(tx, email)))!;
    expect(user.pscSubject).toBeNull();
  });
});

describe('tokens and logout', () => {
  it('keeps the PSC tokens sealed server-side and refreshes the access token', async () => {
    const u = await linkedRadiologist(a);
    const done = await (await viaPsc({ purpose: 'sign_in' }, { professional: 'radiologist' })).complete();
    if (done.status !== 'signed_in') throw new Error(done.status);
    const stored = await h.db.platform(
      async (tx) =>
        (
          await tx.execute(
            `select psc_tokens from platform.sessions where user_id = '${u.user.id}' and auth_method = 'psc'`,
          )
        )[0] as { psc_tokens: string },
    );
    expect(stored.psc_tokens).not.toContain('eyJ'); // no JWT in clear
    // Access tokens live 30 s here, inside the refresh margin: each call refreshes.
    const accessToken = (token: string) => h.direct((s, ctx) => s.access.psc.accessToken(ctx, token));
    const t1 = await accessToken(done.sessionToken);
    const t2 = await accessToken(done.sessionToken);
    expect(t1).not.toEqual(t2);
    const userinfo = await fetch(`${sim.issuer}/protocol/openid-connect/userinfo`, {
      headers: { authorization: `Bearer ${t2}` },
    });
    expect(userinfo.status).toBe(200);
    await h.trpc({ token: u.token }).account.pscUnlink.mutate();
  });

  it('refuses sealed tokens of another shape, naming the field, instead of using them', async () => {
    const u = await linkedRadiologist(a);
    const done = await (await viaPsc({ purpose: 'sign_in' }, { professional: 'radiologist' })).complete();
    if (done.status !== 'signed_in') throw new Error(done.status);
    // Sealed with the right key and context, but the expiry is a text.
    const sealed = sealSecret(
      JSON.stringify({ accessToken: 'a', refreshToken: null, idToken: 'i', expiresAt: 'tomorrow' }),
      h.secretsKey,
      'psc-tokens',
    );
    await h.db.platform((tx) =>
      tx.execute(
        `update platform.sessions set psc_tokens = '${sealed}' where user_id = '${u.user.id}' and auth_method = 'psc'`,
      ),
    );
    await expect(h.direct((s, ctx) => s.access.psc.accessToken(ctx, done.sessionToken))).rejects.toThrow(
      /^sealed psc-tokens is malformed: expiresAt: [^;]*$/,
    );
    await h.trpc({ token: u.token }).account.pscUnlink.mutate();
  });

  it('logout gives the end_session URL; PSC ends its session and comes back to the portal', async () => {
    const u = await linkedRadiologist(a);
    const flow = await viaPsc({ purpose: 'sign_in' }, { professional: 'radiologist' });
    const done = await flow.complete();
    if (done.status !== 'signed_in') throw new Error(done.status);
    const out = await h.trpc({ token: done.sessionToken }).auth.logout.mutate();
    expect(out.endSessionUrl).toContain('id_token_hint=');
    const back = await flow.browser.logout(out.endSessionUrl!);
    expect(back.startsWith('http://portal.test/connexion?deconnexion=psc')).toBe(true);
    // The PSC session is over: the next authorization shows the login page again.
    const again = await viaPsc(
      { purpose: 'sign_in' },
      { professional: 'radiologist' },
      { browser: flow.browser },
    );
    expect((await again.complete()).status).toBe('signed_in');
    // A password session has no PSC session to end.
    await h.trpc({ token: u.token }).account.pscUnlink.mutate();
    expect((await h.trpc({ token: u.token }).auth.logout.mutate()).endSessionUrl).toBeNull();
  });

  it('back-channel logout from PSC ends the Rayon session, once', async () => {
    const u = await linkedRadiologist(a);
    const flow = await viaPsc({ purpose: 'sign_in' }, { professional: 'radiologist' });
    const done = await flow.complete();
    if (done.status !== 'signed_in') throw new Error(done.status);
    const sent = sim.logoutTokens().length;
    // PSC's session ends elsewhere (another service's logout): Rayon is told on the back channel.
    const url = await h.direct((s, ctx) => s.access.psc.endSessionUrl(ctx, done.sessionToken));
    await flow.browser.logout(url!);
    await expect.poll(() => sim.logoutTokens().length).toBeGreaterThan(sent);
    expect(sim.logoutTokens().at(-1)?.status).toBe(200);
    expect(await trpcError(h.trpc({ token: done.sessionToken }).auth.me.query())).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    const replay = await h.app.request('/auth/psc/backchannel-logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: sim.logoutTokens().at(-1)!.logoutToken }).toString(),
    });
    expect(replay.status).toBe(400);
    await h.trpc({ token: u.token }).account.pscUnlink.mutate();
  });

  it('the back-channel door refuses forged and malformed tokens and keeps serving', async () => {
    const post = (body: string, type = 'application/x-www-form-urlencoded') =>
      h.app.request('/auth/psc/backchannel-logout', {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
    const forged = ['eyJhbGciOiJub25lIn0', Buffer.from('{"sid":"x"}').toString('base64url'), ''].join('.');
    expect((await post(`logout_token=${forged}`)).status).toBe(400);
    expect((await post('logout_token=%00%ff')).status).toBe(400);
    expect((await post('{"logout_token":"x"}', 'application/json')).status).toBe(400);
    expect((await post('')).status).toBe(400);
    expect((await h.app.request('/healthz')).status).toBe(200);
  });
});

describe('practice that requires Pro Santé Connect', () => {
  it('refuses the password of a member with an RPPS, ends their password sessions; others keep theirs', async () => {
    const c = await createTestTenant(h.db, { name: 'Imagerie PSC obligatoire' });
    const admin = await h.signedInUser({
      email: uniqueEmail('admin-c'),
      memberships: [{ tenant: c, roles: ['practice_admin'] }],
    });
    const adminC = h.trpc({ token: admin.token, tenant: c.slug });
    const radio = await h.signedInUser({
      email: uniqueEmail('radio-c'),
      memberships: [{ tenant: c, roles: ['radiologist'] }],
    });
    await adminC.staff.setProfile.mutate({ userId: radio.user.id, profile: { rpps: RADIOLOGIST_RPPS } });
    const secretary = await h.signedInUser({
      email: uniqueEmail('sec-c'),
      memberships: [{ tenant: c, roles: ['secretary'] }],
    });

    const policy = await adminC.security.policy.query({ tenantSlug: c.slug });
    await adminC.security.setPolicy.mutate({ ...policy, pscRequired: true });
    expect((await adminC.security.policy.query({ tenantSlug: c.slug })).pscRequired).toBe(true);

    expect(await trpcError(h.trpc({ token: radio.token }).auth.me.query())).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    const refused = await trpcError(
      h.trpc().auth.login.mutate({ email: radio.user.email, password: radio.password }),
    );
    expect(refused).toMatchObject({ code: 'FORBIDDEN', reason: 'auth.psc_required' });
    // A wrong password says nothing of the rule.
    expect(
      await trpcError(h.trpc().auth.login.mutate({ email: radio.user.email, password: 'wrong' })),
    ).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect((await h.trpc({ token: secretary.token }).auth.me.query()).user.id).toBe(secretary.user.id);
    expect(await h.signIn(secretary.user.email, secretary.password)).toBeTruthy();

    // Not linked yet: the refused password gives a link token; the e-CPS linked, PSC signs in.
    const linkToken = refused?.details?.linkToken as string;
    expect(linkToken).toBeTruthy();
    expect(
      await trpcError(h.trpc().auth.verifyTotp.mutate({ pendingToken: linkToken, code: '000000' })),
    ).toBeDefined();
    const done = await (
      await viaPsc({ purpose: 'link', linkToken, cguAccepted: true }, { professional: 'radiologist' })
    ).complete();
    expect(done.status).toBe('signed_in');
    // Linked now: no link token any more, and « Délier » is refused while the practice requires PSC.
    const again = await trpcError(
      h.trpc().auth.login.mutate({ email: radio.user.email, password: radio.password }),
    );
    expect(again?.details?.linkToken).toBeUndefined();
    if (done.status !== 'signed_in') return;
    expect(await trpcError(h.trpc({ token: done.sessionToken }).account.pscUnlink.mutate())).toMatchObject({
      reason: 'psc.required_by_practice',
    });
    await adminC.security.setPolicy.mutate({ ...policy, pscRequired: false });
    await h.trpc({ token: done.sessionToken }).account.pscUnlink.mutate();
  });

  it('another practice’s administrator cannot change the setting', async () => {
    const policy = await adminA.security.policy.query({ tenantSlug: a.slug });
    expect(
      await trpcError(
        h.trpc({ token: adminBToken }).security.setPolicy.mutate({ ...policy, pscRequired: true }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect((await adminA.security.policy.query({ tenantSlug: a.slug })).pscRequired).toBe(false);
  });
});

describe('PSC unreachable', () => {
  it('says PSC cannot be reached, and keeps serving', async () => {
    // A port where nothing listens: taken, then given back.
    const probe = serve({ fetch: () => new Response(), port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => probe.once('listening', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const down = await createHarness({
      psc: createPscClient({
        issuer: `http://127.0.0.1:${port}/auth/realms/esante-wallet`,
        clientId: 'rayon-test',
        auth: { method: 'client_secret_basic', secret: 'x' },
        redirectUri: 'http://portal.test/connexion/psc/retour',
        postLogoutRedirectUri: 'http://portal.test/connexion?deconnexion=psc',
        timeoutMs: 2000,
      }),
    });
    try {
      expect(await trpcError(down.trpc().auth.pscBegin.mutate({ purpose: 'sign_in' }))).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        reason: 'psc.unavailable',
      });
      expect(await down.trpc().auth.psc.query()).toEqual({ enabled: true });
    } finally {
      await down.close();
    }
  });
});

describe('without PSC configured', () => {
  it('says so', async () => {
    const bare = await createHarness();
    try {
      expect(await bare.trpc().auth.psc.query()).toEqual({ enabled: false });
      expect(await trpcError(bare.trpc().auth.pscBegin.mutate({ purpose: 'sign_in' }))).toMatchObject({
        code: 'CONFLICT',
        reason: 'psc.not_configured',
      });
    } finally {
      await bare.close();
    }
  });
});
