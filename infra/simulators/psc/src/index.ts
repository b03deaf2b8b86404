/**
 * A strict local Pro Santé Connect: a real OpenID provider (panva's oidc-provider) laid out as PSC
 * is (national-services.md §4): issuer `<origin>/auth/realms/esante-wallet`, Keycloak endpoint
 * paths, discovery only under PSC's non-standard name `.well-known/wallet-openid-configuration`,
 * `openid scope_all`, id_token `acr` = `eidas1`, userinfo claims shaped like the ANS sample, PKCE
 * S256 required, client authentication by client_secret_basic, private_key_jwt or (over TLS)
 * tls_client_auth, RP-initiated logout without a confirmation click and back-channel logout.
 *
 * The login page lists the test professionals (PSC_TEST_PROFESSIONALS) and a « Scénario de test »
 * that spoils the id_token of that one authorization (insufficient acr, replayed nonce, altered
 * token), so a client's checks can be shown to fail closed.
 *
 * Malformed input gets an OAuth error or a French error page; the listener keeps serving.
 */
import { CompactSign } from 'jose';
import { X509Certificate, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import Provider, { type ClientMetadata, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { errorPage, isScenario, loggedOutPage, loginPage, logoutPage, type PscScenario } from './pages.ts';
import { PSC_SCOPE_ALL_CLAIMS, PSC_TEST_PROFESSIONALS, type PscTestProfessional } from './professionals.ts';

export { PscBrowser, type PscBrowserOptions } from './browser.ts';
export { PSC_SCENARIOS, type PscScenario } from './pages.ts';
export {
  PSC_SCOPE_ALL_CLAIMS,
  PSC_TEST_PROFESSIONALS,
  type PscProfessionalKey,
  type PscTestProfessional,
  type PscUserInfoClaims,
} from './professionals.ts';

/** PSC's issuer path (Keycloak realm « esante-wallet »). */
export const PSC_ISSUER_PATH = '/auth/realms/esante-wallet';
/** PSC's discovery document name, under the issuer (not `openid-configuration`). */
export const PSC_DISCOVERY_PATH = '/.well-known/wallet-openid-configuration';
/** The authentication level PSC asserts and clients require (`acr_values=eidas1`). */
export const PSC_ACR = 'eidas1';
/** The `acr` of the `acr-faible` scenario: a level that is not eidas1. */
export const PSC_WEAK_ACR = 'eidas0';

const ENDPOINT_BASE = '/protocol/openid-connect';

export interface PscClientRegistration {
  clientId: string;
  /** For client_secret_basic. */
  clientSecret?: string;
  /** Exact match (no wildcard, no prefix). */
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** Receives a logout_token (POST, form-encoded) when the OP session ends. */
  backchannelLogoutUri?: string;
  /** Default client_secret_basic. tls_client_auth needs the simulator started with `tls`. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'private_key_jwt' | 'tls_client_auth';
  /** private_key_jwt: the client's public keys. */
  jwks?: { keys: object[] };
  /** tls_client_auth: the certificate subject DN, RFC 4514 (e.g. `CN=rayon,O=Rayon,C=FR`). */
  tlsClientAuthSubjectDn?: string;
  /** Userinfo answered as a signed JWT (`application/jwt`) instead of JSON. */
  userinfoSignedResponseAlg?: 'RS256' | 'ES256';
}

export interface PscSimulatorOptions {
  /** Listen port (0 or unset: any free port). */
  port?: number;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  clients: PscClientRegistration[];
  /**
   * Serve HTTPS and ask for a client certificate (accepted when issued under `caPem`), which
   * enables tls_client_auth (RFC 8705). Connections without a certificate are still served.
   */
  tls?: { certPem: string; keyPem: string; caPem: string | string[] };
  /** Access token lifetime (default 120 s, short so that clients exercise refresh). */
  accessTokenTtlSeconds?: number;
}

export interface PscLogoutDelivery {
  /** The client's backchannel_logout_uri. */
  uri: string;
  /** The logout_token POSTed. */
  logoutToken: string;
  /** The HTTP status answered, or undefined when the request failed. */
  status?: number;
  error?: string;
}

export interface PscSimulator {
  /** `<origin>/auth/realms/esante-wallet`. */
  issuer: string;
  /** The origin, `http(s)://host:port`. */
  url: string;
  /** `<issuer>/.well-known/wallet-openid-configuration`. */
  discoveryUrl: string;
  /**
   * The scenario of the next login whose form does not name one (and preselected on the login
   * page); used once, then back to `normal`. Also applies to the next authorization completed
   * from an existing session (no login page).
   */
  setNextScenario(scenario: PscScenario): void;
  /** The back-channel logout tokens sent, oldest first, for tests. */
  logoutTokens(): PscLogoutDelivery[];
  close(): Promise<void>;
}

interface ScenarioChoice {
  scenario: PscScenario;
  /** nonce-rejoue: the nonce of the authorization request served before this one. */
  replayNonce?: string;
}

/** At most this many bytes of form body are read on the simulator's own pages. */
const MAX_FORM_BYTES = 16 * 1024;

function signingKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const kidRsa = `psc-sim-rs256-${randomUUID()}`;
  const kidEc = `psc-sim-es256-${randomUUID()}`;
  const jwks = {
    keys: [
      { ...rsa.export({ format: 'jwk' }), kid: kidRsa, alg: 'RS256', use: 'sig' },
      { ...ec.export({ format: 'jwk' }), kid: kidEc, alg: 'ES256', use: 'sig' },
    ],
  };
  const byKid = new Map<string, KeyObject>([
    [kidRsa, rsa],
    [kidEc, ec],
  ]);
  return { jwks, byKid };
}

function clientMetadata(c: PscClientRegistration, tls: boolean): ClientMetadata {
  const method = c.tokenEndpointAuthMethod ?? 'client_secret_basic';
  if (method === 'client_secret_basic' && !c.clientSecret) {
    throw new Error(`psc-sim: client ${c.clientId}: client_secret_basic needs clientSecret`);
  }
  if (method === 'private_key_jwt' && !c.jwks) {
    throw new Error(`psc-sim: client ${c.clientId}: private_key_jwt needs jwks`);
  }
  if (method === 'tls_client_auth' && (!tls || !c.tlsClientAuthSubjectDn)) {
    throw new Error(
      `psc-sim: client ${c.clientId}: tls_client_auth needs the simulator started with tls and tlsClientAuthSubjectDn`,
    );
  }
  return {
    client_id: c.clientId,
    ...(method === 'client_secret_basic' ? { client_secret: c.clientSecret } : {}),
    redirect_uris: c.redirectUris,
    post_logout_redirect_uris: c.postLogoutRedirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: method,
    ...(c.jwks ? { jwks: c.jwks as ClientMetadata['jwks'] } : {}),
    ...(c.tlsClientAuthSubjectDn ? { tls_client_auth_subject_dn: c.tlsClientAuthSubjectDn } : {}),
    ...(c.userinfoSignedResponseAlg ? { userinfo_signed_response_alg: c.userinfoSignedResponseAlg } : {}),
    ...(c.backchannelLogoutUri
      ? { backchannel_logout_uri: c.backchannelLogoutUri, backchannel_logout_session_required: true }
      : {}),
  };
}

/** RFC 4514 subject DN parts, normalised (`CN=x`), order-insensitive. */
function dnParts(dn: string): string[] {
  return dn
    .split(/(?<!\\),|\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const i = p.indexOf('=');
      return `${p.slice(0, i).trim().toUpperCase()}=${p.slice(i + 1).trim()}`;
    })
    .sort();
}

const sameDn = (a: string, b: string) => {
  const x = dnParts(a);
  const y = dnParts(b);
  return x.length === y.length && x.every((p, i) => p === y[i]);
};

function peerCertificate(ctx: KoaContextWithOIDC): X509Certificate | undefined {
  const socket = ctx.req.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const peer = socket.getPeerCertificate();
  return peer?.raw ? new X509Certificate(peer.raw) : undefined;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const decodeSegment = (s: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Record<string, unknown>;

export async function startPscSimulator(options: PscSimulatorOptions): Promise<PscSimulator> {
  const host = options.host ?? '127.0.0.1';
  const tls = options.tls;
  const metadata = options.clients.map((c) => clientMetadata(c, Boolean(tls)));

  const server: Server = tls
    ? createHttpsServer({
        cert: tls.certPem,
        key: tls.keyPem,
        ca: tls.caPem,
        // Ask for a certificate but serve clients without one (browsers, secret-based clients);
        // tls_client_auth then checks `socket.authorized` and the subject.
        requestCert: true,
        rejectUnauthorized: false,
      })
    : createHttpServer();
  // A malformed request (junk bytes, bad headers) only ends its own connection.
  server.on('clientError', (_err, socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const issuer = `${origin}${PSC_ISSUER_PATH}`;

  const { jwks, byKid } = signingKeys();
  const logoutTokens: PscLogoutDelivery[] = [];
  let nextScenario: PscScenario = 'normal';
  /** Scenario per authorization, keyed by `grantId|nonce`, used once by the code's token response. */
  const scenarios = new Map<string, ScenarioChoice>();
  /** nonce → the nonce of the authorization request served just before it. */
  const previousNonce = new Map<string, string | undefined>();
  let lastNonce: string | undefined;
  const remember = <K, V>(map: Map<K, V>, key: K, value: V) => {
    map.set(key, value);
    if (map.size > 1000) map.delete(map.keys().next().value as K);
  };

  const professionalById = (id: string) => PSC_TEST_PROFESSIONALS.find((p) => p.nationalId === id);

  const configuration: Configuration = {
    clients: metadata,
    jwks: jwks as Configuration['jwks'],
    // Fresh per start: a restarted simulator forgets every session, as a new PSC session would.
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    routes: {
      authorization: `${ENDPOINT_BASE}/auth`,
      token: `${ENDPOINT_BASE}/token`,
      userinfo: `${ENDPOINT_BASE}/userinfo`,
      end_session: `${ENDPOINT_BASE}/logout`,
      jwks: `${ENDPOINT_BASE}/certs`,
      introspection: `${ENDPOINT_BASE}/token/introspect`,
      revocation: `${ENDPOINT_BASE}/revoke`,
      pushed_authorization_request: `${ENDPOINT_BASE}/ext/par/request`,
    },
    responseTypes: ['code'],
    scopes: ['openid', 'scope_all'],
    acrValues: [PSC_ACR],
    claims: {
      acr: null,
      sid: null,
      auth_time: null,
      iss: null,
      openid: ['sub'],
      scope_all: [...PSC_SCOPE_ALL_CLAIMS],
    },
    clientAuthMethods: tls
      ? ['client_secret_basic', 'private_key_jwt', 'tls_client_auth']
      : ['client_secret_basic', 'private_key_jwt'],
    // Every client, confidential or not, must send an S256 code challenge (the only method
    // oidc-provider 9 implements).
    pkce: { required: () => true },
    // PSC issues a refresh token with the authorization code (no offline_access scope asked).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 120,
      AuthorizationCode: 60,
      IdToken: 300,
      RefreshToken: 8 * 3600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
      Interaction: 600,
    },
    findAccount: async (_ctx, id) => {
      const p = professionalById(id);
      if (!p) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...p.claims }) };
    },
    interactions: {
      url: async (_ctx, interaction) => `${PSC_ISSUER_PATH}/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      // Not in PSC's published metadata: a client relying on DPoP would fail there.
      dPoP: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      jwtUserinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          // PSC (Keycloak) ends the session without asking when the id_token_hint is valid.
          const autoSubmit = Boolean(ctx.oidc.entities.IdTokenHint);
          const nonce = randomBytes(16).toString('base64');
          ctx.set(
            'Content-Security-Policy',
            `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; base-uri 'none'`,
          );
          ctx.type = 'html';
          ctx.body = logoutPage(form, autoSubmit, nonce);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = loggedOutPage();
        },
      },
      ...(tls
        ? {
            mTLS: {
              enabled: true,
              tlsClientAuth: true,
              getCertificate: (ctx: KoaContextWithOIDC) => peerCertificate(ctx),
              certificateAuthorized: (ctx: KoaContextWithOIDC) =>
                (ctx.req.socket as TLSSocket).authorized === true,
              certificateSubjectMatches: (ctx: KoaContextWithOIDC, property: string, expected: string) => {
                const cert = peerCertificate(ctx);
                return (
                  property === 'tls_client_auth_subject_dn' &&
                  cert !== undefined &&
                  sameDn(cert.subject, expected)
                );
              },
            },
          }
        : {}),
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(
        'Erreur — Pro Santé Connect (simulateur)',
        `${out.error}${out.error_description ? ` : ${out.error_description}` : ''}`,
      );
    },
    // Back-channel logout targets the local Rayon (127.0.0.1): oidc-provider's guard against
    // special-use addresses is dropped here, and every logout token is recorded for tests.
    fetch: async (url, init) => {
      const { dispatcher: _dispatcher, ...rest } = init as RequestInit & { dispatcher?: unknown };
      const body = rest.body instanceof URLSearchParams ? rest.body : undefined;
      const delivery: PscLogoutDelivery = { uri: String(url), logoutToken: body?.get('logout_token') ?? '' };
      logoutTokens.push(delivery);
      try {
        const response = await globalThis.fetch(url, rest);
        delivery.status = response.status;
        return response;
      } catch (err) {
        delivery.error = err instanceof Error ? err.message : String(err);
        throw err;
      }
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.proxy = false;

  /** Consent for `openid scope_all` is implied: the grant is made here, on PSC's behalf. */
  async function grantFor(accountId: string, clientId: string, existingGrantId: string | undefined) {
    const existing = existingGrantId ? await provider.Grant.find(existingGrantId) : undefined;
    const grant =
      existing && existing.accountId === accountId ? existing : new provider.Grant({ accountId, clientId });
    grant.addOIDCScope('openid scope_all');
    return grant.save();
  }

  function chooseScenario(grantId: string, nonce: unknown, scenario: PscScenario) {
    const key = `${grantId}|${typeof nonce === 'string' ? nonce : ''}`;
    if (scenario === 'normal') {
      scenarios.delete(key);
      return;
    }
    const choice: ScenarioChoice = { scenario };
    if (scenario === 'nonce-rejoue') {
      // The nonce of the request served before this one; on the very first request there is
      // none, and a fresh random one stands for "a nonce this client did not send".
      choice.replayNonce =
        (typeof nonce === 'string' ? previousNonce.get(nonce) : lastNonce) ?? randomBytes(16).toString('hex');
    }
    remember(scenarios, key, choice);
  }

  function takeNextScenario(): PscScenario {
    const s = nextScenario;
    nextScenario = 'normal';
    return s;
  }

  const page = (
    ctx: { status: number; type: string; body: unknown },
    status: number,
    title: string,
    detail: string,
  ) => {
    ctx.status = status;
    ctx.type = 'html';
    ctx.body = errorPage(title, detail);
  };

  /** Re-signs a compact JWS payload with the provider's own key (the header's kid). */
  async function resign(jwt: string, change: (payload: Record<string, unknown>) => void): Promise<string> {
    const [h, p] = jwt.split('.') as [string, string, string];
    const header = decodeSegment(h);
    const payload = decodeSegment(p);
    change(payload);
    const key = byKid.get(String(header.kid));
    if (!key) throw new Error('psc-sim: unknown signing key');
    return new CompactSign(Buffer.from(JSON.stringify(payload)))
      .setProtectedHeader(header as { alg: string })
      .sign(key);
  }

  /** Alters the payload and keeps the original signature, which then no longer verifies. */
  function tamper(jwt: string, change: (payload: Record<string, unknown>) => void): string {
    const [h, p, s] = jwt.split('.') as [string, string, string];
    const payload = decodeSegment(p);
    change(payload);
    return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
  }

  async function applyScenario(idToken: string, choice: ScenarioChoice): Promise<string> {
    switch (choice.scenario) {
      case 'acr-faible':
        return resign(idToken, (payload) => {
          payload.acr = PSC_WEAK_ACR;
        });
      case 'nonce-rejoue':
        return resign(idToken, (payload) => {
          payload.nonce = choice.replayNonce;
        });
      case 'jeton-altere':
        return tamper(idToken, (payload) => {
          // Another professional's identity, as a forger would try.
          const other = PSC_TEST_PROFESSIONALS.find(
            (p) => p.nationalId !== payload.sub,
          ) as PscTestProfessional;
          payload.sub = other.nationalId;
        });
      default:
        return idToken;
    }
  }

  // Runs before oidc-provider's router (Provider#use inserts before it).
  provider.use(async (ctx, next) => {
    if (ctx.path !== PSC_ISSUER_PATH && !ctx.path.startsWith(`${PSC_ISSUER_PATH}/`)) {
      page(ctx, 404, 'Page introuvable', `Le simulateur ne sert que ${issuer}.`);
      return;
    }
    // Mounted at the issuer path, as koa-mount would: oidc-provider builds its URLs from mountPath.
    (ctx as unknown as { mountPath: string }).mountPath = PSC_ISSUER_PATH;
    ctx.path = ctx.path.slice(PSC_ISSUER_PATH.length) || '/';
    const path = ctx.path;

    if (path === '/.well-known/openid-configuration' || path === '/.well-known/oauth-authorization-server') {
      // Strict: PSC publishes its metadata only under its own name.
      ctx.status = 404;
      ctx.body = { error: 'not_found', error_description: `discovery is at ${issuer}${PSC_DISCOVERY_PATH}` };
      return;
    }
    if (path === PSC_DISCOVERY_PATH) ctx.path = '/.well-known/openid-configuration';

    const interaction = /^\/interaction\/([A-Za-z0-9_-]{1,64})(\/login|\/abort)?$/.exec(path);
    if (interaction) {
      await handleInteraction(ctx as KoaContextWithOIDC, interaction[1] as string, interaction[2]);
      return;
    }

    await next();

    const oidc = (ctx as Partial<KoaContextWithOIDC>).oidc;
    if (!oidc) return;
    if (oidc.route === 'authorization') {
      // Remember the order of the nonces served, for the nonce-rejoue scenario.
      const nonce = oidc.params?.nonce;
      if (typeof nonce === 'string' && ctx.status >= 300 && ctx.status < 400) {
        remember(previousNonce, nonce, lastNonce);
        lastNonce = nonce;
      }
    }
    if (oidc.route === 'token' && ctx.status === 200) {
      const code = oidc.entities.AuthorizationCode;
      const body = ctx.body as { id_token?: unknown } | undefined;
      if (code?.grantId && typeof body?.id_token === 'string') {
        const key = `${code.grantId}|${code.nonce ?? ''}`;
        const choice = scenarios.get(key);
        if (choice) {
          scenarios.delete(key);
          body.id_token = await applyScenario(body.id_token, choice);
        }
      }
    }
  });

  async function handleInteraction(ctx: KoaContextWithOIDC, uid: string, action: string | undefined) {
    ctx.set('Cache-Control', 'no-store');
    let details;
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res);
    } catch {
      page(
        ctx,
        400,
        'Session expirée',
        'Cette demande de connexion a expiré ou est inconnue. Recommencez depuis le service.',
      );
      return;
    }
    if (details.uid !== uid) {
      page(ctx, 400, 'Demande inconnue', 'Cette demande de connexion ne correspond pas à votre session.');
      return;
    }
    const clientId = String(details.params.client_id);
    const finish = async (result: Parameters<typeof provider.interactionResult>[2]) => {
      const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
        mergeWithLastSubmission: false,
      });
      ctx.status = 303;
      ctx.redirect(returnTo);
    };

    if (ctx.method === 'GET' && action === undefined) {
      if (details.prompt.name === 'login') {
        ctx.type = 'html';
        ctx.body = loginPage({
          action: `${PSC_ISSUER_PATH}/interaction/${uid}/login`,
          abortAction: `${PSC_ISSUER_PATH}/interaction/${uid}/abort`,
          clientId,
          professionals: PSC_TEST_PROFESSIONALS,
          scenario: nextScenario,
        });
        return;
      }
      // Already logged in (SSO) and only consent is pending: granted without a page.
      const accountId = details.session?.accountId;
      if (!accountId) {
        page(ctx, 400, 'Demande invalide', 'Aucune session Pro Santé Connect.');
        return;
      }
      const grantId = await grantFor(accountId, clientId, details.grantId);
      chooseScenario(grantId, details.params.nonce, takeNextScenario());
      await finish({ consent: { grantId } });
      return;
    }
    if (ctx.method !== 'POST' || action === undefined) {
      page(ctx, 405, 'Méthode non permise', 'Utilisez le formulaire de connexion.');
      return;
    }
    if (action === '/abort') {
      await finish({ error: 'access_denied', error_description: 'connexion annulée par l’utilisateur' });
      return;
    }
    if (details.prompt.name !== 'login') {
      page(ctx, 400, 'Demande invalide', 'Aucune connexion n’est attendue pour cette demande.');
      return;
    }
    const form = await readForm(ctx.req);
    const key = form?.get('professional');
    const professional = PSC_TEST_PROFESSIONALS.find((p) => p.key === key);
    if (!professional) {
      page(
        ctx,
        400,
        'Professionnel inconnu',
        `Le professionnel de test « ${String(key ?? '').slice(0, 64)} » n’existe pas dans le simulateur.`,
      );
      return;
    }
    const asked = form?.get('scenario');
    if (asked != null && asked !== '' && !isScenario(asked)) {
      page(ctx, 400, 'Scénario inconnu', 'Le scénario de test demandé n’existe pas.');
      return;
    }
    const pending = takeNextScenario();
    const scenario: PscScenario = isScenario(asked) ? asked : pending;
    const accountId = professional.nationalId;
    const grantId = await grantFor(accountId, clientId, details.grantId);
    chooseScenario(grantId, details.params.nonce, scenario);
    await finish({ login: { accountId, acr: PSC_ACR }, consent: { grantId } });
  }

  const handle = provider.callback();
  // Koa's handler answers its own errors (ctx.onerror) and its promise never rejects; node's
  // 'request' event has nothing to do with it.
  server.on('request', (req, res) => {
    void handle(req, res);
  });

  return {
    issuer,
    url: origin,
    discoveryUrl: `${issuer}${PSC_DISCOVERY_PATH}`,
    setNextScenario(scenario) {
      if (!isScenario(scenario)) throw new Error(`psc-sim: unknown scenario ${String(scenario)}`);
      nextScenario = scenario;
    },
    logoutTokens: () => [...logoutTokens],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
