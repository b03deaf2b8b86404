/** The onboarding form's fields, named by the API's dotted input paths. */
export const ONBOARDING_FIELDS = [
  'name',
  'slug',
  'finess',
  'siret',
  'firstSite.name',
  'firstSite.finess',
  'firstSite.city',
  'admin.displayName',
  'admin.email',
] as const;
export type OnboardingField = (typeof ONBOARDING_FIELDS)[number];

export type OnboardingValues = Record<OnboardingField, string>;

export interface OnboardingState {
  /** Increases on every submission, so the form re-mounts with the values entered. */
  attempt: number;
  values: OnboardingValues;
  errors: Partial<Record<OnboardingField, string>>;
  formError: string | null;
}

export function emptyValues(): OnboardingValues {
  return Object.fromEntries(ONBOARDING_FIELDS.map((f) => [f, ''])) as OnboardingValues;
}

export function isOnboardingField(value: string | null | undefined): value is OnboardingField {
  return (ONBOARDING_FIELDS as readonly (string | null | undefined)[]).includes(value);
}

/** French message shown next to a field the API found taken. */
export const CONFLICT_FIELD_MESSAGES: Partial<Record<OnboardingField, string>> = {
  slug: 'Cet identifiant est déjà utilisé par un autre établissement.',
  finess: 'Ce numéro FINESS est déjà enregistré pour un autre établissement.',
};
