'use server';

import { redirect } from 'next/navigation';
import { auth, signOut } from '../../auth.ts';
import { createApiClient } from '../api.ts';

/**
 * Ends the API session, then clears the portal cookie. A session opened through Pro Santé Connect
 * ends at PSC too: the API gives PSC's end_session address (id_token_hint, state,
 * post_logout_redirect_uri), where the browser goes; PSC sends it back to
 * /connexion?deconnexion=psc. Next's client follows this redirect by assigning the location (not a
 * form navigation, so the CSP's form-action 'self' does not apply).
 */
export async function signOutAction(): Promise<void> {
  const session = await auth();
  let endSessionUrl: string | null = null;
  if (session?.apiSessionToken) {
    try {
      ({ endSessionUrl } = await createApiClient({
        sessionToken: session.apiSessionToken,
      }).auth.logout.mutate());
    } catch {
      // The API session may already be gone (expired, revoked): the cookie is cleared anyway.
    }
  }
  await signOut({ redirect: false });
  redirect(endSessionUrl && /^https?:\/\//.test(endSessionUrl) ? endSessionUrl : '/connexion');
}
