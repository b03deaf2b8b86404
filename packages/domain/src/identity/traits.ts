import { isOneOf } from '../shared/values.ts';
import { badInput, type AppError } from '../shared/errors.ts';
import { parisDate } from '../shared/paris-time.ts';
import { cleanName, isValidName, searchKey, toInsForm } from './names.ts';
import type { ComplementaryTraits, Sex, StrictTraits } from './types.ts';

/** Strict traits as typed at the desk or received: loose types, checked by {@link validateStrictTraits}. */
export interface StrictTraitsInput {
  birthFamilyName?: string | null;
  firstBirthForename?: string | null;
  /** Empty or absent: the first birth forename alone. */
  birthForenames?: string | null;
  birthDate?: string | null;
  sex?: string | null;
  birthPlaceCode?: string | null;
}

const SEXES: readonly Sex[] = ['M', 'F', 'U'];

/**
 * COG (code officiel géographique, INSEE) of a birth place: 5 characters, département 01-99
 * (97x/98x overseas, 99 = abroad, followed by the country code) or 2A/2B (Corsica), then 3 digits:
 * 63220, 2B020, 97411, 99134.
 */
const COG_RE = /^(?:0[1-9]|[1-9]\d|2[AB])\d{3}$/;

/** Sanity lower bound for a birth date (a year like 0979 is a typing error, not a person). */
export const OLDEST_BIRTH_DATE = '1850-01-01';

/** Whether `value` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** Days in a month (1-12) of the Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Age in whole years on `today` (both ISO dates). */
export function ageOn(birthDate: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** A strict trait, as named in the input (`traits.<trait>`). */
export type StrictTrait =
  'birthFamilyName' | 'firstBirthForename' | 'birthForenames' | 'birthDate' | 'sex' | 'birthPlaceCode';

/** The rule a strict trait breaks: clients word the refusal from it (never from the message). */
export type StrictTraitRule = 'required' | 'letters' | 'date' | 'future' | 'too_old' | 'sex' | 'birth_place';

/** A strict trait that breaks a rule, with the English message for developers and logs. */
export interface StrictTraitProblem {
  trait: StrictTrait;
  rule: StrictTraitRule;
  message: string;
}

function checkName(
  trait: StrictTrait,
  label: string,
  value: string | null | undefined,
  problems: StrictTraitProblem[],
): string {
  const cleaned = cleanName(value ?? '');
  if (cleaned === '') problems.push({ trait, rule: 'required', message: `${label} is required` });
  else if (!isValidName(cleaned)) {
    problems.push({
      trait,
      rule: 'letters',
      message: `${label} may only contain letters, spaces, hyphens and apostrophes`,
    });
  }
  return cleaned;
}

/**
 * Checks strict traits and returns every problem (the trait and the rule it breaks), plus the
 * cleaned traits when there is none. Names are kept as written (accents and case preserved, white
 * space collapsed): see `names.ts`. Only strict traits are checked here; nothing else may block the
 * creation of an identity. The one home of these rules: the input schemas call it too.
 */
export function strictTraitProblems(
  input: StrictTraitsInput,
  now: Date,
): { traits: StrictTraits; problems: [] } | { traits: null; problems: StrictTraitProblem[] } {
  const problems: StrictTraitProblem[] = [];
  const problem = (trait: StrictTrait, rule: StrictTraitRule, message: string) =>
    problems.push({ trait, rule, message });
  const birthFamilyName = checkName('birthFamilyName', 'the birth name', input.birthFamilyName, problems);
  const firstBirthForename = checkName(
    'firstBirthForename',
    'the first birth forename',
    input.firstBirthForename,
    problems,
  );
  let birthForenames = cleanName(input.birthForenames ?? '');
  if (birthForenames === '') birthForenames = firstBirthForename;
  else if (!isValidName(birthForenames)) {
    problem(
      'birthForenames',
      'letters',
      'the birth forenames may only contain letters, spaces, hyphens and apostrophes',
    );
  }

  const birthDate = (input.birthDate ?? '').trim();
  if (birthDate === '') problem('birthDate', 'required', 'the birth date is required');
  else if (!isIsoDate(birthDate)) {
    problem('birthDate', 'date', 'the birth date must be a real date written YYYY-MM-DD');
  } else if (birthDate > parisDate(now)) {
    problem('birthDate', 'future', 'the birth date cannot be in the future');
  } else if (birthDate < OLDEST_BIRTH_DATE) {
    problem('birthDate', 'too_old', `the birth date cannot be before ${OLDEST_BIRTH_DATE}`);
  }

  const sex = (input.sex ?? '').trim().toUpperCase();
  if (sex === '') problem('sex', 'required', 'the sex is required');
  else if (!isOneOf(SEXES, sex)) problem('sex', 'sex', 'the sex must be M, F or U');

  const place = (input.birthPlaceCode ?? '').trim().toUpperCase();
  if (place !== '' && !COG_RE.test(place)) {
    problem(
      'birthPlaceCode',
      'birth_place',
      'the birth place must be a 5-character INSEE code (e.g. 63220, 2B020, 99134)',
    );
  }

  if (problems.length > 0) return { traits: null, problems };
  return {
    traits: {
      birthFamilyName,
      firstBirthForename,
      birthForenames,
      birthDate,
      sex: sex as Sex,
      birthPlaceCode: place === '' ? null : place,
    },
    problems: [],
  };
}

/** {@link strictTraitProblems} as errors, each naming its field (`traits.birthDate`, …). */
export function checkStrictTraits(
  input: StrictTraitsInput,
  now: Date,
  prefix = 'traits',
): { traits: StrictTraits; errors: [] } | { traits: null; errors: AppError[] } {
  const result = strictTraitProblems(input, now);
  if (result.traits !== null) return { traits: result.traits, errors: [] };
  return {
    traits: null,
    errors: result.problems.map((p) => badInput(`${prefix}.${p.trait}`, p.message)),
  };
}

/** {@link checkStrictTraits} that throws the first error (an AppError BAD_INPUT naming its field). */
export function validateStrictTraits(input: StrictTraitsInput, now: Date, prefix = 'traits'): StrictTraits {
  const result = checkStrictTraits(input, now, prefix);
  if (result.traits === null) throw result.errors[0] ?? badInput(prefix, 'invalid strict traits');
  return result.traits;
}

/** Complementary traits are never blocking: only cleaned, empty values become null. */
export function cleanComplementaryTraits(input: ComplementaryTraits): ComplementaryTraits {
  const clean = (v: string | null | undefined) => {
    const c = cleanName(v ?? '');
    return c === '' ? null : c;
  };
  return { usedFamilyName: clean(input.usedFamilyName), usedForename: clean(input.usedForename) };
}

/**
 * Whether two sets of strict traits designate the same person once both are put in INS form
 * (case, accents and separators ignored): used to tell whether traits returned by INSi are the
 * ones checked on an identity document.
 */
export function sameStrictTraits(a: StrictTraits, b: StrictTraits): boolean {
  const k = (v: string) => searchKey(toInsForm(v));
  return (
    k(a.birthFamilyName) === k(b.birthFamilyName) &&
    k(a.firstBirthForename) === k(b.firstBirthForename) &&
    k(a.birthForenames) === k(b.birthForenames) &&
    a.birthDate === b.birthDate &&
    a.sex === b.sex &&
    (a.birthPlaceCode ?? '') === (b.birthPlaceCode ?? '')
  );
}
