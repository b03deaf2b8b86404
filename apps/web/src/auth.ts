import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';
import { getEnv } from './env.ts';
import { apiErrorInfo, createApiClient } from './server/api.ts';
import { clientIpFrom } from './server/request.ts';

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

/** Wrong e-mail or password. */
export class InvalidCredentials extends CredentialsSignin {
  override code = 'invalid_credentials';
}
/** The API's login rate limit answered 429. */
export class TooManyAttempts extends CredentialsSignin {
  override code = 'too_many_attempts';
}

const credentialsSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
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
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(raw, request) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) throw new InvalidCredentials();
          try {
            const result = await createApiClient({
              clientIp: clientIpFrom(request.headers),
            }).auth.login.mutate(parsed.data);
            return {
              id: result.user.id,
              email: result.user.email,
              name: result.user.displayName,
              apiSessionToken: result.sessionToken,
              apiSessionExpiresAt: result.expiresAt,
              portalUser: result.user,
            };
          } catch (error) {
            const info = apiErrorInfo(error);
            if (info?.code === 'TOO_MANY_REQUESTS') throw new TooManyAttempts();
            if (info?.code === 'UNAUTHORIZED' || info?.code === 'BAD_REQUEST') throw new InvalidCredentials();
            throw error;
          }
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
