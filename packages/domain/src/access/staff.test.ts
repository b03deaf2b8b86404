import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.ts';
import {
  assertAdministratorRemains,
  assertNotSelf,
  checkRoles,
  checkStaffProfile,
  isValidRpps,
  signerDisplayName,
  signerProblems,
} from './staff.ts';

const ready = {
  civility: 'Dr',
  familyName: 'Martin',
  givenName: 'Anne',
  rpps: '10001234565',
  signsReports: true,
};

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return `${e.code} ${e.field}`;
    throw e;
  }
  return undefined;
}

describe('RPPS', () => {
  it('needs 11 digits whose Luhn key holds', () => {
    expect(isValidRpps('10001234565')).toBe(true);
    expect(isValidRpps('10001234567')).toBe(false); // wrong key
    expect(isValidRpps('1000123456')).toBe(false); // 10 digits
    expect(isValidRpps('100012345650')).toBe(false); // 12 digits
    expect(isValidRpps('1000123456A')).toBe(false);
    expect(isValidRpps('')).toBe(false);
  });
});

describe('signerProblems', () => {
  it('is empty for a radiologist allowed to sign with civility, names and a valid RPPS', () => {
    expect(signerProblems(['radiologist'], ready)).toEqual([]);
    expect(signerProblems(['practice_admin', 'radiologist'], ready)).toEqual([]);
  });

  it('names every missing piece, in a stable order', () => {
    expect(signerProblems(['secretary'], null)).toEqual([
      'not_radiologist',
      'not_signer',
      'no_civility',
      'no_names',
      'no_rpps',
    ]);
    expect(signerProblems(['resident'], ready)).toEqual(['not_radiologist']);
    expect(signerProblems(['radiologist'], { ...ready, signsReports: false })).toEqual(['not_signer']);
    expect(signerProblems(['radiologist'], { ...ready, civility: null })).toEqual(['no_civility']);
    expect(signerProblems(['radiologist'], { ...ready, civility: 'Docteur' })).toEqual(['no_civility']);
    expect(signerProblems(['radiologist'], { ...ready, givenName: '  ' })).toEqual(['no_names']);
    expect(signerProblems(['radiologist'], { ...ready, familyName: null })).toEqual(['no_names']);
    expect(signerProblems(['radiologist'], { ...ready, rpps: null })).toEqual(['no_rpps']);
    expect(signerProblems(['radiologist'], { ...ready, rpps: '10001234567' })).toEqual(['invalid_rpps']);
  });

  it('prints civility, given and family names', () => {
    expect(signerDisplayName(ready)).toBe('Dr Anne Martin');
  });
});

describe('checkStaffProfile', () => {
  it('normalises names, blanks and spaces in the RPPS', () => {
    expect(
      checkStaffProfile({
        civility: 'Pr',
        familyName: '  Le   Gall ',
        givenName: '',
        rpps: '100 0123 4565',
      }),
    ).toEqual({
      civility: 'Pr',
      familyName: 'Le Gall',
      givenName: null,
      rpps: '10001234565',
      signsReports: false,
    });
    expect(checkStaffProfile({})).toEqual({
      civility: null,
      familyName: null,
      givenName: null,
      rpps: null,
      signsReports: false,
    });
  });

  it('refuses a bad RPPS or civility naming the field', () => {
    expect(fieldOf(() => checkStaffProfile({ rpps: '10001234567' }))).toBe('BAD_INPUT profile.rpps');
    expect(fieldOf(() => checkStaffProfile({ rpps: '123' }))).toBe('BAD_INPUT profile.rpps');
    expect(fieldOf(() => checkStaffProfile({ civility: 'Docteur' as never }))).toBe(
      'BAD_INPUT profile.civility',
    );
    expect(fieldOf(() => checkStaffProfile({ familyName: 'x'.repeat(101) }))).toBe(
      'BAD_INPUT profile.familyName',
    );
  });
});

describe('roles', () => {
  it('needs at least one known role, each once, in catalogue order', () => {
    expect(checkRoles(['radiologist', 'practice_admin', 'radiologist'])).toEqual([
      'practice_admin',
      'radiologist',
    ]);
    expect(fieldOf(() => checkRoles([]))).toBe('BAD_INPUT roles');
    expect(fieldOf(() => checkRoles(['platform_admin']))).toBe('BAD_INPUT roles');
  });

  it('keeps one active administrator', () => {
    expect(() => assertAdministratorRemains(1, { roles: ['secretary'], active: true })).not.toThrow();
    expect(() => assertAdministratorRemains(0, { roles: ['practice_admin'], active: true })).not.toThrow();
    expect(fieldOf(() => assertAdministratorRemains(0, { roles: ['radiologist'], active: true }))).toBe(
      'CONFLICT roles',
    );
    expect(fieldOf(() => assertAdministratorRemains(0, { roles: ['practice_admin'], active: false }))).toBe(
      'CONFLICT userId',
    );
  });

  it('refuses deactivating oneself', () => {
    expect(fieldOf(() => assertNotSelf('u1', 'u1'))).toBe('CONFLICT userId');
    expect(() => assertNotSelf('u1', 'u2')).not.toThrow();
  });
});
