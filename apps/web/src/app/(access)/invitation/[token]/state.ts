export interface AcceptInvitationState {
  attempt: number;
  errors: { password?: string; confirmation?: string };
  formError: string | null;
}

export const EXISTING_ACCOUNT =
  "Cette adresse a déjà un compte Rayon : connectez-vous pour accepter l'invitation.";
