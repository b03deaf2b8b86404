import { luhnValid } from '../shared/luhn.ts';

/**
 * A tenant slug: lower-case letters, digits and single hyphens, 3 to 40 characters, starting
 * with a letter. It names the tenant's PostgreSQL schema (`t_` + slug with `-` → `_`), so the
 * rule also guarantees a safe, unique identifier.
 */
export const SLUG_PATTERN = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){2,39}$/;

export function isValidSlug(slug: string): boolean {
  return SLUG_PATTERN.test(slug);
}

export function tenantSchemaName(slug: string): string {
  if (!isValidSlug(slug)) throw new Error(`invalid tenant slug: ${slug}`);
  return `t_${slug.replaceAll('-', '_')}`;
}

/**
 * FINESS number (Fichier national des établissements sanitaires et sociaux): 9 characters,
 * the department (2 digits, or 2A / 2B for Corsica), 6 digits, and a Luhn check digit.
 * How the key treats the Corsican letters is not confirmed from an official source here, so
 * for 2A / 2B only the format is checked (a valid number must never be refused).
 */
export function isValidFiness(value: string): boolean {
  if (!/^(?:[0-9]{2}|2[AB])[0-9]{7}$/.test(value)) return false;
  return /^2[AB]/.test(value) || luhnValid(value);
}

/**
 * SIRET: 14 digits, Luhn valid; La Poste's establishments (SIREN 356000000) use a
 * sum-of-digits-multiple-of-5 rule instead.
 */
export function isValidSiret(value: string): boolean {
  if (!/^[0-9]{14}$/.test(value)) return false;
  if (value.startsWith('356000000')) {
    const sum = [...value].reduce((s, c) => s + Number(c), 0);
    return sum % 5 === 0;
  }
  return luhnValid(value);
}
