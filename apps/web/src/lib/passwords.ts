/**
 * Texts of the password fields. The policy's refusals (packages/access/src/password-policy.ts) are
 * reason keys `password.*` translated in lib/api-messages.ts.
 */

/** Shown next to every « nouveau mot de passe » field. */
export const PASSWORD_HINT =
  'Au moins 12 caractères, difficile à deviner\u00a0: par exemple quatre ou cinq mots sans lien entre eux. Évitez votre nom, votre adresse e-mail, le nom du cabinet et «\u00a0rayon\u00a0».';

/** Same password typed twice. */
export const PASSWORDS_DIFFER = 'Les deux mots de passe ne sont pas identiques.';
