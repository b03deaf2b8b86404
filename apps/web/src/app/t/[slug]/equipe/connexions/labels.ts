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
};

export function signInOutcomeLabel(outcome: string): string {
  return OUTCOMES[outcome] ?? outcome;
}

/** Successes are shown as such; everything else is a failure worth a look. */
export const isSignInSuccess = (outcome: string) =>
  outcome === 'success' || outcome === 'totp_success' || outcome === 'recovery_code';
