/**
 * Pro Santé Connect in the portal: what the pages and route handlers share and can test without a
 * server — the French of every refusal the API gives (`psc.<reason>`), the flow cookie's content,
 * and the addresses of the journey.
 */
import { z } from 'zod';
import { frenchReason, reasonText } from './api-messages.ts';

/** What a flow was started for (`auth.pscBegin` purpose). */
export type PscPurpose = 'sign_in' | 'link' | 'invitation';

/** The page that starts a sign-in through PSC (route handler; `?suite=` a path to go back to). */
export const PSC_START_PATH = '/connexion/psc';
/** The redirect_uri registered with PSC (route handler). */
export const PSC_RETURN_PATH = '/connexion/psc/retour';
/** Where an e-CPS linked to no account is told how to get one. */
export const PSC_UNLINKED_PATH = '/connexion/psc/non-liee';
/**
 * The CGU of Pro Santé Connect that a professional accepts before linking an e-CPS.
 * Hypothesis: the public PSC page of the ANS is where its CGU are published (the PSC service
 * agreement is given to operators on the industriels portal, not at a stable public address).
 */
export const PSC_CGU_URL = 'https://esante.gouv.fr/produits-services/pro-sante-connect';

const FALLBACK = 'La connexion par Pro Santé Connect a échoué. Réessayez dans un instant.';

/** The password refused because the practice requires PSC (`auth.psc_required`). */
export const PSC_REQUIRED_MESSAGE = reasonText('auth.psc_required');

/** `/connexion?deconnexion=psc`: PSC ended its session and sent the browser back. */
export const SIGNED_OUT_OF_PSC = 'Vous êtes déconnecté de Rayon et de Pro Santé Connect.';

/**
 * The reason to put in the address (`?psc=acr_refused`): the API's `psc.<reason>` without its
 * prefix when it is one we know, else `failed`. Nothing else of the error reaches the address.
 */
export function pscReasonParam(reason: unknown): string {
  if (typeof reason !== 'string' || !reason.startsWith('psc.')) return 'failed';
  return frenchReason(reason) === undefined ? 'failed' : reason.slice(4);
}

/** The French message for a `?psc=` value (or a `psc.<reason>`); a generic one for anything else. */
export function pscMessage(reason: string | null | undefined): string {
  if (!reason) return FALLBACK;
  return frenchReason(reason.startsWith('psc.') ? reason : `psc.${reason}`) ?? FALLBACK;
}

/** The flow cookie: the API's flow token, and where a refusal sends the browser back. */
export const PSC_FLOW_COOKIE = 'rayon-psc-flow';
/** 10 minutes: longer than a PSC sign-in with the e-CPS app, shorter than a forgotten tab. */
export const PSC_FLOW_MAX_AGE_S = 10 * 60;

const flowSchema = z.object({
  flowToken: z.string().min(1).max(500),
  purpose: z.enum(['sign_in', 'link', 'invitation']),
  /** A path of the portal where a refusal is shown (/connexion, /compte, /invitation/…). */
  back: z.string().max(500),
});
export type PscFlowCookie = z.infer<typeof flowSchema>;

export function encodeFlowCookie(flow: PscFlowCookie): string {
  return JSON.stringify(flow);
}

export function decodeFlowCookie(raw: string | undefined): PscFlowCookie | undefined {
  if (!raw) return undefined;
  try {
    const parsed = flowSchema.safeParse(JSON.parse(raw));
    if (!parsed.success || !parsed.data.back.startsWith('/') || parsed.data.back.startsWith('//'))
      return undefined;
    return parsed.data;
  } catch {
    return undefined;
  }
}

/** `back` + `?psc=<reason>` (keeps the path's own query). */
export function withPscReason(back: string, reason: string): string {
  return `${back}${back.includes('?') ? '&' : '?'}psc=${encodeURIComponent(reason)}`;
}

/** The professional's name for the « non liée » page, from a short-lived cookie (no identifier). */
export const PSC_UNLINKED_COOKIE = 'rayon-psc-unlinked';
