'use server';

import { redirect } from 'next/navigation';
import { pscMessage, pscReasonParam } from '../../../lib/psc.ts';
import { apiErrorInfo } from '../../../server/api.ts';
import { beginPscFlow, PscBeginRefused } from '../../../server/psc.ts';
import { apiForSession, handleApiError, requireSession } from '../../../server/session.ts';

export interface PscLinkState {
  attempt: number;
  error: string | null;
}

/**
 * « Lier ma e-CPS »: the CGU of Pro Santé Connect accepted, a `link` flow starts for the signed-in
 * account and the browser goes to PSC; the callback comes back to /compte?psc=liee (or a refusal).
 */
export async function linkPscAction(previous: PscLinkState, formData: FormData): Promise<PscLinkState> {
  const attempt = previous.attempt + 1;
  if (formData.get('cguAccepted') !== 'on') return { attempt, error: pscMessage('cgu_required') };
  const session = await requireSession();
  let authorizationUrl: string;
  try {
    authorizationUrl = await beginPscFlow({
      purpose: 'link',
      cguAccepted: true,
      returnTo: '/compte',
      sessionToken: session.apiSessionToken,
      back: '/compte',
    });
  } catch (error) {
    if (error instanceof PscBeginRefused) return { attempt, error: pscMessage(error.reason) };
    throw error;
  }
  redirect(authorizationUrl);
}

/** « Délier »: the account signs in with its password again (refused when it has none, or when a practice requires PSC). */
export async function unlinkPscAction(): Promise<void> {
  const api = await apiForSession();
  try {
    await api.account.pscUnlink.mutate();
  } catch (error) {
    const reason = pscReasonParam(apiErrorInfo(error)?.reason);
    if (reason === 'failed') handleApiError(error);
    redirect(`/compte?psc=${reason}`);
  }
  redirect('/compte?psc=deliee');
}
