export const MIN_PASSWORD_LENGTH = 12;

export interface AcceptInvitationState {
  attempt: number;
  errors: { password?: string; confirmation?: string };
  formError: string | null;
}
