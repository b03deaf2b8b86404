/**
 * A referring professional's national identifiers: the RPPS (11 digits) or, for professions not
 * yet in the RPPS, the ADELI number (9 characters: the department, 2 digits or 2A/2B, then 7
 * digits). Either, both or none (a referrer known by name only): the documents name them all.
 * Hypothesis: no ADELI check key is verified (no ANS text defining one was at hand).
 */
export const ADELI_PATTERN = /^(\d{2}|2[AB])\d{7}$/;

/** Spaces removed, letters upper case (« 2a 1234567 » → « 2A1234567 »). */
export function normaliseAdeli(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

export function isValidAdeli(value: string): boolean {
  return ADELI_PATTERN.test(value);
}
