/**
 * Pro Santé Connect in the portal: what the pages and route handlers share and can test without a
 * server — the French of every refusal the API gives (`psc.<reason>`), the flow cookie's content,
 * and the addresses of the journey.
 */
import { z } from 'zod';

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

/** Refusals about the answer of PSC itself: nothing the professional did wrong, try again. */
const NOT_VERIFIED =
  'La réponse de Pro Santé Connect n’a pas pu être vérifiée ; la connexion a été refusée. Réessayez.';

/** The French of each `psc.<reason>` of the API (contract: auth.pscBegin / pscComplete / account.pscUnlink). */
const MESSAGES: Record<string, string> = {
  acr_refused:
    'Votre authentification Pro Santé Connect n’a pas le niveau requis (eIDAS substantiel). Reconnectez-vous avec votre e-CPS ou votre carte CPS.',
  id_token_invalid: NOT_VERIFIED,
  nonce_mismatch: NOT_VERIFIED,
  state_mismatch: NOT_VERIFIED,
  flow_expired:
    'Cette connexion par Pro Santé Connect a expiré ou a déjà été utilisée ; elle a été refusée. Recommencez la connexion.',
  denied:
    'La connexion a été annulée sur Pro Santé Connect. Vous pouvez recommencer quand vous le souhaitez.',
  provider_error:
    'Pro Santé Connect a refusé la demande de connexion. Réessayez dans un instant ; si cela se reproduit, connectez-vous avec votre mot de passe et prévenez l’administrateur de votre établissement.',
  unavailable:
    'Pro Santé Connect ne répond pas pour le moment. Réessayez dans un instant, ou connectez-vous avec votre mot de passe.',
  not_configured: 'La connexion par Pro Santé Connect n’est pas proposée sur ce service.',
  rpps_mismatch:
    'Le numéro RPPS de votre e-CPS ne correspond pas à celui de votre profil de radiologue dans Rayon : rien n’a été lié. Demandez à l’administrateur de votre établissement de vérifier votre RPPS.',
  already_linked:
    'Cette e-CPS est déjà liée à un autre compte Rayon, ou votre compte à une autre e-CPS : rien n’a été changé.',
  account_disabled:
    'Votre compte Rayon est désactivé : la connexion a été refusée. Adressez-vous à l’administrateur de votre établissement.',
  invitation_invalid:
    'Ce lien d’invitation n’est plus valable (expiré, annulé ou déjà utilisé). Demandez une nouvelle invitation à l’administrateur de votre établissement.',
  invitation_other_account:
    'Votre e-CPS est liée à un compte Rayon d’une autre adresse que celle de l’invitation. Connectez-vous avec ce compte, ou demandez une invitation à son adresse.',
  cgu_required: 'Acceptez les conditions générales d’utilisation de Pro Santé Connect pour continuer.',
  unlink_needs_password:
    'Votre compte n’a pas de mot de passe : sans votre e-CPS, vous ne pourriez plus vous connecter. Choisissez d’abord un mot de passe (« Mot de passe oublié ? » sur la page de connexion).',
  required_by_practice:
    'Votre établissement exige la connexion par Pro Santé Connect pour les professionnels de santé : votre e-CPS ne peut pas être déliée.',
};

const FALLBACK = 'La connexion par Pro Santé Connect a échoué. Réessayez dans un instant.';

/** The password refused because the practice requires PSC (`auth.psc_required`). */
export const PSC_REQUIRED_MESSAGE =
  'Votre établissement exige la connexion par Pro Santé Connect pour les professionnels de santé : utilisez votre e-CPS ou votre carte CPS.';

/** `/connexion?deconnexion=psc`: PSC ended its session and sent the browser back. */
export const SIGNED_OUT_OF_PSC = 'Vous êtes déconnecté de Rayon et de Pro Santé Connect.';

/**
 * The reason to put in the address (`?psc=acr_refused`): the API's `psc.<reason>` without its
 * prefix when it is one we know, else `failed`. Nothing else of the error reaches the address.
 */
export function pscReasonParam(reason: unknown): string {
  if (typeof reason !== 'string' || !reason.startsWith('psc.')) return 'failed';
  const short = reason.slice(4);
  return Object.hasOwn(MESSAGES, short) ? short : 'failed';
}

/** The French message for a `?psc=` value (or a `psc.<reason>`); a generic one for anything else. */
export function pscMessage(reason: string | null | undefined): string {
  if (!reason) return FALLBACK;
  const short = reason.startsWith('psc.') ? reason.slice(4) : reason;
  return Object.hasOwn(MESSAGES, short) ? MESSAGES[short]! : FALLBACK;
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
