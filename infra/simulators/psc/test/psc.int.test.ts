import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { createIgcSanteTestChain, issueClientCertificate } from '@rayon/test-pki';
import {
  SignJWT,
  createLocalJWKSet,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type JSONWebKeySet,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PSC_ACR,
  PSC_WEAK_ACR,
  PscBrowser,
  startPscSimulator,
  type PscScenario,
  type PscSimulator,
} from '../src/index.ts';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const REDIRECT = 'http://127.0.0.1:9/auth/psc/callback';
const LOGGED_OUT = 'http://127.0.0.1:9/deconnecte';
const SECRET = 'rayon-psc-secret';

let sim: PscSimulator;
let backchannel: Server;
const backchannelBodies: URLSearchParams[] = [];
let clientKey: SigningKey;
let discovery: Record<string, string>;
let jwks: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  backchannel = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      backchannelBodies.push(new URLSearchParams(Buffer.concat(chunks).toString()));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => backchannel.listen(0, '127.0.0.1', r));
  const bcPort = (backchannel.address() as AddressInfo).port;

  const pair = await generateKeyPair('ES256');
  clientKey = pair.privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'rayon-jwt-1', alg: 'ES256', use: 'sig' };

  sim = await startPscSimulator({
    clients: [
      {
        clientId: 'rayon',
        clientSecret: SECRET,
        redirectUris: [REDIRECT],
        postLogoutRedirectUris: [LOGGED_OUT],
        backchannelLogoutUri: `http://127.0.0.1:${bcPort}/auth/psc/backchannel-logout`,
      },
      {
        clientId: 'rayon-jwt',
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: { keys: [publicJwk] },
        redirectUris: [REDIRECT],
        postLogoutRedirectUris: [LOGGED_OUT],
      },
      {
        clientId: 'rayon-signed-userinfo',
        clientSecret: SECRET,
        userinfoSignedResponseAlg: 'RS256',
        redirectUris: [REDIRECT],
        postLogoutRedirectUris: [LOGGED_OUT],
      },
    ],
  });
  discovery = (await (await fetch(sim.discoveryUrl)).json()) as Record<string, string>;
  jwks = createLocalJWKSet((await (await fetch(discovery.jwks_uri as string)).json()) as JSONWebKeySet);
});

afterAll(async () => {
  await sim?.close();
  await new Promise((r) => backchannel?.close(r));
});

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizationUrl(
  clientId: string,
  p: {
    state: string;
    nonce: string;
    challenge?: string;
    method?: string;
    redirectUri?: string;
    prompt?: string;
  },
) {
  const u = new URL(discovery.authorization_endpoint as string);
  u.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: p.redirectUri ?? REDIRECT,
    scope: 'openid scope_all',
    acr_values: 'eidas1',
    state: p.state,
    nonce: p.nonce,
    ...(p.challenge ? { code_challenge: p.challenge, code_challenge_method: p.method ?? 'S256' } : {}),
    ...(p.prompt ? { prompt: p.prompt } : {}),
  }).toString();
  return u.href;
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function tokenRequest(form: Record<string, string>, headers: Record<string, string> = {}) {
  const r = await fetch(discovery.token_endpoint as string, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  return { status: r.status, body: (await r.json()) as Record<string, string> };
}

interface Login {
  browser: PscBrowser;
  nonce: string;
  state: string;
  tokens: Record<string, string>;
}

/** A full authorization-code flow with PKCE for the client_secret_basic client `clientId`. */
async function login(
  o: { clientId?: string; professional?: string; scenario?: PscScenario; browser?: PscBrowser } = {},
): Promise<Login> {
  const clientId = o.clientId ?? 'rayon';
  const browser = o.browser ?? new PscBrowser({ origin: sim.url });
  const { verifier, challenge } = pkce();
  const state = randomBytes(16).toString('hex');
  const nonce = randomBytes(32).toString('hex');
  const callback = new URL(
    await browser.authorize(authorizationUrl(clientId, { state, nonce, challenge }), {
      professional: o.professional ?? 'radiologist',
      ...(o.scenario ? { scenario: o.scenario } : {}),
    }),
  );
  expect(callback.origin + callback.pathname).toBe(REDIRECT);
  expect(callback.searchParams.get('state')).toBe(state);
  expect(callback.searchParams.get('iss')).toBe(sim.issuer);
  const code = callback.searchParams.get('code');
  expect(code).toBeTruthy();
  const { status, body } = await tokenRequest(
    {
      grant_type: 'authorization_code',
      code: code as string,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    },
    { authorization: basic(clientId, SECRET) },
  );
  expect(status, JSON.stringify(body)).toBe(200);
  return { browser, nonce, state, tokens: body };
}

const verifyIdToken = (idToken: string, audience = 'rayon') =>
  jwtVerify(idToken, jwks, { issuer: sim.issuer, audience });

describe('discovery', () => {
  it('answers under PSC’s name with PSC’s endpoint layout, and 404 under the standard name', async () => {
    expect(discovery.issuer).toBe(sim.issuer);
    expect(sim.issuer).toBe(`${sim.url}/auth/realms/esante-wallet`);
    const base = `${sim.issuer}/protocol/openid-connect`;
    expect(discovery).toMatchObject({
      authorization_endpoint: `${base}/auth`,
      token_endpoint: `${base}/token`,
      userinfo_endpoint: `${base}/userinfo`,
      end_session_endpoint: `${base}/logout`,
      jwks_uri: `${base}/certs`,
      introspection_endpoint: `${base}/token/introspect`,
      revocation_endpoint: `${base}/revoke`,
    });
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.acr_values_supported).toEqual(['eidas1']);
    expect(discovery.backchannel_logout_supported).toBe(true);
    const standard = await fetch(`${sim.issuer}/.well-known/openid-configuration`);
    expect(standard.status).toBe(404);
    await standard.body?.cancel();
    const atOrigin = await fetch(`${sim.url}/.well-known/openid-configuration`);
    expect(atOrigin.status).toBe(404);
    await atOrigin.body?.cancel();
  });
});

describe('authorization code flow', () => {
  it('logs the radiologist in: id_token signed, acr eidas1, the nonce, a sid; userinfo JSON', async () => {
    const { nonce, tokens } = await login();
    const { payload, protectedHeader } = await verifyIdToken(tokens.id_token as string);
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.acr).toBe(PSC_ACR);
    expect(payload.nonce).toBe(nonce);
    expect(typeof payload.sid).toBe('string');
    expect(payload.sub).toBe('810001234565');
    expect(payload.SubjectNameID).toBeUndefined(); // profile claims: userinfo only
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.token_type).toBe('Bearer');

    const r = await fetch(discovery.userinfo_endpoint as string, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    const info = (await r.json()) as Record<string, unknown> & {
      SubjectRefPro: { codeCivilite: string; exercices: Record<string, unknown>[] };
    };
    expect(info.sub).toBe('810001234565');
    expect(info.SubjectNameID).toBe('810001234565');
    expect(info.family_name).toBe('MOREAU');
    expect(info.SubjectRole).toEqual(['10^1.2.250.1.213.1.1.5.5']);
    expect(info.SubjectRefPro.codeCivilite).toBe('M');
    expect(info.SubjectRefPro.exercices[0]).toMatchObject({
      codeProfession: '10',
      codeCategorieProfessionnelle: 'C',
      codeCiviliteDexercice: 'DR',
      codeSavoirFaire: 'SM44',
    });
  });

  it('refreshes the tokens with the refresh_token grant', async () => {
    const { tokens } = await login({ professional: 'technologist' });
    const { status, body } = await tokenRequest(
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string },
      { authorization: basic('rayon', SECRET) },
    );
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.access_token).toBeTruthy();
    expect(body.access_token).not.toBe(tokens.access_token);
    const { payload } = await verifyIdToken(body.id_token as string);
    expect(payload.sub).toBe('0751234567');
    const info = (await (
      await fetch(discovery.userinfo_endpoint as string, {
        headers: { authorization: `Bearer ${body.access_token}` },
      })
    ).json()) as { SubjectNameID: string };
    expect(info.SubjectNameID).toBe('0751234567');
  });

  it('answers userinfo as a signed JWT for a client registered with userinfo_signed_response_alg', async () => {
    const { tokens } = await login({ clientId: 'rayon-signed-userinfo' });
    const r = await fetch(discovery.userinfo_endpoint as string, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/jwt/);
    const { payload } = await jwtVerify(await r.text(), jwks, {
      issuer: sim.issuer,
      audience: 'rayon-signed-userinfo',
    });
    expect(payload.SubjectNameID).toBe('810001234565');
    expect(payload.SubjectRefPro).toBeTruthy();
  });

  it('refuses an authorization request without PKCE, with plain PKCE, and a wrong code_verifier', async () => {
    const browser = new PscBrowser({ origin: sim.url });
    const state = 'st-no-pkce';
    const without = new URL(
      await browser.authorize(authorizationUrl('rayon', { state, nonce: 'n' }), {
        professional: 'radiologist',
      }),
    );
    expect(without.searchParams.get('error')).toBe('invalid_request');
    expect(without.searchParams.get('code')).toBeNull();
    expect(without.searchParams.get('state')).toBe(state);

    const plain = new URL(
      await browser.authorize(
        authorizationUrl('rayon', { state, nonce: 'n', challenge: 'x'.repeat(43), method: 'plain' }),
        {
          professional: 'radiologist',
        },
      ),
    );
    expect(plain.searchParams.get('error')).toBe('invalid_request');
    expect(plain.searchParams.get('code')).toBeNull();

    const { challenge } = pkce();
    const ok = new URL(
      await browser.authorize(authorizationUrl('rayon', { state, nonce: 'n', challenge }), {
        professional: 'radiologist',
      }),
    );
    const { status, body } = await tokenRequest(
      {
        grant_type: 'authorization_code',
        code: ok.searchParams.get('code') as string,
        redirect_uri: REDIRECT,
        code_verifier: pkce().verifier,
      },
      { authorization: basic('rayon', SECRET) },
    );
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_grant');
  });

  it('refuses an unknown client, an unregistered redirect_uri and a wrong client secret', async () => {
    const browser = new PscBrowser({ origin: sim.url });
    const { challenge } = pkce();
    await expect(
      browser.authorize(authorizationUrl('inconnu', { state: 's', nonce: 'n', challenge }), {
        professional: 'radiologist',
      }),
    ).rejects.toThrow(/^psc-sim browser: 400 /);
    await expect(
      browser.authorize(
        authorizationUrl('rayon', { state: 's', nonce: 'n', challenge, redirectUri: `${REDIRECT}/x` }),
        {
          professional: 'radiologist',
        },
      ),
    ).rejects.toThrow(/^psc-sim browser: 400 .*redirect_uri/s);
    const { status, body } = await tokenRequest(
      { grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT, code_verifier: pkce().verifier },
      { authorization: basic('rayon', 'wrong') },
    );
    expect(status).toBe(401);
    expect(body.error).toBe('invalid_client');
  });

  it('authenticates a private_key_jwt client, and refuses an assertion signed by another key', async () => {
    const assertion = async (key: SigningKey) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'rayon-jwt-1' })
        .setIssuer('rayon-jwt')
        .setSubject('rayon-jwt')
        .setAudience(sim.issuer)
        .setJti(randomBytes(16).toString('hex'))
        .setIssuedAt()
        .setExpirationTime('1m')
        .sign(key);
    const run = async (key: SigningKey) => {
      const browser = new PscBrowser({ origin: sim.url });
      const { verifier, challenge } = pkce();
      const callback = new URL(
        await browser.authorize(authorizationUrl('rayon-jwt', { state: 's', nonce: 'n-jwt', challenge }), {
          professional: 'resident',
        }),
      );
      return tokenRequest({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code') as string,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
        client_id: 'rayon-jwt',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await assertion(key),
      });
    };
    const good = await run(clientKey);
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    const { payload } = await verifyIdToken(good.body.id_token as string, 'rayon-jwt');
    expect(payload.sub).toBe('810000000017');

    const other = (await generateKeyPair('ES256')).privateKey;
    const bad = await run(other);
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('invalid_client');
  });
});

describe('login page', () => {
  it('« Annuler » sends access_denied and the state back to the client', async () => {
    const start = await fetch(
      authorizationUrl('rayon', { state: 'st-cancel', nonce: 'n', challenge: pkce().challenge }),
      {
        redirect: 'manual',
      },
    );
    const cookie = start.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const page = await fetch(new URL(start.headers.get('location') as string, sim.url), {
      headers: { cookie },
    });
    const html = await page.text();
    expect(html).toContain('Scénario de test');
    expect(html).toContain('810001234565');
    const abort = /action="([^"]*\/abort)"/.exec(html)?.[1] as string;
    let r = await fetch(new URL(abort, sim.url), { method: 'POST', headers: { cookie }, redirect: 'manual' });
    // Back through the authorization endpoint (resume), which answers the client.
    while (r.status === 303 || r.status === 302) {
      const next = new URL(r.headers.get('location') as string, sim.url);
      if (next.origin !== sim.url) break;
      const more = r.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      r = await fetch(next, {
        headers: { cookie: [cookie, more].filter(Boolean).join('; ') },
        redirect: 'manual',
      });
    }
    const back = new URL(r.headers.get('location') as string);
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st-cancel');
    expect(back.searchParams.get('code')).toBeNull();
  });
});

describe('test scenarios', () => {
  it('acr-faible: a validly signed id_token whose acr is not eidas1, for that login only', async () => {
    const { tokens } = await login({ scenario: 'acr-faible' });
    const { payload } = await verifyIdToken(tokens.id_token as string);
    expect(payload.acr).toBe(PSC_WEAK_ACR);
    expect(payload.acr).not.toBe(PSC_ACR);
    const next = await login();
    expect((await verifyIdToken(next.tokens.id_token as string)).payload.acr).toBe(PSC_ACR);
  });

  it('nonce-rejoue: a validly signed id_token carrying the previous authorization request’s nonce', async () => {
    const first = await login();
    sim.setNextScenario('nonce-rejoue'); // the form does not name a scenario: the next one applies
    const second = await login();
    const { payload } = await verifyIdToken(second.tokens.id_token as string);
    expect(payload.nonce).toBe(first.nonce);
    expect(payload.nonce).not.toBe(second.nonce);
    expect(payload.acr).toBe(PSC_ACR);
  });

  it('jeton-altere: the id_token’s payload is changed and its signature no longer verifies', async () => {
    const { tokens } = await login({ scenario: 'jeton-altere' });
    await expect(verifyIdToken(tokens.id_token as string)).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
    expect(decodeJwt(tokens.id_token as string).sub).not.toBe('810001234565');
  });
});

describe('logout', () => {
  it('ends the session from end_session with id_token_hint without a click, and posts a logout_token', async () => {
    const { browser, tokens } = await login();
    const { payload: id } = await verifyIdToken(tokens.id_token as string);
    const before = backchannelBodies.length;

    // The logout page submits itself (a nonce-allowed script) when the id_token_hint is valid.
    const u = new URL(discovery.end_session_endpoint as string);
    u.search = new URLSearchParams({
      id_token_hint: tokens.id_token as string,
      post_logout_redirect_uri: LOGGED_OUT,
      state: 'logout-state',
    }).toString();
    const page = await fetch(u, {
      headers: { cookie: [...browser.cookies()].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    const html = await page.text();
    const nonce = /script-src 'nonce-([^']+)'/.exec(page.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain('name="logout" value="yes"');

    const back = new URL(await browser.logout(u.href));
    expect(back.origin + back.pathname).toBe(LOGGED_OUT);
    expect(back.searchParams.get('state')).toBe('logout-state');

    expect(backchannelBodies.length).toBe(before + 1);
    const logoutToken = backchannelBodies.at(-1)?.get('logout_token') as string;
    const { payload } = await jwtVerify(logoutToken, jwks, { issuer: sim.issuer, audience: 'rayon' });
    expect(payload.sid).toBe(id.sid);
    expect(payload.sub).toBe('810001234565');
    expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
    expect(payload.nonce).toBeUndefined();
    expect(sim.logoutTokens().at(-1)).toMatchObject({ logoutToken, status: 200 });

    // The PSC session is gone: a silent authorization now needs a login.
    const silent = new URL(
      await browser.authorize(
        authorizationUrl('rayon', { state: 's', nonce: 'n', challenge: pkce().challenge, prompt: 'none' }),
        {
          professional: 'radiologist',
        },
      ),
    );
    expect(silent.searchParams.get('error')).toBe('login_required');
  });
});

describe('robustness', () => {
  function raw(bytes: string): Promise<string> {
    const u = new URL(sim.url);
    return new Promise((resolve) => {
      let out = '';
      const s = connect(Number(u.port), u.hostname, () => s.write(bytes));
      s.on('data', (d) => (out += d.toString()));
      s.on('close', () => resolve(out));
      s.on('error', () => resolve(out));
      setTimeout(() => s.destroy(), 2000);
    });
  }

  it('keeps serving after junk bytes, a malformed request and bad login forms', async () => {
    expect(await raw('\x00\x01\x02 garbage \r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(
      await raw('GET /auth/realms/esante-wallet/x HTTP/1.1\r\nHost: a\r\nContent-Length: -3\r\n\r\n'),
    ).toMatch(/^HTTP\/1\.1 400/);

    const unknownUid = await fetch(`${sim.issuer}/interaction/does-not-exist`);
    expect(unknownUid.status).toBe(400);
    expect(await unknownUid.text()).toContain('Session expirée');

    // A real interaction, then a professional that does not exist.
    const browser = new PscBrowser({ origin: sim.url });
    await expect(
      browser.authorize(authorizationUrl('rayon', { state: 's', nonce: 'n', challenge: pkce().challenge }), {
        professional: 'personne',
      }),
    ).rejects.toThrow(/^psc-sim browser: 400 .*Professionnel inconnu/s);
    // An unknown scenario is refused too.
    await expect(
      browser.authorize(authorizationUrl('rayon', { state: 's', nonce: 'n', challenge: pkce().challenge }), {
        professional: 'radiologist',
        scenario: 'inconnu' as PscScenario,
      }),
    ).rejects.toThrow(/^psc-sim browser: 400 .*Scénario inconnu/s);

    const badToken = await tokenRequest(
      { grant_type: 'authorization_code' },
      { authorization: basic('rayon', SECRET) },
    );
    expect(badToken.status).toBe(400);
    expect(badToken.body.error).toBe('invalid_request');

    const again = await fetch(sim.discoveryUrl);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { issuer: string }).issuer).toBe(sim.issuer);
  });
});

describe('tls_client_auth (RFC 8705)', () => {
  const DN = 'CN=rayon-psc-client,O=Rayon,C=FR';
  const pki = createIgcSanteTestChain(Date.now(), 'PSC SIMULATEUR');
  const subject = [
    { shortName: 'C', value: 'FR' },
    { shortName: 'O', value: 'Rayon' },
    { shortName: 'CN', value: 'rayon-psc-client' },
  ];
  const trusted = issueClientCertificate({
    issuer: pki.intermediate,
    subject,
    validity: pki.leafValidity,
    friendlyName: 'rayon',
    passphrase: 'x',
  });
  const untrusted = issueClientCertificate({
    issuer: pki.other,
    subject,
    validity: pki.leafValidity,
    friendlyName: 'rayon',
    passphrase: 'x',
  });
  const otherSubject = issueClientCertificate({
    issuer: pki.intermediate,
    subject: [
      { shortName: 'C', value: 'FR' },
      { shortName: 'O', value: 'Rayon' },
      { shortName: 'CN', value: 'autre-client' },
    ],
    validity: pki.leafValidity,
    friendlyName: 'autre',
    passphrase: 'x',
  });
  let tlsSim: PscSimulator;

  beforeAll(async () => {
    tlsSim = await startPscSimulator({
      tls: { ...pki.pems.server, caPem: pki.pems.caChainPem },
      clients: [
        {
          clientId: 'rayon-mtls',
          tokenEndpointAuthMethod: 'tls_client_auth',
          tlsClientAuthSubjectDn: DN,
          redirectUris: [REDIRECT],
          postLogoutRedirectUris: [LOGGED_OUT],
        },
      ],
    });
  });
  afterAll(async () => {
    await tlsSim?.close();
  });

  function post(path: string, form: Record<string, string>, cert?: { certPem: string; keyPem: string }) {
    const u = new URL(`${tlsSim.issuer}${path}`);
    const body = new URLSearchParams(form).toString();
    return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          ca: pki.pems.caChainPem,
          ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const bogusCode = {
    grant_type: 'authorization_code',
    code: 'not-a-code',
    redirect_uri: REDIRECT,
    code_verifier: 'v'.repeat(43),
    client_id: 'rayon-mtls',
  };

  it('authenticates a client by its certificate, and refuses no certificate, an untrusted one or another subject', async () => {
    expect(tlsSim.issuer).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/auth\/realms\/esante-wallet$/);
    // Authenticated: the request then fails on the (bogus) code, not on the client.
    const withCert = await post('/protocol/openid-connect/token', bogusCode, trusted);
    expect(withCert.body.error).toBe('invalid_grant');
    const introspect = await post(
      '/protocol/openid-connect/token/introspect',
      { token: 'x', client_id: 'rayon-mtls' },
      trusted,
    );
    expect(introspect).toEqual({ status: 200, body: { active: false } });

    const noCert = await post('/protocol/openid-connect/token', bogusCode);
    expect(noCert.status).toBe(401);
    expect(noCert.body.error).toBe('invalid_client');
    const otherCa = await post('/protocol/openid-connect/token', bogusCode, untrusted);
    expect(otherCa.status).toBe(401);
    expect(otherCa.body.error).toBe('invalid_client');
    // Trusted CA, but not the registered tls_client_auth_subject_dn.
    const wrongSubject = await post('/protocol/openid-connect/token', bogusCode, otherSubject);
    expect(wrongSubject.status).toBe(401);
    expect(wrongSubject.body.error).toBe('invalid_client');
  });
});
