'use server';

import { redirect } from 'next/navigation';
import { auth, signOut } from '../../auth.ts';
import { createApiClient } from '../api.ts';

/** Ends the API session, then clears the portal cookie. */
export async function signOutAction(): Promise<void> {
  const session = await auth();
  if (session?.apiSessionToken) {
    try {
      await createApiClient({ sessionToken: session.apiSessionToken }).auth.logout.mutate();
    } catch {
      // The API session may already be gone (expired, revoked): the cookie is cleared anyway.
    }
  }
  await signOut({ redirect: false });
  redirect('/connexion');
}
