export interface CreateKeyState {
  attempt: number;
  values: { name: string; scopes: string[] };
  errors: { name?: string; scopes?: string };
  formError: string | null;
  /** The key just created: its secret is shown once, never again. */
  created: { name: string; secret: string } | null;
}

export const INITIAL_CREATE_KEY_STATE: CreateKeyState = {
  attempt: 0,
  values: { name: '', scopes: [] },
  errors: {},
  formError: null,
  created: null,
};
