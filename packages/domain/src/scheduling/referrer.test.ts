import { describe, expect, it } from 'vitest';
import { isValidAdeli, normaliseAdeli } from './referrer.ts';

describe('ADELI', () => {
  it('9 characters: the department (2 digits, 2A or 2B) then 7 digits', () => {
    expect(isValidAdeli('751234567')).toBe(true);
    expect(isValidAdeli('2A1234567')).toBe(true);
    expect(isValidAdeli('2B1234567')).toBe(true);
    expect(isValidAdeli('75123456')).toBe(false);
    expect(isValidAdeli('7512345678')).toBe(false);
    expect(isValidAdeli('2C1234567')).toBe(false);
    expect(isValidAdeli('75123456A')).toBe(false);
  });

  it('is read without spaces, letters upper case', () => {
    expect(normaliseAdeli(' 2a 12 34 567 ')).toBe('2A1234567');
  });
});
