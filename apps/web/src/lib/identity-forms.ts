import { checkStrictTraits } from '@rayon/domain';

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

export const REQUIRED_TRAIT_FIELDS: readonly TraitField[] = [
  'traits.birthFamilyName',
  'traits.firstBirthForename',
  'traits.birthDate',
  'traits.sex',
];

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

/** French message for a field the API refused (strict traits: the domain's rules). */
export function fieldErrorMessage(field: string, message: string): string {
  const m = message.replace(/^[\w.]+: /, '');
  if (/is required|^required$|expected string, received undefined/i.test(m))
    return 'Ce champ est obligatoire.';
  if (/may only contain letters/i.test(m)) {
    return 'Seuls les lettres, les espaces, les tirets et les apostrophes sont acceptés.';
  }
  if (field.endsWith('birthDate')) {
    if (/future/i.test(m)) return 'La date de naissance ne peut pas être dans le futur.';
    if (/before/i.test(m)) return 'La date de naissance ne peut pas être antérieure au 01/01/1850.';
    return 'Date de naissance invalide.';
  }
  if (field.endsWith('sex')) return 'Choisissez Féminin, Masculin ou Indéterminé.';
  if (field.endsWith('birthPlaceCode')) {
    return 'Le lieu de naissance est un code INSEE (COG) de 5 caractères, par exemple 63220, 2B020 ou 99134 pour un pays étranger.';
  }
  if (/too big|too long|at most/i.test(m)) return 'Valeur trop longue.';
  return 'Valeur invalide.';
}

/** Strict traits as typed in a form, for the API. */
export function traitsFrom(values: Record<TraitField, string>) {
  const orNull = (v: string) => (v === '' ? null : v);
  return {
    birthFamilyName: values['traits.birthFamilyName'],
    firstBirthForename: values['traits.firstBirthForename'],
    birthForenames: orNull(values['traits.birthForenames']),
    birthDate: values['traits.birthDate'],
    sex: values['traits.sex'] as 'M' | 'F' | 'U',
    birthPlaceCode: orNull(values['traits.birthPlaceCode'].toUpperCase()),
  };
}

/**
 * Every error of the strict traits at once, by the domain's own rules (the API answers the first
 * one only): the person corrects them all in one go. The API checks again.
 */
export function strictTraitErrors(values: Record<TraitField, string>): Partial<Record<TraitField, string>> {
  const errors: Partial<Record<TraitField, string>> = {};
  for (const f of REQUIRED_TRAIT_FIELDS) if (values[f] === '') errors[f] = 'Ce champ est obligatoire.';
  const result = checkStrictTraits(traitsFrom(values), new Date());
  for (const e of result.errors) {
    const field = e.field as TraitField | undefined;
    if (field && (TRAIT_FIELDS as readonly string[]).includes(field) && !errors[field]) {
      errors[field] = fieldErrorMessage(field, e.message);
    }
  }
  return errors;
}
