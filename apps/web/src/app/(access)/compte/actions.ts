'use server';

import { frenchApiError } from '../../../lib/api-messages.ts';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { PASSWORDS_DIFFER } from '../../../lib/passwords.ts';
import { apiErrorInfo } from '../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../server/session.ts';
import type { ChangePasswordState } from './state.ts';

/** Ends one of the account's other sessions. */
export async function revokeSessionAction(id: string): Promise<void> {
  const api = await apiForSession();
  try {
    await api.account.revokeSession.mutate({ id });
  } catch (error) {
    // Gone already (ended meanwhile, or idle): the list is simply shown again.
    if (apiErrorInfo(error)?.code !== 'NOT_FOUND') handleApiError(error);
  }
  revalidatePath('/compte');
  redirect('/compte?deconnectee=1');
}

export async function changePasswordAction(
  previous: ChangePasswordState,
  formData: FormData,
): Promise<ChangePasswordState> {
  const currentPassword = String(formData.get('currentPassword') ?? '');
  const newPassword = String(formData.get('newPassword') ?? '');
  const confirmation = String(formData.get('confirmation') ?? '');
  const base: ChangePasswordState = {
    attempt: previous.attempt + 1,
    errors: {},
    formError: null,
    done: null,
  };
  if (!currentPassword)
    return { ...base, errors: { currentPassword: 'Indiquez votre mot de passe actuel.' } };
  if (!newPassword) return { ...base, errors: { newPassword: 'Choisissez un nouveau mot de passe.' } };
  if (newPassword !== confirmation) return { ...base, errors: { confirmation: PASSWORDS_DIFFER } };
  const api = await apiForSession();
  try {
    const result = await api.account.changePassword.mutate({ currentPassword, newPassword });
    return { ...base, done: { otherSessionsEnded: result.otherSessionsEnded } };
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.code === 'BAD_REQUEST' && info.field === 'currentPassword') {
      return { ...base, errors: { currentPassword: 'Mot de passe actuel incorrect.' } };
    }
    if (info?.code === 'BAD_REQUEST' && info.field === 'newPassword') {
      return { ...base, errors: { newPassword: frenchApiError(info) } };
    }
    if (info?.code === 'TOO_MANY_REQUESTS') {
      return { ...base, formError: 'Trop de tentatives : réessayez dans un quart d’heure.' };
    }
    handleApiError(error);
  }
}
