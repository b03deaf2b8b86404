'use server';

import { apiErrorInfo, createApiClient } from '../../../server/api.ts';
import { signInClient } from '../../../server/request.ts';

export interface RequestResetState {
  email: string;
  sent: boolean;
  error: string | null;
}

/** Asks for a reset link; the answer never says whether the address has an account. */
export async function requestResetAction(
  _previous: RequestResetState,
  formData: FormData,
): Promise<RequestResetState> {
  const email = String(formData.get('email') ?? '').trim();
  if (!email || email.length > 320 || !email.includes('@')) {
    return { email, sent: false, error: 'Indiquez une adresse e-mail valide.' };
  }
  try {
    await createApiClient(await signInClient()).auth.requestPasswordReset.mutate({ email });
  } catch (error) {
    if (apiErrorInfo(error)?.code === 'TOO_MANY_REQUESTS') {
      return { email, sent: false, error: 'Trop de demandes depuis votre poste : réessayez dans une heure.' };
    }
    throw error;
  }
  return { email, sent: true, error: null };
}
