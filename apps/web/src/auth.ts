import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';
import { getEnv } from './env.ts';
import { createApiClient } from './server/api.ts';

/** The signed-in person, as the API described them at login. */
export interface PortalUser {
  id: string;
  email: string;
  displayName: string;
  isPlatformAdmin: boolean;
}

/** How the API session was opened: a local password (and second factor), or Pro Santé Connect. */
export type AuthMethod = 'password' | 'psc';

declare module 'next-auth' {
  interface Session {
    /** API session token: sent as `authorization: Bearer …` by the server-side tRPC client. */
    apiSessionToken: string;
    portalUser: PortalUser;
    authMethod: AuthMethod;
  }
  interface User {
    apiSessionToken?: string;
    apiSessionExpiresAt?: string;
    portalUser?: PortalUser;
    authMethod?: AuthMethod;
  }
}

/** What the portal keeps in the (encrypted) Auth.js JWT, next to Auth.js's own claims. */
interface PortalClaims {
  apiSessionToken?: string;
  apiSessionExpiresAt?: string;
  portalUser?: PortalUser;
  authMethod?: AuthMethod;
}

/** The API session to sign the portal in with: opened by the sign-in steps (connexion/actions.ts). */
const apiSessionSchema = z.object({
  sessionToken: z.string().min(1).max(200),
  expiresAt: z.iso.datetime(),
});

/** Same lifetime as the API session (12 h); the API remains the judge of validity. */
const SESSION_MAX_AGE_S = 12 * 60 * 60;

/**
 * The portal's user for an API session, as the API describes it (`auth.me`): the API is the judge
 * of the session's validity and of how it was opened (`authMethod`), never the provider's name.
 */
async function describeSession(raw: unknown, expected: AuthMethod) {
  const parsed = apiSessionSchema.safeParse(raw);
  if (!parsed.success) return null;
  const me = await createApiClient({ sessionToken: parsed.data.sessionToken }).auth.me.query();
  // A PSC sign-in carries a session the API opened through PSC, nothing else.
  if (expected === 'psc' && me.authMethod !== 'psc') return null;
  return {
    id: me.user.id,
    email: me.user.email,
    name: me.user.displayName,
    apiSessionToken: parsed.data.sessionToken,
    apiSessionExpiresAt: parsed.data.expiresAt,
    portalUser: me.user,
    authMethod: me.authMethod,
  };
}

export const { auth, signIn, signOut } = NextAuth(() => {
  const env = getEnv();
  return {
    secret: env.AUTH_SECRET,
    trustHost: env.AUTH_TRUST_HOST,
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: '/connexion', error: '/connexion' },
    providers: [
      // Not a password check: the sign-in steps (password, then the second factor when due) run
      // in the server actions against the API, which opens the session; this provider only
      // carries that session into the encrypted Auth.js cookie, after asking the API who it is.
      // No Auth.js route handler is mounted, so only the portal's server code can call it.
      Credentials({
        id: 'api-session',
        credentials: { sessionToken: {}, expiresAt: {} },
        authorize: (raw) => describeSession(raw, 'password'),
      }),
      // The same for a session the API opened at the end of a Pro Santé Connect flow
      // (`auth.pscComplete`, from the route handler connexion/psc/retour): the OpenID Connect
      // exchange, its checks (state, nonce, PKCE, acr eidas1, id_token signature) and the PSC
      // tokens stay in the API; the portal only learns the session it opened.
      Credentials({
        id: 'pro-sante-connect',
        credentials: { sessionToken: {}, expiresAt: {} },
        authorize: (raw) => describeSession(raw, 'psc'),
      }),
    ],
    callbacks: {
      jwt({ token: jwt, user }) {
        const token = jwt as typeof jwt & PortalClaims;
        if (user?.apiSessionToken && user.portalUser) {
          token.apiSessionToken = user.apiSessionToken;
          token.apiSessionExpiresAt = user.apiSessionExpiresAt;
          token.portalUser = user.portalUser;
          token.authMethod = user.authMethod ?? 'password';
        }
        if (!token.apiSessionToken) return null;
        if (token.apiSessionExpiresAt && Date.parse(token.apiSessionExpiresAt) <= Date.now()) return null;
        return token;
      },
      session({ session, token: jwt }) {
        const token = jwt as typeof jwt & PortalClaims;
        // Only server code reads the session: no Auth.js route handler is mounted, so the API
        // token never reaches the browser.
        return {
          ...session,
          apiSessionToken: token.apiSessionToken ?? '',
          portalUser: token.portalUser!,
          authMethod: token.authMethod ?? 'password',
        };
      },
    },
    logger: {
      error(error) {
        // A failed sign-in is an expected outcome, not a server error.
        if (error instanceof CredentialsSignin) return;
        console.error('[auth]', error);
      },
    },
  };
});
