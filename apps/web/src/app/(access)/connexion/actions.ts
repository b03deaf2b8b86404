'use server';

import { frenchApiError } from '../../../lib/api-messages.ts';
import { redirect } from 'next/navigation';
import { PSC_REQUIRED_MESSAGE, pscMessage } from '../../../lib/psc.ts';
import { safeReturnPath } from '../../../lib/return-path.ts';
import { apiErrorInfo, createApiClient } from '../../../server/api.ts';
import { signInClient } from '../../../server/request.ts';
import { beginPscFlow, PscBeginRefused, rememberLinkToken, takeLinkToken } from '../../../server/psc.ts';
import { carryApiSession } from '../../../server/sign-in.ts';
import {
  clearPendingSignIn,
  clearRecoveryCodes,
  pendingSignIn,
  recoveryCodesToShow,
  setPendingSignIn,
  setRecoveryCodes,
} from './pending.ts';

export interface SignInState {
  email: string;
  error: string | null;
  /** The right password of a professional whose practice requires Pro Santé Connect. */
  pscRequired?: boolean;
  /** …whose account is not linked to an e-CPS yet: « Lier ma e-CPS » is offered instead. */
  pscLinkable?: boolean;
}

export interface PscLinkState {
  attempt: number;
  error: string | null;
}

export interface CodeState {
  error: string | null;
}

const MESSAGES = {
  invalid: 'Adresse e-mail ou mot de passe incorrect.',
  wrongCode: 'Code incorrect ou déjà utilisé. Saisissez le code affiché maintenant par votre application.',
  unavailable: 'La connexion est momentanément impossible, réessayez dans un instant.',
} as const;

/** Carries the API session into the portal's cookie, ends a previous one, and goes on. */
async function finish(session: { sessionToken: string; expiresAt: string }, suite: string | null) {
  if (!(await carryApiSession('api-session', session))) return { error: MESSAGES.unavailable };
  await clearPendingSignIn();
  return { error: null, to: safeReturnPath(suite ?? '') ?? '/' };
}

export async function signInAction(_previous: SignInState, formData: FormData): Promise<SignInState> {
  const email = String(formData.get('email') ?? '').trim();
  const password = String(formData.get('password') ?? '');
  if (!email || !password) return { email, error: MESSAGES.invalid };
  // Back where the sign-in was asked for (an invitation to accept), never to another site.
  const suite = safeReturnPath(String(formData.get('suite') ?? '')) ?? null;

  let result;
  try {
    result = await createApiClient(await signInClient()).auth.login.mutate({ email, password });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.code === 'TOO_MANY_REQUESTS') return { email, error: frenchApiError(info) };
    if (info?.reason === 'auth.psc_required') {
      const linkToken = info.details?.linkToken;
      if (typeof linkToken === 'string') await rememberLinkToken(linkToken, suite);
      return {
        email,
        error: PSC_REQUIRED_MESSAGE,
        pscRequired: true,
        pscLinkable: typeof linkToken === 'string',
      };
    }
    if (info?.code === 'UNAUTHORIZED' || info?.code === 'BAD_REQUEST')
      return { email, error: MESSAGES.invalid };
    console.error('[connexion] sign-in failed', info?.code ?? error);
    return { email, error: MESSAGES.unavailable };
  }
  if (result.status !== 'signed_in') {
    const step = result.status === 'totp_required' ? 'totp' : 'enrol';
    await setPendingSignIn({ token: result.pendingToken, step, email, suite });
    redirect(step === 'totp' ? '/connexion/verification' : '/connexion/double-authentification');
  }
  const done = await finish(result, suite);
  if (done.error) return { email, error: done.error };
  redirect(done.to!);
}

/** Where a code refusal leads: a message, or back to the password when the step expired. */
function codeRefusal(error: unknown): CodeState {
  const info = apiErrorInfo(error);
  if (info?.code === 'TOO_MANY_REQUESTS') return { error: frenchApiError(info) };
  if (info?.reason === 'auth.pending_expired') redirect('/connexion?etape=expiree');
  if (info?.code === 'UNAUTHORIZED' || info?.code === 'BAD_REQUEST') return { error: MESSAGES.wrongCode };
  console.error('[connexion] code step failed', info?.code ?? error);
  return { error: MESSAGES.unavailable };
}

/** « Code de vérification »: a code of the authenticator app, or a recovery code. */
export async function verifyCodeAction(_previous: CodeState, formData: FormData): Promise<CodeState> {
  const pending = await pendingSignIn();
  if (!pending || pending.step !== 'totp') redirect('/connexion?etape=expiree');
  const code = String(formData.get('code') ?? '').trim();
  if (!code) return { error: 'Saisissez le code.' };
  let session;
  try {
    session = await createApiClient(await signInClient()).auth.verifyTotp.mutate({
      pendingToken: pending.token,
      code,
    });
  } catch (error) {
    return codeRefusal(error);
  }
  const done = await finish(session, pending.suite);
  if (done.error) return { error: done.error };
  redirect(done.to!);
}

/** Enrolment: the first code of the newly added app; then the recovery codes, shown once. */
export async function confirmEnrolmentAction(_previous: CodeState, formData: FormData): Promise<CodeState> {
  const pending = await pendingSignIn();
  if (!pending || pending.step !== 'enrol') redirect('/connexion?etape=expiree');
  const code = String(formData.get('code') ?? '').replace(/\s/g, '');
  if (!/^\d{6}$/.test(code)) return { error: 'Saisissez les 6 chiffres affichés par votre application.' };
  let result;
  try {
    result = await createApiClient(await signInClient()).auth.confirmTotpEnrolment.mutate({
      pendingToken: pending.token,
      code,
    });
  } catch (error) {
    return codeRefusal(error);
  }
  const done = await finish(result.session, pending.suite);
  if (done.error) return { error: done.error };
  await setRecoveryCodes(result.recoveryCodes, pending.suite);
  redirect('/connexion/codes-de-secours');
}

/** « J'ai noté mes codes »: the codes are forgotten by the portal, and on to the portal. */
export async function recoveryCodesNotedAction(): Promise<void> {
  const shown = await recoveryCodesToShow();
  await clearRecoveryCodes();
  redirect(safeReturnPath(shown?.suite ?? '') ?? '/');
}

/**
 * « Lier ma e-CPS » after a password refused because the practice requires PSC: the CGU accepted,
 * a `link` flow starts with the API's pending token; at the callback the e-CPS is linked and PSC
 * signs the professional in. The pending token is used once (the cookie is read and deleted).
 */
export async function linkPendingAction(previous: PscLinkState, formData: FormData): Promise<PscLinkState> {
  const attempt = previous.attempt + 1;
  if (formData.get('cguAccepted') !== 'on') return { attempt, error: pscMessage('cgu_required') };
  const pending = await takeLinkToken();
  if (!pending) redirect('/connexion?etape=expiree');
  const suite = safeReturnPath(pending.suite);
  let authorizationUrl: string;
  try {
    authorizationUrl = await beginPscFlow({
      purpose: 'link',
      linkToken: pending.linkToken,
      cguAccepted: true,
      returnTo: suite && suite.length <= 500 ? suite : null,
      back: '/connexion',
    });
  } catch (error) {
    if (error instanceof PscBeginRefused) return { attempt, error: pscMessage(error.reason) };
    throw error;
  }
  redirect(authorizationUrl);
}
