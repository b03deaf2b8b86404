export interface ChangePasswordState {
  attempt: number;
  errors: { currentPassword?: string; newPassword?: string; confirmation?: string };
  formError: string | null;
  /** Set once changed: how many other sessions were closed. */
  done: { otherSessionsEnded: number } | null;
}

export const INITIAL_CHANGE_PASSWORD: ChangePasswordState = {
  attempt: 0,
  errors: {},
  formError: null,
  done: null,
};
