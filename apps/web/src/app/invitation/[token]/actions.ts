'use server';

import { redirect } from 'next/navigation';
import { apiErrorInfo, createApiClient } from '../../../server/api.ts';
import { MIN_PASSWORD_LENGTH, type AcceptInvitationState } from './state.ts';

export async function acceptInvitationAction(
  token: string,
  previous: AcceptInvitationState,
  formData: FormData,
): Promise<AcceptInvitationState> {
  const password = String(formData.get('password') ?? '');
  const confirmation = String(formData.get('confirmation') ?? '');
  const attempt = previous.attempt + 1;
  if (password.length < MIN_PASSWORD_LENGTH) {
    return {
      attempt,
      errors: { password: `Le mot de passe doit contenir au moins ${MIN_PASSWORD_LENGTH} caractères.` },
      formError: null,
    };
  }
  if (password !== confirmation) {
    return {
      attempt,
      errors: { confirmation: 'Les deux mots de passe ne sont pas identiques.' },
      formError: null,
    };
  }
  let email: string;
  try {
    ({ email } = await createApiClient().auth.acceptInvitation.mutate({ token, password }));
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.code === 'BAD_REQUEST' && info.field === 'password') {
      return {
        attempt,
        errors: { password: "Ce mot de passe n'est pas accepté : choisissez-en un plus long." },
        formError: null,
      };
    }
    if (info?.code === 'NOT_FOUND') {
      return {
        attempt,
        errors: {},
        formError: "Ce lien d'invitation n'est plus valable (expiré ou déjà utilisé).",
      };
    }
    if (info?.code === 'CONFLICT') {
      return {
        attempt,
        errors: {},
        formError: "L'établissement est encore en cours de création ; réessayez dans un instant.",
      };
    }
    if (info?.code === 'TOO_MANY_REQUESTS') {
      return { attempt, errors: {}, formError: 'Trop de tentatives, réessayez plus tard.' };
    }
    throw error;
  }
  redirect(`/connexion?${new URLSearchParams({ email, invitation: 'acceptee' })}`);
}
