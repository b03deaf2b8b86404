import { describe, expect, it } from 'vitest';
import { assertOrganisationId, legalEntityIdNat, organisationIdNat } from './organisation.ts';

describe('organisationIdNat', () => {
  it('prefers the site FINESS, then the practice FINESS, then its SIRET', () => {
    const practice = { finess: '750712184', siret: '26750045200011' };
    expect(organisationIdNat({ finess: '130781297' }, practice)).toBe('1130781297');
    expect(organisationIdNat({ finess: null }, practice)).toBe('1750712184');
    expect(organisationIdNat({ finess: null }, { finess: null, siret: '26750045200011' })).toBe(
      '326750045200011',
    );
    expect(organisationIdNat(undefined, { finess: null, siret: null })).toBeNull();
  });

  it('refuses naming finess when there is none', () => {
    expect(() => assertOrganisationId({ finess: null }, { finess: null, siret: null })).toThrow(
      expect.objectContaining({ code: 'CONFLICT', field: 'finess' }),
    );
  });
});

describe('legalEntityIdNat', () => {
  it('the practice FINESS juridique when the site has its own FINESS géographique', () => {
    const practice = { finess: '750712176', siret: null };
    expect(legalEntityIdNat({ finess: '750712184' }, practice)).toBe('1750712176');
    expect(legalEntityIdNat({ finess: '750712176' }, practice)).toBeNull();
    expect(legalEntityIdNat({ finess: null }, practice)).toBeNull();
    expect(legalEntityIdNat(undefined, practice)).toBeNull();
    expect(legalEntityIdNat({ finess: '750712184' }, { finess: null, siret: '26750045200011' })).toBeNull();
  });
});
