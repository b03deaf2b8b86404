'use server';

import { frenchApiError } from '../../../../lib/api-messages.ts';
import { redirect } from 'next/navigation';
import { auth } from '../../../../auth.ts';
import { PASSWORDS_DIFFER } from '../../../../lib/passwords.ts';
import { apiErrorInfo, createApiClient } from '../../../../server/api.ts';
import { pscMessage } from '../../../../lib/psc.ts';
import { beginPscFlow, PscBeginRefused } from '../../../../server/psc.ts';
import { SIGN_IN_PATH } from '../../../../server/session.ts';
import type { PscLinkState } from '../../compte/psc-actions.ts';
import { EXISTING_ACCOUNT, type AcceptInvitationState } from './state.ts';

export async function acceptInvitationAction(
  token: string,
  previous: AcceptInvitationState,
  formData: FormData,
): Promise<AcceptInvitationState> {
  const password = String(formData.get('password') ?? '');
  const confirmation = String(formData.get('confirmation') ?? '');
  const attempt = previous.attempt + 1;
  // The password policy is the API's (packages/access/src/password-policy.ts); its refusal comes back in French.
  if (!password) {
    return { attempt, errors: { password: 'Choisissez un mot de passe.' }, formError: null };
  }
  if (password !== confirmation) {
    return {
      attempt,
      errors: { confirmation: PASSWORDS_DIFFER },
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
        errors: { password: frenchApiError(info) },
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
    if (info?.code === 'CONFLICT' && info.field === 'token') {
      // The address has an account meanwhile: it accepts signed in (the page now says so).
      return { attempt, errors: {}, formError: EXISTING_ACCOUNT };
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

const INVALID = "Ce lien d'invitation n'est plus valable (expiré, annulé ou déjà utilisé).";

/**
 * An address that already has a Rayon account accepts signed in: the membership is added to that
 * account, whose password is left as it is; then the practice opens.
 */
export async function acceptSignedInAction(
  token: string,
  previous: { attempt: number; formError: string | null },
): Promise<{ attempt: number; formError: string | null }> {
  const attempt = previous.attempt + 1;
  const back = `${SIGN_IN_PATH}?${new URLSearchParams({ suite: `/invitation/${token}` })}`;
  const session = await auth();
  if (!session?.apiSessionToken) redirect(back);
  let tenantSlug: string;
  try {
    ({ tenantSlug } = await createApiClient({
      sessionToken: session.apiSessionToken,
    }).auth.acceptInvitationSignedIn.mutate({ token }));
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.code === 'UNAUTHORIZED') redirect(back);
    if (info?.code === 'FORBIDDEN') {
      return {
        attempt,
        formError:
          "Cette invitation a été envoyée à une autre adresse : connectez-vous avec l'adresse invitée pour l'accepter.",
      };
    }
    if (info?.code === 'NOT_FOUND') return { attempt, formError: INVALID };
    if (info?.code === 'CONFLICT') {
      return {
        attempt,
        formError: "L'invitation ne peut pas être acceptée pour le moment ; réessayez dans un instant.",
      };
    }
    if (info?.code === 'TOO_MANY_REQUESTS') {
      return { attempt, formError: 'Trop de tentatives, réessayez plus tard.' };
    }
    throw error;
  }
  redirect(`/t/${encodeURIComponent(tenantSlug)}`);
}

/**
 * « Accepter avec ma e-CPS »: the CGU of Pro Santé Connect accepted, an `invitation` flow starts
 * and the browser goes to PSC; back at the callback, the API creates the account from the
 * invitation, linked to that e-CPS, and opens its session (no password is chosen).
 */
export async function acceptWithPscAction(
  token: string,
  previous: PscLinkState,
  formData: FormData,
): Promise<PscLinkState> {
  const attempt = previous.attempt + 1;
  if (formData.get('cguAccepted') !== 'on') return { attempt, error: pscMessage('cgu_required') };
  let authorizationUrl: string;
  try {
    authorizationUrl = await beginPscFlow({
      purpose: 'invitation',
      invitationToken: token,
      cguAccepted: true,
      back: `/invitation/${encodeURIComponent(token)}`,
    });
  } catch (error) {
    if (error instanceof PscBeginRefused) return { attempt, error: pscMessage(error.reason) };
    throw error;
  }
  redirect(authorizationUrl);
}
