import { AppError, toInsForm } from '@rayon/domain';

/** Query of `rechercherInsAvecTraitsIdentite` as Rayon's callers give it. */
export interface TraitsQuery {
  /** Nom de naissance. */
  birthFamilyName: string;
  /** Prénoms de naissance in civil order; tried one by one (see `searchByTraits`). */
  forenames: string[];
  sex: 'M' | 'F';
  /** `YYYY-MM-DD`; `00` allowed as day or month (XSD type DateLunaire). */
  birthDate: string;
  /** COG (INSEE code) of the birth place, 5 characters, e.g. 63220, 2B020, 99350. */
  birthPlaceCode?: string;
}

/** One RECSANSVITALE body: a single Prenom per call. */
export interface TraitsRequestBody {
  birthFamilyName: string;
  forename: string;
  sex: 'M' | 'F';
  birthDate: string;
  birthPlaceCode?: string;
}

/** Query of `rechercherInsAvecCarteVitale` from the data read on the Vitale card. */
export interface VitaleQuery {
  /** NIR of the insured person ("ouvrant droit"), 13 characters + 2-digit key. */
  insuredNir: string;
  /** NIR of the beneficiary, when the card carries one for this beneficiary (13 + key). */
  beneficiaryNir?: string;
  /** Nom de naissance of the beneficiary, when known. */
  birthFamilyName?: string;
  /** Birth date of the beneficiary as on the card (`YYYY-MM-DD`, DateLunaire). */
  birthDate: string;
  /** Rang de naissance (rank among same-date births on the card), 1 to 9. */
  birthRank: number;
}

/**
 * INS traits travel in upper case without diacritics (INS reference: "caractères majuscules non
 * accentués"); names made of letters separated by a hyphen, a double hyphen (two family names),
 * an apostrophe or a space (the same character set TLSI-INS checks before calling). Accents and
 * ligatures are transliterated; anything else is refused.
 */
const INS_NAME = /^[A-Z]+(?:(?:-{1,2}|[' ])[A-Z]+)*$/;
/** DateLunaire: any day/month including 00 (unknown), as the RESULTAT XSD pattern \d{4}-\d{2}-\d{2}. */
const LUNAR_DATE = /^\d{4}-(?:0\d|1[0-2])-(?:[0-2]\d|3[01])$/;
/** COG: 5 characters (RESULTAT XSD pattern [A-Za-z0-9]{5}); Corsica 2A/2B. */
const COG = /^[0-9][0-9AB][0-9]{3}$/;
/** NIR / NIA with key: 13 characters (the 7th is A/B for Corsica, XSD pattern \d{6}[A-Za-z0-9]\d{6}) + 2 digits. */
const MATRICULE = /^\d{6}[0-9AB]\d{8}$/;

/** The INS form of a name, as the domain defines it (upper case, no diacritics, ligatures spelt out). */
export const toInsCharacters = toInsForm;

const bad = (field: string, message: string) => new AppError('BAD_INPUT', message, { field });

function insName(value: unknown, field: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw bad(field, `${what} is required.`);
  const normalised = toInsCharacters(value);
  if (!INS_NAME.test(normalised)) {
    throw bad(
      field,
      `${what} may contain only letters, separated by a hyphen, a double hyphen, an apostrophe or a space.`,
    );
  }
  return normalised;
}

function lunarDate(value: unknown, field: string): string {
  if (typeof value !== 'string' || !LUNAR_DATE.test(value)) {
    throw bad(field, 'The birth date must be YYYY-MM-DD (00 allowed for an unknown day or month).');
  }
  return value;
}

function sexOf(value: unknown): 'M' | 'F' {
  if (value !== 'M' && value !== 'F') throw bad('sex', 'The sex must be M or F for an INSi search.');
  return value;
}

export function normaliseTraitsQuery(query: TraitsQuery): TraitsQuery {
  if (!Array.isArray(query.forenames) || query.forenames.length === 0) {
    throw bad('forenames', 'At least one birth forename is required.');
  }
  const birthPlaceCode = query.birthPlaceCode?.trim().toUpperCase();
  if (birthPlaceCode !== undefined && birthPlaceCode !== '' && !COG.test(birthPlaceCode)) {
    throw bad(
      'birthPlaceCode',
      'The birth place must be a 5-character INSEE (COG) code, e.g. 63220 or 2B020.',
    );
  }
  return {
    birthFamilyName: insName(query.birthFamilyName, 'birthFamilyName', 'The birth family name'),
    forenames: query.forenames.map((f, i) => insName(f, `forenames.${i}`, 'Each birth forename')),
    sex: sexOf(query.sex),
    birthDate: lunarDate(query.birthDate, 'birthDate'),
    ...(birthPlaceCode ? { birthPlaceCode } : {}),
  };
}

/**
 * The forenames to try, in order: each forename alone, then (when there are several) all of them
 * together, stopping at the first 00 — the conduct TLSI-INS applies (insi-person.class
 * getSoapBodyAsJson, insi-client.service) and the CNDA HOUILLES case exercises (PIERRE, PAUL,
 * JACQUES, then "PIERRE PAUL JACQUES").
 */
export function forenameAttempts(forenames: readonly string[]): string[] {
  const distinct = [...new Set(forenames)];
  const all = forenames.join(' ');
  return distinct.length > 1 && !distinct.includes(all) ? [...distinct, all] : distinct;
}

export function normaliseVitaleQuery(query: VitaleQuery): VitaleQuery {
  const matricule = (value: unknown, field: string) => {
    const text = typeof value === 'string' ? value.replace(/\s/g, '').toUpperCase() : '';
    if (!MATRICULE.test(text)) throw bad(field, 'The NIR must have 13 characters and its 2-digit key.');
    return text;
  };
  if (!Number.isInteger(query.birthRank) || query.birthRank < 1 || query.birthRank > 9) {
    throw bad('birthRank', 'The birth rank must be an integer from 1 to 9.');
  }
  return {
    insuredNir: matricule(query.insuredNir, 'insuredNir'),
    ...(query.beneficiaryNir ? { beneficiaryNir: matricule(query.beneficiaryNir, 'beneficiaryNir') } : {}),
    ...(query.birthFamilyName
      ? { birthFamilyName: insName(query.birthFamilyName, 'birthFamilyName', 'The birth family name') }
      : {}),
    birthDate: lunarDate(query.birthDate, 'birthDate'),
    birthRank: query.birthRank,
  };
}
