import { given } from './forms.ts';

/**
 * Fields of the identity forms (creation, change of the strict and complementary traits), named
 * by the API's dotted input paths so that an API error (`data.field`) lands next to its field.
 */
export const TRAIT_FIELDS = [
  'traits.birthFamilyName',
  'traits.firstBirthForename',
  'traits.birthForenames',
  'traits.birthDate',
  'traits.sex',
  'traits.birthPlaceCode',
] as const;
export const COMPLEMENTARY_FIELDS = ['complementary.usedFamilyName', 'complementary.usedForename'] as const;
export const IPP_FIELDS = ['ipp.authority', 'ipp.value'] as const;

export type TraitField = (typeof TRAIT_FIELDS)[number];
export type ComplementaryField = (typeof COMPLEMENTARY_FIELDS)[number];
export type IppField = (typeof IPP_FIELDS)[number];
export type IdentityFormField = TraitField | ComplementaryField | IppField;

export const SEX_OPTIONS = [
  { value: 'F', label: 'Féminin' },
  { value: 'M', label: 'Masculin' },
  { value: 'U', label: 'Indéterminé' },
] as const;

/** State of an identity form driven by a server action (values kept on error). */
export interface IdentityFormState<F extends string = IdentityFormField> {
  /** Increases on every submission, so the form re-mounts with the values entered. */
  attempt: number;
  /** null: show the patient's current values (nothing submitted, or saved). */
  values: Partial<Record<F, string>> | null;
  errors: Partial<Record<F, string>>;
  formError: string | null;
  notice: string | null;
  /** Version of the identity the notice is about: shown only while it is the current one. */
  savedVersion?: number;
}

export function initialFormState<F extends string>(): IdentityFormState<F> {
  return { attempt: 0, values: null, errors: {}, formError: null, notice: null };
}

/**
 * The form's fields read into the input of `@rayon/schemas/identity` (whose French messages land
 * next to the fields, named by the same dotted paths): texts as typed, an empty optional field is
 * null. The strict traits' rules are the domain's, applied by the schema.
 */
export function traitsFrom(values: Record<TraitField, string>) {
  return {
    birthFamilyName: values['traits.birthFamilyName'],
    firstBirthForename: values['traits.firstBirthForename'],
    birthForenames: given(values['traits.birthForenames']) ?? null,
    birthDate: values['traits.birthDate'],
    sex: given(values['traits.sex']),
    birthPlaceCode: given(values['traits.birthPlaceCode'].toUpperCase()) ?? null,
  };
}

export function complementaryFrom(values: Record<ComplementaryField, string>) {
  return {
    usedFamilyName: given(values['complementary.usedFamilyName']) ?? null,
    usedForename: given(values['complementary.usedForename']) ?? null,
  };
}
