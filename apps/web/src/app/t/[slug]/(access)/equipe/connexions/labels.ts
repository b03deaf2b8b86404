/** The sign-in journal's outcomes in French (platform.sign_in_events.outcome). */
const OUTCOMES: Record<string, string> = {
  success: 'Connexion réussie',
  totp_success: 'Connexion réussie (double authentification)',
  recovery_code: 'Connexion réussie (code de secours)',
  wrong_password: 'Mot de passe incorrect',
  unknown_account: 'Compte inconnu',
  disabled: 'Compte désactivé',
  throttled: 'Refusée : trop de tentatives',
  totp_failed: 'Code de vérification incorrect',
  reset: 'Mot de passe réinitialisé',
  psc_success: 'Connexion réussie (Pro Santé Connect)',
  psc_refused: 'Refusée par Rayon : Pro Santé Connect',
  psc_unlinked: 'e-CPS liée à aucun compte',
  psc_required: 'Mot de passe refusé : Pro Santé Connect obligatoire',
};

export function signInOutcomeLabel(outcome: string): string {
  return OUTCOMES[outcome] ?? outcome;
}

/** Successes are shown as such; everything else is a failure worth a look. */
export const isSignInSuccess = (outcome: string) =>
  outcome === 'success' ||
  outcome === 'totp_success' ||
  outcome === 'recovery_code' ||
  outcome === 'psc_success';

/** The authentication level PSC reported (id_token `acr`), as the journal shows it. */
export function acrLabel(acr: string | null | undefined): string | null {
  if (!acr) return null;
  return acr === 'eidas1' ? 'niveau eIDAS substantiel (eidas1)' : `niveau ${acr}`;
}
