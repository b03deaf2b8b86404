/**
 * The Pro Santé Connect client against the PSC simulator (oidc-provider): each client
 * authentication PSC offers (client_secret_basic is the API's own test), userinfo as a signed JWT,
 * and a discovery document naming another issuer refused.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPscClient, type PscClientAuth } from '@rayon/connectors/psc';
import { PscBrowser, startPscSimulator, type PscSimulator } from '@rayon/sim-psc';
import { createIgcSanteTestChain, issueClientCertificate } from '@rayon/test-pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REDIRECT = 'http://portal.test/connexion/psc/retour';
const LOGGED_OUT = 'http://portal.test/connexion?deconnexion=psc';
const registered = { redirectUris: [REDIRECT], postLogoutRedirectUris: [LOGGED_OUT] };

/** Sign-in of the radiologist with `client`, driven by the simulator's login page. */
async function signIn(sim: PscSimulator, client: ReturnType<typeof createPscClient>, fetchFn?: typeof fetch) {
  const { url, checks } = await client.begin();
  const callback = await new PscBrowser({
    origin: sim.url,
    ...(fetchFn ? { fetch: fetchFn } : {}),
  }).authorize(url, {
    professional: 'radiologist',
  });
  return client.complete(new URL(callback).search, checks);
}

describe('private_key_jwt and signed userinfo', () => {
  let sim: PscSimulator;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `rayon-${randomUUID()}`;

  beforeAll(async () => {
    sim = await startPscSimulator({
      clients: [
        {
          clientId: 'rayon-jwt',
          tokenEndpointAuthMethod: 'private_key_jwt',
          jwks: { keys: [{ ...rsa.publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] },
          userinfoSignedResponseAlg: 'RS256',
          ...registered,
        },
      ],
    });
  });
  afterAll(() => sim.close());

  const client = (auth: PscClientAuth, userinfoSignedResponseAlg?: string) =>
    createPscClient({
      issuer: sim.issuer,
      clientId: 'rayon-jwt',
      auth,
      redirectUri: REDIRECT,
      postLogoutRedirectUri: LOGGED_OUT,
      userinfoSignedResponseAlg,
    });

  it('signs in with a client assertion signed by the registered key; userinfo as a signed JWT', async () => {
    const pem = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const done = await signIn(sim, client({ method: 'private_key_jwt', privateKeyPem: pem, kid }, 'RS256'));
    expect(done.acr).toBe('eidas1');
    expect(done.userinfo.SubjectNameID).toBe('810001234565');
  });

  it('is refused with another key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    await expect(
      signIn(sim, client({ method: 'private_key_jwt', privateKeyPem: other, kid }, 'RS256')),
    ).rejects.toMatchObject({
      reason: 'provider_error',
    });
  });
});

describe('tls_client_auth (mutual TLS, RFC 8705)', () => {
  const pki = createIgcSanteTestChain(Date.now(), 'PSC SIMULATEUR');
  const certificate = (cn: string, issuer = pki.intermediate) =>
    issueClientCertificate({
      issuer,
      subject: [
        { shortName: 'C', value: 'FR' },
        { shortName: 'O', value: 'Rayon' },
        { shortName: 'CN', value: cn },
      ],
      validity: pki.leafValidity,
      friendlyName: cn,
      passphrase: 'x',
    });
  let sim: PscSimulator;

  beforeAll(async () => {
    sim = await startPscSimulator({
      tls: { ...pki.pems.server, caPem: pki.pems.caChainPem },
      clients: [
        {
          clientId: 'rayon-mtls',
          tokenEndpointAuthMethod: 'tls_client_auth',
          tlsClientAuthSubjectDn: 'CN=rayon-psc-client,O=Rayon,C=FR',
          ...registered,
        },
      ],
    });
  });
  afterAll(() => sim.close());

  const client = (cert: { certPem: string; keyPem: string }) =>
    createPscClient({
      issuer: sim.issuer,
      clientId: 'rayon-mtls',
      auth: { method: 'tls_client_auth', ...cert },
      redirectUri: REDIRECT,
      postLogoutRedirectUri: LOGGED_OUT,
      caPem: pki.pems.caChainPem.join('\n'),
    });

  /** The simulated browser trusts the simulator's test CA. */
  async function browserFetch(): Promise<typeof fetch> {
    const { Agent } = await import('undici');
    const dispatcher = new Agent({ connect: { ca: pki.pems.caChainPem.join('\n') } });
    return (input, init) => fetch(input, { ...init, dispatcher } as RequestInit);
  }

  it('signs in with the registered client certificate', async () => {
    const done = await signIn(sim, client(certificate('rayon-psc-client')), await browserFetch());
    expect(done.acr).toBe('eidas1');
  });

  it('is refused with a certificate of another subject', async () => {
    await expect(
      signIn(sim, client(certificate('autre-client')), await browserFetch()),
    ).rejects.toMatchObject({
      reason: 'provider_error',
    });
  });
});

describe('discovery', () => {
  it('refuses a discovery document that names another issuer', async () => {
    // A server answering PSC's document name with a foreign issuer (as a misrouted proxy would).
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer: 'https://elsewhere.example/auth/realms/esante-wallet' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/realms/esante-wallet`;
    try {
      const client = createPscClient({
        issuer,
        clientId: 'x',
        auth: { method: 'client_secret_basic', secret: 'y' },
        redirectUri: REDIRECT,
        postLogoutRedirectUri: LOGGED_OUT,
      });
      await expect(client.begin()).rejects.toMatchObject({ reason: 'provider_error' });
    } finally {
      server.close();
    }
  });

  it('refuses a plain-http issuer that is not this machine', () => {
    expect(() =>
      createPscClient({
        issuer: 'http://psc.example/auth/realms/esante-wallet',
        clientId: 'x',
        auth: { method: 'client_secret_basic', secret: 'y' },
        redirectUri: REDIRECT,
        postLogoutRedirectUri: LOGGED_OUT,
      }),
    ).toThrow(/https/);
  });
});
