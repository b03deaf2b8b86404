'use server';

import { frenchApiError } from '../../../../lib/api-messages.ts';
import { apiErrorInfo, createApiClient } from '../../../../server/api.ts';
import { signInClient } from '../../../../server/request.ts';
import { PASSWORDS_DIFFER } from '../../../../lib/passwords.ts';
import type { NewPasswordState } from './state.ts';

export async function resetPasswordAction(
  token: string,
  previous: NewPasswordState,
  formData: FormData,
): Promise<NewPasswordState> {
  const password = String(formData.get('password') ?? '');
  const confirmation = String(formData.get('confirmation') ?? '');
  const base = { ...previous, attempt: previous.attempt + 1, errors: {}, formError: null };
  if (!password) return { ...base, errors: { password: 'Choisissez un mot de passe.' } };
  if (password !== confirmation) return { ...base, errors: { confirmation: PASSWORDS_DIFFER } };
  try {
    await createApiClient(await signInClient()).auth.resetPassword.mutate({ token, password });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.code === 'BAD_REQUEST' && info.field === 'password') {
      return { ...base, errors: { password: frenchApiError(info) } };
    }
    if (info?.code === 'NOT_FOUND') return { ...base, invalid: true };
    throw error;
  }
  return { ...base, done: true };
}
