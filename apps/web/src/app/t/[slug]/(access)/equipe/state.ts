/** What a form of the Équipe page shows after a submission. */
export interface StaffFormState {
  attempt: number;
  values: Record<string, string> | null;
  /** The roles ticked when the form comes back refused. */
  roles: string[] | null;
  errors: Record<string, string>;
  formError: string | null;
  notice: string | null;
  /** The invitation link to pass on by hand, when no mail could be sent. */
  link: { url: string; email: string; reason: string } | null;
}

export const INITIAL_STAFF_STATE: StaffFormState = {
  attempt: 0,
  values: null,
  roles: null,
  errors: {},
  formError: null,
  notice: null,
  link: null,
};
