import { describe, expect, it } from 'vitest';
import { cleanName, foldDiacritics, isValidName, searchKey, toInsForm } from './names.ts';

describe('names', () => {
  it('folds diacritics and ligatures', () => {
    expect(foldDiacritics('Gwénaëlle Bénédicte Noël Çà')).toBe('Gwenaelle Benedicte Noel Ca');
    expect(foldDiacritics('Lætitia Œdipe')).toBe('Laetitia OEdipe');
  });

  it('cleans white space, typographic apostrophes and dashes', () => {
    expect(cleanName('  D’ARTAGNAN   le  Gall ')).toBe("D'ARTAGNAN le Gall");
    expect(cleanName('Jean – Pierre')).toBe('Jean-Pierre');
    expect(cleanName('DUPONT -- DURAND')).toBe('DUPONT--DURAND');
  });

  it('gives the INS form (upper case, no diacritics)', () => {
    expect(toInsForm('Gwénaëlle')).toBe('GWENAELLE');
    expect(toInsForm("n'guyen-lê")).toBe("N'GUYEN-LE");
  });

  it.each(['PAT-TROIS', 'Gwénaëlle', "D'ARTAGNAN", "D' ARTAGNAN", 'DUPONT--DURAND', 'MARIE LOUISE', 'Noël'])(
    'accepts the name %j',
    (name) => expect(isValidName(name)).toBe(true),
  );

  it.each(['', ' ', 'DUPONT2', '-DUPONT', 'DUPONT-', "'A", 'A---B', 'A.B', 'A,B', 'Ж'])(
    'refuses the name %j',
    (name) => expect(isValidName(name)).toBe(false),
  );

  it('builds search keys that match with and without accents and separators', () => {
    expect(searchKey('Gwénaëlle')).toBe(searchKey('GWENAELLE'));
    expect(searchKey('Bénédicte')).toBe('BENEDICTE');
    expect(searchKey('noël')).toBe('NOEL');
    expect(searchKey("D'Artagnan-Le  Gall")).toBe('D ARTAGNAN LE GALL');
    expect(searchKey('Jean--Pierre')).toBe(searchKey('JEAN PIERRE'));
    expect(searchKey('  ')).toBe('');
  });
});
