/**
 * Pro Santé Connect client (relying party) on `openid-client`: discovery under PSC's own
 * document name, authorization URL (scope `openid scope_all`, `acr_values=eidas1`, state, nonce,
 * PKCE S256), code exchange with the id_token's signature checked and its `acr` required to be
 * eidas1, userinfo as JSON or signed JWT, refresh, end-session URL, revocation, and the
 * verification of back-channel logout tokens. Facts: reference national-services.md §4.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PSC_ACR, PSC_SCOPE } from '@rayon/domain';
import { createLocalJWKSet, importPKCS8, jwtVerify, type JSONWebKeySet } from 'jose';
import * as oidc from 'openid-client';
import { Agent, type Dispatcher } from 'undici';

/** PSC's discovery document name (not the standard `openid-configuration`). */
export const PSC_DISCOVERY_PATH = '/.well-known/wallet-openid-configuration';

/** The published PSC environments (issuer; discovery, endpoints and keys follow from it). */
export const PSC_ISSUERS = {
  /** Bac à sable (« bas »), for integration. */
  sandbox: 'https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet',
  production: 'https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet',
} as const;

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

export type PscClientAuth =
  | { method: 'client_secret_basic'; secret: string }
  | { method: 'private_key_jwt'; privateKeyPem: string; kid?: string | undefined }
  | { method: 'tls_client_auth'; certPem: string; keyPem: string };

export interface PscSettings {
  issuer: string;
  clientId: string;
  auth: PscClientAuth;
  /** Registered with PSC: the login callback and the page after logout. */
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** PEM of the CA(s) of PSC's TLS certificates, when not a public CA (the simulator's). */
  caPem?: string | undefined;
  /** Tolerance on the tokens' time claims (s); PSC and Rayon clocks may differ by this much. */
  clockToleranceSeconds?: number | undefined;
  /** Registered with `userinfo_signed_response_alg`: userinfo comes as a signed JWT. */
  userinfoSignedResponseAlg?: string | undefined;
  timeoutMs?: number | undefined;
}

/** Why a PSC exchange failed, as a stable key (the API gives it as `psc.<reason>`). */
export type PscFailure =
  | 'denied'
  | 'state_mismatch'
  | 'nonce_mismatch'
  | 'acr_refused'
  | 'id_token_invalid'
  | 'provider_error'
  | 'unavailable';

export class PscError extends Error {
  readonly reason: PscFailure;
  constructor(reason: PscFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PscError';
    this.reason = reason;
  }
}

/** What must come back with the callback: kept server-side between the two legs. */
export interface PscChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface PscTokens {
  accessToken: string;
  refreshToken: string | null;
  idToken: string;
  /** Epoch milliseconds when the access token expires. */
  expiresAt: number;
}

export interface PscSignIn {
  tokens: PscTokens;
  /** The id_token's claims that matter here. */
  subject: string;
  acr: string;
  sid: string | null;
  userinfo: Record<string, unknown>;
}

export interface PscLogoutToken {
  jti: string;
  sid: string | null;
  sub: string | null;
}

export interface PscClient {
  readonly settings: PscSettings;
  begin(): Promise<{ url: string; checks: PscChecks }>;
  /** `query`: the callback's search string (`?code=…&state=…`, or `?error=…`). */
  complete(query: string, checks: PscChecks): Promise<PscSignIn>;
  refresh(tokens: PscTokens): Promise<PscTokens>;
  endSessionUrl(idToken: string, state: string): Promise<string>;
  /** Best effort: the provider may not offer revocation. */
  revoke(token: string): Promise<void>;
  verifyLogoutToken(logoutToken: string): Promise<PscLogoutToken>;
}

function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** The HTTP agent: PSC's CA when given, the client certificate for mutual TLS. */
function dispatcherFor(settings: PscSettings): Dispatcher | undefined {
  const tls = settings.auth.method === 'tls_client_auth' ? settings.auth : undefined;
  if (!settings.caPem && !tls) return undefined;
  return new Agent({
    connect: {
      ...(settings.caPem ? { ca: settings.caPem } : {}),
      ...(tls ? { cert: tls.certPem, key: tls.keyPem } : {}),
    },
  });
}

async function clientAuthOf(auth: PscClientAuth): Promise<oidc.ClientAuth> {
  switch (auth.method) {
    case 'client_secret_basic':
      return oidc.ClientSecretBasic(auth.secret);
    case 'private_key_jwt': {
      // RS256 for an RSA key, ES256 for an EC P-256 key: both are in PSC's supported list.
      const alg = createPrivateKey(auth.privateKeyPem).asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
      const key = await importPKCS8(auth.privateKeyPem, alg);
      return oidc.PrivateKeyJwt(auth.kid ? { key, kid: auth.kid } : key);
    }
    case 'tls_client_auth':
      return oidc.TlsClientAuth();
  }
}

/** Maps what openid-client throws to a stable reason; the message stays for the logs. */
export function pscFailureOf(error: unknown): PscError {
  if (error instanceof PscError) return error;
  if (error instanceof oidc.AuthorizationResponseError) {
    return new PscError(
      error.error === 'access_denied' ? 'denied' : 'provider_error',
      `PSC refused the authorization: ${error.error}`,
      { cause: error },
    );
  }
  if (error instanceof oidc.ResponseBodyError) {
    return new PscError('provider_error', `PSC answered ${error.status}: ${error.error}`, { cause: error });
  }
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  // openid-client wraps oauth4webapi's error (the cause), whose own cause names the claim.
  const inner = (error as { cause?: { message?: string; cause?: { claim?: string } } } | null)?.cause;
  const detail = inner?.message ?? message;
  if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && inner?.cause?.claim === 'nonce') {
    return new PscError('nonce_mismatch', 'the id_token nonce is not the one of this sign-in', {
      cause: error,
    });
  }
  if (code === 'OAUTH_INVALID_RESPONSE' && /"state"/.test(detail)) {
    return new PscError('state_mismatch', `the callback's state is not this sign-in's: ${detail}`, {
      cause: error,
    });
  }
  if (
    code === 'OAUTH_JWS_SIGNATURE_VERIFICATION_FAILED' ||
    code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ||
    code?.startsWith('OAUTH_JWT') ||
    code === 'OAUTH_INVALID_RESPONSE' ||
    code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' ||
    code === 'OAUTH_KEY_SELECTION_FAILED'
  ) {
    return new PscError('id_token_invalid', `the PSC token was refused: ${detail}`, { cause: error });
  }
  if (error instanceof TypeError || code === 'OAUTH_TIMEOUT' || (error as Error)?.name === 'AbortError') {
    return new PscError('unavailable', `PSC could not be reached: ${message}`, { cause: error });
  }
  return new PscError('provider_error', `PSC exchange failed: ${message}`, { cause: error });
}

export function createPscClient(settings: PscSettings): PscClient {
  const issuer = new URL(settings.issuer);
  if (issuer.protocol !== 'https:' && !isLoopback(issuer)) {
    throw new Error('RAYON_PSC_ISSUER must be an https:// URL (plain http only on this machine)');
  }
  const dispatcher = dispatcherFor(settings);
  const timeoutMs = settings.timeoutMs ?? 10_000;
  const httpFetch: typeof fetch = (input, init) =>
    fetch(input, {
      ...init,
      signal: AbortSignal.timeout(timeoutMs),
      ...(dispatcher ? { dispatcher } : {}),
    } as RequestInit);

  let configuration: Promise<oidc.Configuration> | undefined;
  let jwks: { at: number; set: ReturnType<typeof createLocalJWKSet> } | undefined;

  /** Discovery at PSC's document name; the document must name the configured issuer. */
  async function discover(): Promise<oidc.Configuration> {
    const url = `${settings.issuer.replace(/\/+$/, '')}${PSC_DISCOVERY_PATH}`;
    let response: Response;
    try {
      response = await httpFetch(url, { headers: { accept: 'application/json' } });
    } catch (e) {
      throw new PscError('unavailable', `PSC discovery at ${url} failed: ${(e as Error).message}`, {
        cause: e,
      });
    }
    if (!response.ok)
      throw new PscError('unavailable', `PSC discovery at ${url} answered ${response.status}`);
    const metadata = (await response.json()) as oidc.ServerMetadata;
    if (metadata.issuer !== settings.issuer) {
      throw new PscError(
        'provider_error',
        `PSC discovery names issuer ${metadata.issuer}, not ${settings.issuer}`,
      );
    }
    const config = new oidc.Configuration(
      metadata,
      settings.clientId,
      {
        [oidc.clockTolerance]: settings.clockToleranceSeconds ?? 30,
        ...(settings.userinfoSignedResponseAlg
          ? { userinfo_signed_response_alg: settings.userinfoSignedResponseAlg }
          : {}),
      },
      await clientAuthOf(settings.auth),
    );
    config[oidc.customFetch] = (input, init) => httpFetch(input, init as RequestInit);
    // The id_token comes straight from the token endpoint, so openid-client would trust it on
    // TLS alone; PSC's tokens are checked against its keys all the same (a tampered one fails).
    oidc.enableNonRepudiationChecks(config);
    if (issuer.protocol === 'http:') oidc.allowInsecureRequests(config);
    return config;
  }

  /** Discovered once; a failed discovery is tried again at the next call. */
  function config(): Promise<oidc.Configuration> {
    configuration ??= discover().catch((e: unknown) => {
      configuration = undefined;
      throw e;
    });
    return configuration;
  }

  function tokensOf(response: oidc.TokenEndpointResponse, previous?: PscTokens): PscTokens {
    const idToken = response.id_token ?? previous?.idToken;
    if (!idToken) throw new PscError('id_token_invalid', 'PSC gave no id_token');
    return {
      accessToken: response.access_token,
      refreshToken: response.refresh_token ?? previous?.refreshToken ?? null,
      idToken,
      expiresAt: Date.now() + (response.expires_in ?? 60) * 1000,
    };
  }

  async function keys(force = false) {
    if (!force && jwks && Date.now() - jwks.at < 5 * 60_000) return jwks.set;
    const c = await config();
    const uri = c.serverMetadata().jwks_uri;
    if (!uri) throw new PscError('provider_error', 'PSC publishes no jwks_uri');
    const response = await httpFetch(uri, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new PscError('unavailable', `PSC keys answered ${response.status}`);
    jwks = { at: Date.now(), set: createLocalJWKSet((await response.json()) as JSONWebKeySet) };
    return jwks.set;
  }

  return {
    settings,

    async begin() {
      const c = await config();
      const checks: PscChecks = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
      };
      const url = oidc.buildAuthorizationUrl(c, {
        redirect_uri: settings.redirectUri,
        scope: PSC_SCOPE,
        acr_values: PSC_ACR,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, checks };
    },

    async complete(query, checks) {
      try {
        const c = await config();
        const callback = new URL(settings.redirectUri);
        callback.search = query.startsWith('?') ? query : `?${query}`;
        const response = await oidc.authorizationCodeGrant(c, callback, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const claims = response.claims();
        if (!claims) throw new PscError('id_token_invalid', 'PSC gave no id_token');
        if (claims.acr !== PSC_ACR) {
          throw new PscError('acr_refused', `authentication level ${String(claims.acr)} is not ${PSC_ACR}`);
        }
        const tokens = tokensOf(response);
        const userinfo = await oidc.fetchUserInfo(c, tokens.accessToken, claims.sub);
        return {
          tokens,
          subject: claims.sub,
          acr: claims.acr,
          sid: typeof claims.sid === 'string' ? claims.sid : null,
          userinfo: userinfo as Record<string, unknown>,
        };
      } catch (e) {
        throw pscFailureOf(e);
      }
    },

    async refresh(tokens) {
      if (!tokens.refreshToken) throw new PscError('provider_error', 'no refresh token was issued');
      try {
        return tokensOf(await oidc.refreshTokenGrant(await config(), tokens.refreshToken), tokens);
      } catch (e) {
        throw pscFailureOf(e);
      }
    },

    async endSessionUrl(idToken, state) {
      return oidc.buildEndSessionUrl(await config(), {
        id_token_hint: idToken,
        post_logout_redirect_uri: settings.postLogoutRedirectUri,
        state,
      }).href;
    },

    async revoke(token) {
      const c = await config();
      if (!c.serverMetadata().revocation_endpoint) return;
      try {
        await oidc.tokenRevocation(c, token);
      } catch {
        // The session ends in Rayon whatever PSC says; the token expires on its own.
      }
    },

    /**
     * OpenID Connect Back-Channel Logout 1.0 §2.6: signed by PSC, for this client, with the
     * logout event, a `sid` or a `sub`, a `jti`, and no nonce.
     */
    async verifyLogoutToken(logoutToken) {
      const verify = async (force: boolean) =>
        jwtVerify(logoutToken, await keys(force), {
          issuer: settings.issuer,
          audience: settings.clientId,
          clockTolerance: settings.clockToleranceSeconds ?? 30,
          maxTokenAge: '10 minutes',
        });
      let payload;
      try {
        payload = (
          await verify(false).catch((e: unknown) =>
            (e as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY' ? verify(true) : Promise.reject(e),
          )
        ).payload;
      } catch (e) {
        throw new PscError('id_token_invalid', `logout token refused: ${(e as Error).message}`, { cause: e });
      }
      const events = payload.events as Record<string, unknown> | undefined;
      const sid = typeof payload.sid === 'string' ? payload.sid : null;
      const sub = typeof payload.sub === 'string' ? payload.sub : null;
      if (!events || typeof events[BACKCHANNEL_LOGOUT_EVENT] !== 'object') {
        throw new PscError('id_token_invalid', 'logout token without the back-channel logout event');
      }
      if ('nonce' in payload) throw new PscError('id_token_invalid', 'logout token carries a nonce');
      if (!sid && !sub) throw new PscError('id_token_invalid', 'logout token names neither sid nor sub');
      if (typeof payload.jti !== 'string') throw new PscError('id_token_invalid', 'logout token has no jti');
      return { jti: payload.jti, sid, sub };
    },
  };
}

/**
 * The client of a deployment, from its settings (files read here); undefined when PSC is not
 * configured. Redirect URIs follow from the portal's and the API's public URLs.
 */
export function pscClientFromEnv(
  env: {
    issuer?: string | undefined;
    clientId?: string | undefined;
    clientAuth: PscClientAuth['method'];
    clientSecret?: string | undefined;
    keyFile?: string | undefined;
    keyId?: string | undefined;
    certFile?: string | undefined;
    caFile?: string | undefined;
    clockToleranceSeconds: number;
    userinfoSignedResponseAlg?: string | undefined;
  },
  portalUrl: string,
): PscClient | undefined {
  if (!env.issuer || !env.clientId) return undefined;
  const file = (path: string | undefined) => readFileSync(path!, 'utf8');
  const auth: PscClientAuth =
    env.clientAuth === 'private_key_jwt'
      ? { method: 'private_key_jwt', privateKeyPem: file(env.keyFile), kid: env.keyId }
      : env.clientAuth === 'tls_client_auth'
        ? { method: 'tls_client_auth', certPem: file(env.certFile), keyPem: file(env.keyFile) }
        : { method: 'client_secret_basic', secret: env.clientSecret! };
  const portal = portalUrl.replace(/\/+$/, '');
  return createPscClient({
    issuer: env.issuer.replace(/\/+$/, ''),
    clientId: env.clientId,
    auth,
    redirectUri: `${portal}/connexion/psc/retour`,
    postLogoutRedirectUri: `${portal}/connexion?deconnexion=psc`,
    caPem: env.caFile ? file(env.caFile) : undefined,
    clockToleranceSeconds: env.clockToleranceSeconds,
    userinfoSignedResponseAlg: env.userinfoSignedResponseAlg,
  });
}
