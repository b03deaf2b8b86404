import { describe, expect, it } from 'vitest';
import { DEFAULT_FAULT_TRIGGERS, DEFAULT_IDENTITIES } from './identities.ts';
import { datesMatch, findByTraits, findByVitale, findFault } from './matching.ts';

const ids = (q: Parameters<typeof findByTraits>[1]) => findByTraits(DEFAULT_IDENTITIES, q).map((i) => i.id);

describe('matching by traits', () => {
  it('matches on name, sex, date and one forename of the list (or the whole list)', () => {
    const base = { birthName: 'TCHITCHI', sex: 'F', birthDate: '1936-06-21' };
    expect(ids({ ...base, forenames: ['CATARINA'] })).toEqual(['TCHITCHI_CATARINA']);
    expect(ids({ ...base, forenames: ['BELLA'] })).toEqual(['TCHITCHI_CATARINA']);
    expect(ids({ ...base, forenames: ['CATARINA BELLA'] })).toEqual(['TCHITCHI_CATARINA']);
    expect(ids({ ...base, forenames: ['OLA'] })).toEqual([]);
    expect(ids({ ...base, forenames: ['CATARINA'], sex: 'M' })).toEqual([]);
    expect(ids({ ...base, forenames: ['CATARINA'], birthDate: '1936-06-22' })).toEqual([]);
  });

  it('compares without accents or case', () => {
    expect(ids({ birthName: 'Ádrun', forenames: ['zoé'], sex: 'F', birthDate: '1975-12-31' })).toEqual([
      'ADRUN_ZOE',
    ]);
  });

  it('returns both homonyms without birth place, one with it', () => {
    const q = { birthName: 'HOMONYME', forenames: ['CAMILLE'], sex: 'F', birthDate: '1990-05-15' };
    expect(ids(q)).toHaveLength(2);
    expect(ids({ ...q, birthPlace: '75056' })).toEqual(['HOMONYME_CAMILLE_PARIS']);
    expect(ids({ ...q, birthPlace: '13055' })).toEqual([]);
  });

  it('treats 00 as unknown day or month on either side, never for the year', () => {
    expect(datesMatch('1962-05-17', '1962-00-00')).toBe(true);
    expect(datesMatch('1962-00-00', '1962-05-17')).toBe(true);
    expect(datesMatch('1962-05-17', '1962-05-00')).toBe(true);
    expect(datesMatch('1962-05-17', '1962-06-00')).toBe(false);
    expect(datesMatch('0000-05-17', '1962-05-17')).toBe(false);
    expect(
      ids({ birthName: 'DATEPARTIELLE', forenames: ['AMINA'], sex: 'F', birthDate: '1962-08-01' }),
    ).toEqual(['DATEPARTIELLE_AMINA']);
  });

  it('finds the forced-fault query', () => {
    const q = { birthName: 'VANDERMONDE', forenames: ['ARIANA'], sex: 'F', birthDate: '1995-06-17' };
    expect(findFault(DEFAULT_FAULT_TRIGGERS, q)?.fault.siramCode).toBe('insi_102');
    expect(findFault(DEFAULT_FAULT_TRIGGERS, { ...q, forenames: ['LOU'] })).toBeUndefined();
  });
});

describe('matching by Vitale card', () => {
  it('finds an identity by its active or historical NIR and checks the birth date', () => {
    const find = (matricule: string, birthDate?: string) =>
      findByVitale(DEFAULT_IDENTITIES, { matricule, ...(birthDate ? { birthDate } : {}) }).map((i) => i.id);
    expect(find('275126322074974', '1975-12-31')).toEqual(['ADRUN_ZOE']);
    expect(find('209076322083439')).toEqual(['ECETINSI_PIERRE-ALAIN']);
    expect(find('275126322074974', '1975-12-30')).toEqual([]);
  });
});
