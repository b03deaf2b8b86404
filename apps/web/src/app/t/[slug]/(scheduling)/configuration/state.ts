/** What a configuration form shows after a submission. */
export interface ConfigFormState {
  attempt: number;
  values: Record<string, string> | null;
  errors: Record<string, string>;
  formError: string | null;
  notice: string | null;
}

export const INITIAL_CONFIG_STATE: ConfigFormState = {
  attempt: 0,
  values: null,
  errors: {},
  formError: null,
  notice: null,
};
