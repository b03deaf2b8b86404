export interface NewPasswordState {
  attempt: number;
  errors: { password?: string; confirmation?: string };
  formError: string | null;
  /** The link no longer works (expired, or used meanwhile). */
  invalid: boolean;
  done: boolean;
}

export const INITIAL_NEW_PASSWORD: NewPasswordState = {
  attempt: 0,
  errors: {},
  formError: null,
  invalid: false,
  done: false,
};
