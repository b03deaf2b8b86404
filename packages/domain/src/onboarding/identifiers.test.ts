import { describe, expect, it } from 'vitest';
import { isValidFiness, isValidSiret, isValidSlug, tenantSchemaName } from './identifiers.ts';

describe('tenant identifiers', () => {
  it('accepts well-formed slugs and maps them to schema names', () => {
    expect(isValidSlug('imagerie-du-parc')).toBe(true);
    expect(tenantSchemaName('imagerie-du-parc')).toBe('t_imagerie_du_parc');
  });

  it.each(['ab', 'Imagerie', '1abc', 'abc-', 'a--b', 'abc_def', 'x'.repeat(41), 'abc;drop'])(
    'rejects slug %s',
    (slug) => {
      expect(isValidSlug(slug)).toBe(false);
      expect(() => tenantSchemaName(slug)).toThrow();
    },
  );

  it('checks the FINESS Luhn key', () => {
    expect(isValidFiness('750712184')).toBe(true); // AP-HP (FINESS juridique)
    expect(isValidFiness('750712185')).toBe(false);
    expect(isValidFiness('75071218')).toBe(false);
    expect(isValidFiness('2A0000000')).toBe(true); // Corsica: format only (see the function)
    expect(isValidFiness('2C0000000')).toBe(false);
  });

  it('checks the SIRET Luhn key', () => {
    expect(isValidSiret('26750045200011')).toBe(true); // AP-HP siège
    expect(isValidSiret('26750045200012')).toBe(false);
    expect(isValidSiret('35600000049837')).toBe(true); // La Poste: digit sum multiple of 5, not Luhn
    expect(isValidSiret('35600000049838')).toBe(false);
  });
});
