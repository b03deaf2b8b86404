'use server';

import { headers } from 'next/headers';
import { apiErrorInfo, createApiClient } from '../../server/api.ts';
import { clientIpFrom } from '../../server/request.ts';

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
  const h = await headers();
  try {
    await createApiClient({
      clientIp: clientIpFrom(h),
      userAgent: h.get('user-agent') ?? undefined,
    }).auth.requestPasswordReset.mutate({ email });
  } catch (error) {
    if (apiErrorInfo(error)?.code === 'TOO_MANY_REQUESTS') {
      return { email, sent: false, error: 'Trop de demandes depuis votre poste : réessayez dans une heure.' };
    }
    throw error;
  }
  return { email, sent: true, error: null };
}
