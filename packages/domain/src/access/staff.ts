/**
 * A practice's staff: the RPPS number, the civility and names printed on reports, who may sign
 * (validate) reports, and the rules that keep a practice administrable.
 */
import { isOneOf } from '../shared/values.ts';
import { AppError, badInput, conflict } from '../shared/errors.ts';
import { luhnValid } from '../shared/luhn.ts';
import { isTenantRole, TENANT_ROLES, type TenantRole } from './roles.ts';

/** Civilities printed before a signer's name. */
export const CIVILITIES = ['Dr', 'Pr', 'M.', 'Mme'] as const;
export type Civility = (typeof CIVILITIES)[number];

export const CIVILITY_LABELS: Record<Civility, string> = {
  Dr: 'Docteur',
  Pr: 'Professeur',
  'M.': 'Monsieur',
  Mme: 'Madame',
};

export function isCivility(value: string): value is Civility {
  return isOneOf(CIVILITIES, value);
}

/**
 * RPPS number (Répertoire partagé des professionnels de santé): 11 digits.
 * Hypothesis: the last digit is a Luhn key computed over the first ten, so the 11 digits taken
 * together are Luhn-valid (as for the FINESS and SIRET). The ANS text defining the key was not at
 * hand; the numbers found in public examples follow it.
 */
export function isValidRpps(value: string): boolean {
  return /^[0-9]{11}$/.test(value) && luhnValid(value);
}

/** What the practice records about a member, as printed on reports. */
export interface StaffProfile {
  civility: Civility | null;
  familyName: string | null;
  givenName: string | null;
  rpps: string | null;
  signsReports: boolean;
}

export const SIGNER_PROBLEMS = [
  'not_radiologist',
  'not_signer',
  'no_civility',
  'no_names',
  'no_rpps',
  'invalid_rpps',
] as const;
export type SignerProblem = (typeof SIGNER_PROBLEMS)[number];

/** French sentence of each problem, as the portal shows it. */
export const SIGNER_PROBLEM_LABELS: Record<SignerProblem, string> = {
  not_radiologist: "n'a pas le rôle Radiologue",
  not_signer: "n'est pas autorisé à signer les comptes rendus",
  no_civility: 'civilité non renseignée',
  no_names: 'nom ou prénom non renseigné',
  no_rpps: 'numéro RPPS non renseigné',
  invalid_rpps: 'numéro RPPS invalide',
};

/** A profile as stored (loose strings); anything missing reads as empty. */
export interface ProfileLike {
  civility?: string | null | undefined;
  familyName?: string | null | undefined;
  givenName?: string | null | undefined;
  rpps?: string | null | undefined;
  signsReports?: boolean | null | undefined;
}

/**
 * Why this member cannot sign reports yet (empty: ready). A signer is a radiologist (not a
 * resident alone) the practice allowed to sign, with a civility, family and given names and a
 * valid RPPS number, because the signed report and its CDA name the author by them.
 */
export function signerProblems(
  roles: readonly string[],
  profile: ProfileLike | null | undefined,
): SignerProblem[] {
  const problems: SignerProblem[] = [];
  const p = profile ?? {};
  if (!roles.includes('radiologist')) problems.push('not_radiologist');
  if (!p.signsReports) problems.push('not_signer');
  if (!p.civility || !isCivility(p.civility)) problems.push('no_civility');
  if (!p.familyName?.trim() || !p.givenName?.trim()) problems.push('no_names');
  if (!p.rpps?.trim()) problems.push('no_rpps');
  else if (!isValidRpps(p.rpps.trim())) problems.push('invalid_rpps');
  return problems;
}

/** The signer as reports print it: « Dr Marie DUPONT » (names as the practice entered them). */
export function signerDisplayName(profile: ProfileLike): string {
  return [profile.civility, profile.givenName?.trim(), profile.familyName?.trim()].filter(Boolean).join(' ');
}

export const MAX_NAME_LENGTH = 100;

/**
 * Checks a profile as an administrator enters it and returns it normalised (names trimmed, blank
 * as null). `field` prefixes the error's field (`profile` → `profile.rpps`).
 */
export function checkStaffProfile(
  input: Partial<StaffProfile> | ProfileLike,
  field = 'profile',
): StaffProfile {
  const text = (name: 'familyName' | 'givenName') => {
    const v = input[name];
    if (v === null || v === undefined) return null;
    const t = v.normalize('NFC').trim().replace(/\s+/g, ' ');
    if (t.length > MAX_NAME_LENGTH)
      throw badInput(`${field}.${name}`, `${name} is too long (at most ${MAX_NAME_LENGTH})`);
    return t === '' ? null : t;
  };
  let civility: Civility | null = null;
  if (input.civility !== null && input.civility !== undefined && input.civility !== '') {
    if (!isCivility(input.civility)) {
      throw badInput(`${field}.civility`, `civility must be one of ${CIVILITIES.join(', ')}`);
    }
    civility = input.civility;
  }
  let rpps: string | null = null;
  const given = input.rpps?.replace(/\s+/g, '');
  if (given) {
    if (!/^[0-9]{11}$/.test(given)) throw badInput(`${field}.rpps`, 'an RPPS number has 11 digits');
    if (!isValidRpps(given)) throw badInput(`${field}.rpps`, 'this RPPS number has a wrong check digit');
    rpps = given;
  }
  return {
    civility,
    familyName: text('familyName'),
    givenName: text('givenName'),
    rpps,
    signsReports: input.signsReports ?? false,
  };
}

/** Roles as given: at least one, all known, each once, in the catalogue's order. */
export function checkRoles(roles: readonly string[], field = 'roles'): TenantRole[] {
  if (roles.length === 0) throw badInput(field, 'give at least one role');
  const unknown = roles.find((r) => !isTenantRole(r));
  if (unknown !== undefined) throw badInput(field, `unknown role: ${unknown}`);
  return TENANT_ROLES.filter((r) => roles.includes(r));
}

/**
 * A practice keeps at least one active administrator: refuses a change that would leave none.
 * `otherActiveAdmins` counts the active practice administrators other than the member changed.
 */
export function assertAdministratorRemains(
  otherActiveAdmins: number,
  next: { roles: readonly string[]; active: boolean },
): void {
  if (otherActiveAdmins > 0) return;
  if (next.active && next.roles.includes('practice_admin')) return;
  throw conflict('the practice would have no active administrator left: name another one first', {
    field: next.active ? 'roles' : 'userId',
  });
}

/** An administrator does not deactivate their own membership (they would lock themselves out). */
export function assertNotSelf(
  actorId: string | undefined,
  userId: string,
  what = 'deactivate your own access',
): void {
  if (actorId === userId) {
    throw new AppError('CONFLICT', `you cannot ${what}`, { field: 'userId' });
  }
}
