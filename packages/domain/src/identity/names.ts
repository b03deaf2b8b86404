/**
 * Name forms. Three are used:
 * - as written: what the identity document, the desk or the hospital sent (kept exactly, only
 *   trimmed and with runs of white space collapsed), e.g. "Gwénaëlle";
 * - the INS form: upper case, no diacritics, letters A-Z with space, hyphen (single or double,
 *   as in "DUPONT--DURAND" double names) and apostrophe — the form in which INSi returns the
 *   traits (see the INSi test kit answers in `conformance/services/insi/responses/`);
 * - the search key: INS form with every separator collapsed to one space, so that search works
 *   with and without accents, hyphens or apostrophes.
 */

/** Letters that Unicode decomposition does not reduce to A-Z. */
const SPECIAL_LETTERS: Record<string, string> = {
  Œ: 'OE',
  œ: 'oe',
  Æ: 'AE',
  æ: 'ae',
  ß: 'ss',
  Ø: 'O',
  ø: 'o',
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  ı: 'i',
};
const SPECIAL_RE = /[ŒœÆæßØøŁłĐđı]/g;

/** Removes diacritics (é → e, Ç → C) and spells ligatures out (Œ → OE). */
export function foldDiacritics(value: string): string {
  return value
    .replace(SPECIAL_RE, (c) => SPECIAL_LETTERS[c] ?? c)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '');
}

/** Trims and collapses white space; typographic apostrophes and dashes become ' and -. */
export function cleanName(value: string): string {
  return value
    .replace(/[\u2018\u2019\u02BC\u0060\u00B4]/g, "'")
    .replace(/[\u2010\u2011\u2012\u2013\u2014]/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/ ?(--?) ?/g, '$1')
    .trim();
}

/** The INS form of a name: upper case, no diacritics ("Gwénaëlle" → "GWENAELLE"). */
export function toInsForm(value: string): string {
  return foldDiacritics(cleanName(value)).toUpperCase();
}

/** A name (in INS form) made of letters separated by one space, hyphen, double hyphen or apostrophe. */
const INS_NAME_RE = /^[A-Z]+(?:(?:--|-|' ?| )[A-Z]+)*$/;

/**
 * Whether a name is acceptable as a strict trait: once folded to the INS form it must be letters
 * with single separators (so accented letters are accepted, digits and other signs are not).
 */
export function isValidName(value: string): boolean {
  return INS_NAME_RE.test(toInsForm(value));
}

/**
 * Search key: no accents, upper case, hyphens / apostrophes / spaces collapsed to one space.
 * `searchKey('Gwénaëlle')` = `searchKey('GWENAELLE')`; `searchKey("D'Artagnan-Le  Gall")` =
 * `searchKey('D ARTAGNAN LE GALL')`.
 */
export function searchKey(name: string): string {
  return foldDiacritics(name)
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
}
