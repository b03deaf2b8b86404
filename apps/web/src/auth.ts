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

declare module 'next-auth' {
  interface Session {
    /** API session token: sent as `authorization: Bearer …` by the server-side tRPC client. */
    apiSessionToken: string;
    portalUser: PortalUser;
  }
  interface User {
    apiSessionToken?: string;
    apiSessionExpiresAt?: string;
    portalUser?: PortalUser;
  }
}

/** What the portal keeps in the (encrypted) Auth.js JWT, next to Auth.js's own claims. */
interface PortalClaims {
  apiSessionToken?: string;
  apiSessionExpiresAt?: string;
  portalUser?: PortalUser;
}

/** The API session to sign the portal in with: opened by the sign-in steps (connexion/actions.ts). */
const apiSessionSchema = z.object({
  sessionToken: z.string().min(1).max(200),
  expiresAt: z.iso.datetime(),
});

/** Same lifetime as the API session (12 h); the API remains the judge of validity. */
const SESSION_MAX_AGE_S = 12 * 60 * 60;

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
        async authorize(raw) {
          const parsed = apiSessionSchema.safeParse(raw);
          if (!parsed.success) return null;
          const me = await createApiClient({ sessionToken: parsed.data.sessionToken }).auth.me.query();
          return {
            id: me.user.id,
            email: me.user.email,
            name: me.user.displayName,
            apiSessionToken: parsed.data.sessionToken,
            apiSessionExpiresAt: parsed.data.expiresAt,
            portalUser: me.user,
          };
        },
      }),
    ],
    callbacks: {
      jwt({ token: jwt, user }) {
        const token = jwt as typeof jwt & PortalClaims;
        if (user?.apiSessionToken && user.portalUser) {
          token.apiSessionToken = user.apiSessionToken;
          token.apiSessionExpiresAt = user.apiSessionExpiresAt;
          token.portalUser = user.portalUser;
        }
        if (!token.apiSessionToken) return null;
        if (token.apiSessionExpiresAt && Date.parse(token.apiSessionExpiresAt) <= Date.now()) return null;
        return token;
      },
      session({ session, token: jwt }) {
        const token = jwt as typeof jwt & PortalClaims;
        // Only server code reads the session: no Auth.js route handler is mounted, so the API
        // token never reaches the browser.
        return { ...session, apiSessionToken: token.apiSessionToken ?? '', portalUser: token.portalUser! };
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
