/**
 * The password policy's refusals in French (apps/api/src/auth/password-policy.ts): the API gives
 * the reason key and zxcvbn's feedback already translated (`details.feedbackFr`).
 */

/** Shown next to every « nouveau mot de passe » field. */
export const PASSWORD_HINT =
  'Au moins 12 caractères, difficile à deviner\u00a0: par exemple quatre ou cinq mots sans lien entre eux. Évitez votre nom, votre adresse e-mail, le nom du cabinet et «\u00a0rayon\u00a0».';

interface PolicyDetails {
  reason?: unknown;
  minLength?: unknown;
  feedbackFr?: { warning?: unknown; suggestions?: unknown };
}

/** The French sentence for a BAD_INPUT on a password field, from the error's details. */
export function passwordRefusalFr(details: Record<string, unknown> | null): string {
  const d = (details ?? {}) as PolicyDetails;
  const min = typeof d.minLength === 'number' ? d.minLength : 12;
  if (d.reason === 'password.blank') return 'Le mot de passe ne peut pas être fait que d’espaces.';
  if (d.reason === 'password.too_short') return `Le mot de passe doit contenir au moins ${min} caractères.`;
  const warning = typeof d.feedbackFr?.warning === 'string' ? d.feedbackFr.warning : null;
  const suggestions = Array.isArray(d.feedbackFr?.suggestions)
    ? d.feedbackFr.suggestions.filter((s): s is string => typeof s === 'string')
    : [];
  return [
    'Ce mot de passe serait trop facile à deviner.',
    warning,
    ...suggestions,
    suggestions.length === 0 ? 'Allongez-le, par exemple avec quelques mots peu courants.' : null,
  ]
    .filter(Boolean)
    .join(' ');
}

/** Same password typed twice. */
export const PASSWORDS_DIFFER = 'Les deux mots de passe ne sont pas identiques.';
