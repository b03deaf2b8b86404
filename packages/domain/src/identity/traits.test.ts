import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.ts';
import { parisDate } from '../shared/paris-time.ts';
import {
  ageOn,
  checkStrictTraits,
  cleanComplementaryTraits,
  isIsoDate,
  sameStrictTraits,
  strictTraitProblems,
  validateStrictTraits,
  type StrictTraitsInput,
} from './traits.ts';

const NOW = new Date('2026-03-15T10:00:00Z');
const PAT_TROIS: StrictTraitsInput = {
  birthFamilyName: 'PAT-TROIS',
  firstBirthForename: 'DOMINIQUE',
  birthForenames: 'DOMINIQUE',
  birthDate: '1979-03-28',
  sex: 'F',
  birthPlaceCode: '63220',
};

function fieldsOf(input: StrictTraitsInput): string[] {
  const r = checkStrictTraits(input, NOW);
  return r.errors.map((e) => e.field ?? '?');
}

describe('strict traits', () => {
  it('names the trait and the rule of every problem, for clients to word', () => {
    const rules = (input: StrictTraitsInput) =>
      strictTraitProblems(input, NOW).problems.map((p) => [p.trait, p.rule]);
    expect(rules({ birthFamilyName: ' ', firstBirthForename: 'J3an', birthForenames: 'A#' })).toEqual([
      ['birthFamilyName', 'required'],
      ['firstBirthForename', 'letters'],
      ['birthForenames', 'letters'],
      ['birthDate', 'required'],
      ['sex', 'required'],
    ]);
    expect(rules({ ...PAT_TROIS, birthDate: '2023-02-30', sex: 'X', birthPlaceCode: '2C020' })).toEqual([
      ['birthDate', 'date'],
      ['sex', 'sex'],
      ['birthPlaceCode', 'birth_place'],
    ]);
    expect(rules({ ...PAT_TROIS, birthDate: '2026-03-16' })).toEqual([['birthDate', 'future']]);
    expect(rules({ ...PAT_TROIS, birthDate: '1849-12-31' })).toEqual([['birthDate', 'too_old']]);
    expect(strictTraitProblems(PAT_TROIS, NOW)).toEqual({ traits: { ...PAT_TROIS }, problems: [] });
  });

  it('accepts the ANS test identity', () => {
    expect(validateStrictTraits(PAT_TROIS, NOW)).toEqual({ ...PAT_TROIS });
  });

  it('keeps names as written, accents included, white space collapsed', () => {
    const t = validateStrictTraits(
      {
        ...PAT_TROIS,
        birthFamilyName: '  Le  Gall ',
        firstBirthForename: 'Gwénaëlle',
        birthForenames: 'Gwénaëlle  Noël',
      },
      NOW,
    );
    expect(t.birthFamilyName).toBe('Le Gall');
    expect(t.firstBirthForename).toBe('Gwénaëlle');
    expect(t.birthForenames).toBe('Gwénaëlle Noël');
  });

  it('defaults the forename list to the first forename', () => {
    expect(validateStrictTraits({ ...PAT_TROIS, birthForenames: '' }, NOW).birthForenames).toBe('DOMINIQUE');
    expect(validateStrictTraits({ ...PAT_TROIS, birthForenames: null }, NOW).birthForenames).toBe(
      'DOMINIQUE',
    );
  });

  it('upper-cases sex and COG, and accepts an unknown birth place', () => {
    const t = validateStrictTraits({ ...PAT_TROIS, sex: 'm', birthPlaceCode: '2b020' }, NOW);
    expect(t.sex).toBe('M');
    expect(t.birthPlaceCode).toBe('2B020');
    expect(validateStrictTraits({ ...PAT_TROIS, birthPlaceCode: '' }, NOW).birthPlaceCode).toBeNull();
  });

  it.each(['63220', '2A004', '2B020', '97411', '99134'])('accepts the COG %s', (cog) => {
    expect(fieldsOf({ ...PAT_TROIS, birthPlaceCode: cog })).toEqual([]);
  });

  it.each(['6322', '632200', '2C004', '00123', 'ABCDE', '63 22'])('refuses the COG %j', (cog) => {
    expect(fieldsOf({ ...PAT_TROIS, birthPlaceCode: cog })).toEqual(['traits.birthPlaceCode']);
  });

  it('names every missing strict trait', () => {
    expect(fieldsOf({})).toEqual([
      'traits.birthFamilyName',
      'traits.firstBirthForename',
      'traits.birthDate',
      'traits.sex',
    ]);
  });

  it.each([
    ['birthFamilyName', 'DUPONT2', 'traits.birthFamilyName'],
    ['firstBirthForename', 'J.', 'traits.firstBirthForename'],
    ['birthForenames', 'JEAN, PAUL', 'traits.birthForenames'],
    ['birthDate', '28/03/1979', 'traits.birthDate'],
    ['birthDate', '1979-02-29', 'traits.birthDate'],
    ['birthDate', '1979-13-01', 'traits.birthDate'],
    ['birthDate', '2026-03-16', 'traits.birthDate'],
    ['birthDate', '0979-03-28', 'traits.birthDate'],
    ['sex', 'X', 'traits.sex'],
  ])('refuses %s = %j naming %s', (key, value, field) => {
    expect(fieldsOf({ ...PAT_TROIS, [key]: value })).toEqual([field]);
  });

  it('accepts a birth today (Paris date) and 29 February of a leap year', () => {
    expect(fieldsOf({ ...PAT_TROIS, birthDate: '2026-03-15' })).toEqual([]);
    expect(fieldsOf({ ...PAT_TROIS, birthDate: '2000-02-29' })).toEqual([]);
  });

  it('throws the first error as a BAD_INPUT AppError naming the field', () => {
    try {
      validateStrictTraits({ ...PAT_TROIS, birthDate: '1979-02-30' }, NOW);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect(e).toMatchObject({ code: 'BAD_INPUT', field: 'traits.birthDate' });
    }
  });

  it('uses the Paris calendar date', () => {
    expect(parisDate(new Date('2026-03-15T23:30:00Z'))).toBe('2026-03-16');
    expect(parisDate(new Date('2026-07-01T21:59:00Z'))).toBe('2026-07-01');
    expect(parisDate(new Date('2026-07-01T22:00:00Z'))).toBe('2026-07-02');
  });

  it('checks ISO dates and ages', () => {
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('1979-00-28')).toBe(false);
    expect(ageOn('2008-03-16', '2026-03-15')).toBe(17);
    expect(ageOn('2008-03-15', '2026-03-15')).toBe(18);
  });

  it('compares traits in INS form', () => {
    const a = validateStrictTraits(
      { ...PAT_TROIS, birthFamilyName: 'Le Gall', firstBirthForename: 'Gwénaëlle' },
      NOW,
    );
    const b = validateStrictTraits(
      { ...PAT_TROIS, birthFamilyName: 'LE GALL', firstBirthForename: 'GWENAELLE' },
      NOW,
    );
    expect(sameStrictTraits(a, { ...b, birthForenames: a.birthForenames })).toBe(true);
    expect(sameStrictTraits(a, { ...b, birthForenames: a.birthForenames, birthDate: '1979-03-29' })).toBe(
      false,
    );
    expect(sameStrictTraits(a, { ...b, birthForenames: a.birthForenames, birthPlaceCode: '63221' })).toBe(
      false,
    );
  });

  it('never blocks on complementary traits', () => {
    expect(cleanComplementaryTraits({ usedFamilyName: '  ', usedForename: ' Bénédicte ' })).toEqual({
      usedFamilyName: null,
      usedForename: 'Bénédicte',
    });
    expect(cleanComplementaryTraits({ usedFamilyName: 'X Æ A-12' })).toEqual({
      usedFamilyName: 'X Æ A-12',
      usedForename: null,
    });
  });
});
