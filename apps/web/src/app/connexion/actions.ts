'use server';

import { AuthError, CredentialsSignin } from 'next-auth';
import { redirect } from 'next/navigation';
import { auth, signIn, TooManyAttempts } from '../../auth.ts';
import { safeReturnPath } from '../../lib/return-path.ts';
import { createApiClient } from '../../server/api.ts';

export interface SignInState {
  email: string;
  error: string | null;
}

const MESSAGES = {
  invalid: 'Adresse e-mail ou mot de passe incorrect.',
  tooMany: 'Trop de tentatives de connexion, réessayez plus tard.',
  unavailable: 'La connexion est momentanément impossible, réessayez dans un instant.',
} as const;

export async function signInAction(_previous: SignInState, formData: FormData): Promise<SignInState> {
  const email = String(formData.get('email') ?? '').trim();
  const password = String(formData.get('password') ?? '');
  if (!email || !password) return { email, error: MESSAGES.invalid };

  const previous = await auth();
  try {
    await signIn('credentials', { email, password, redirect: false });
  } catch (error) {
    if (error instanceof TooManyAttempts) return { email, error: MESSAGES.tooMany };
    if (error instanceof CredentialsSignin) return { email, error: MESSAGES.invalid };
    if (error instanceof AuthError) {
      console.error('[connexion] sign-in failed', error.type);
      return { email, error: MESSAGES.unavailable };
    }
    throw error;
  }
  // Signing in over an existing session: end the old API session rather than leave it open.
  if (previous?.apiSessionToken) {
    await createApiClient({ sessionToken: previous.apiSessionToken })
      .auth.logout.mutate()
      .catch(() => undefined);
  }
  // Back where the sign-in was asked for (an invitation to accept), never to another site.
  redirect(safeReturnPath(String(formData.get('suite') ?? '')) ?? '/');
}
