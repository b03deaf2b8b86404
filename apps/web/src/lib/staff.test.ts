import { describe, expect, it } from 'vitest';
import {
  EMAIL_TAKEN_MESSAGE,
  isValidRpps,
  LAST_ADMIN_MESSAGE,
  lastSignInText,
  profileOfForm,
  readRoles,
  RPPS_MESSAGE,
  signerRefusal,
  SIGNER_PROBLEM_LABELS,
  SIGNER_PROBLEMS,
  STAFF_FORM_FIELDS,
  staffFieldError,
} from './staff.ts';
import { setProfileInput } from '@rayon/schemas/staff';
import { parseForm } from './forms.ts';

const USER = '6f1c2f5e-8d8a-4a43-9a57-1c1f7f0e2b11';

describe('the practice staff in the portal', () => {
  it('checks an RPPS number: 11 digits with a Luhn key', () => {
    expect(isValidRpps('10001234565')).toBe(true);
    expect(isValidRpps('10001234566')).toBe(false);
    expect(isValidRpps('1000123456')).toBe(false);
    expect(isValidRpps('1000123456a')).toBe(false);
  });

  it('reads the profile fields with the shared schema, refusing a wrong RPPS and civility in French', () => {
    const form: Record<string, string> = {
      civility: 'Dr',
      familyName: ' DUPONT ',
      givenName: 'Marie',
      rpps: '100 012 345 65',
      signsReports: 'on',
    };
    const read = (values: Record<string, string>) =>
      parseForm(setProfileInput, { userId: USER, profile: profileOfForm(values) }, STAFF_FORM_FIELDS);
    expect(read(form)).toEqual({
      ok: true,
      data: {
        userId: USER,
        profile: {
          civility: 'Dr',
          familyName: 'DUPONT',
          givenName: 'Marie',
          rpps: '100 012 345 65',
          signsReports: true,
        },
      },
    });
    expect(read({ civility: 'Mlle', rpps: '10001234566' })).toEqual({
      ok: false,
      errors: { civility: 'Choisissez Dr, Pr, M. ou Mme.', rpps: RPPS_MESSAGE },
    });
    expect(read({})).toEqual({
      ok: true,
      data: {
        userId: USER,
        profile: { civility: null, familyName: null, givenName: null, rpps: null, signsReports: false },
      },
    });
  });

  it('keeps only known roles, in the portal’s order', () => {
    expect(readRoles(['secretary', 'root', 'practice_admin'])).toEqual(['practice_admin', 'secretary']);
  });

  it('puts the API’s refusals next to their field, in French', () => {
    expect(staffFieldError('profile.rpps', 'BAD_INPUT')).toEqual({ field: 'rpps', message: RPPS_MESSAGE });
    expect(staffFieldError('email', 'CONFLICT')).toEqual({ field: 'email', message: EMAIL_TAKEN_MESSAGE });
    expect(staffFieldError('roles', 'CONFLICT')).toEqual({ field: 'roles', message: LAST_ADMIN_MESSAGE });
    expect(staffFieldError('roles', 'BAD_INPUT')?.message).toBe('Choisissez au moins un rôle.');
    expect(staffFieldError('userId', 'CONFLICT')).toBeUndefined();
  });

  it('says why a member cannot sign, on the Équipe page and on the report screen', () => {
    for (const p of SIGNER_PROBLEMS) {
      expect(SIGNER_PROBLEM_LABELS[p]).toBeTruthy();
      expect(signerRefusal(`signer.${p}`)).toMatch(
        /^Le compte rendu ne peut pas être validé : .+ « Équipe »/,
      );
    }
    expect(signerRefusal('signer.no_rpps')).toContain("votre profil n'a pas de numéro RPPS");
    expect(signerRefusal('signer.unknown')).toBeUndefined();
    expect(signerRefusal('revision')).toBeUndefined();
    expect(signerRefusal(null)).toBeUndefined();
  });

  it('shows the last sign-in in Paris time, or « jamais »', () => {
    expect(lastSignInText(null)).toBe('jamais');
    expect(lastSignInText('2026-07-01T22:30:00Z')).toBe('02/07/2026 00:30');
  });
});
