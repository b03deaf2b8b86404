import { AuthError } from 'next-auth';
import { auth, signIn } from '../auth.ts';
import { createApiClient } from './api.ts';

/**
 * Carries an API session the API just opened into the portal's Auth.js cookie (provider
 * `api-session` after a password, `pro-sante-connect` after Pro Santé Connect), and ends the API
 * session the browser had before, if any, rather than leave it open. False when Auth.js refused
 * (the API did not recognise the session): the caller shows that the sign-in failed.
 */
export async function carryApiSession(
  provider: 'api-session' | 'pro-sante-connect',
  session: { sessionToken: string; expiresAt: string },
): Promise<boolean> {
  const previous = await auth();
  try {
    await signIn(provider, { ...session, redirect: false });
  } catch (error) {
    if (error instanceof AuthError) {
      console.error('[connexion] sign-in failed', provider, error.type);
      return false;
    }
    throw error;
  }
  if (previous?.apiSessionToken && previous.apiSessionToken !== session.sessionToken) {
    await createApiClient({ sessionToken: previous.apiSessionToken })
      .auth.logout.mutate()
      .catch(() => undefined);
  }
  return true;
}
