/**
 * Pro Santé Connect (PSC), the national OpenID Connect provider of health professionals: what
 * Rayon reads of a PSC identity (the userinfo claims, reference national-services.md §4) and the
 * rules that link it to a Rayon account.
 */
import { AppError } from '../shared/errors.ts';
import { isValidRpps, type Civility } from './staff.ts';

/** The only authentication level accepted: eIDAS substantial (Ségur SC.PSC.08, « eidas1 »). */
export const PSC_ACR = 'eidas1';

/** What the authorization request asks: the identity and PSC's professional claims. */
export const PSC_SCOPE = 'openid scope_all';

/**
 * A professional as PSC describes them. `nationalId` is the `SubjectNameID`: the national
 * identifier of the professional, 8 + RPPS for those in the RPPS, other prefixes otherwise (0 +
 * ADELI, test identifiers…).
 */
export interface PscProfessional {
  nationalId: string;
  rpps: string | null;
  civility: Civility | null;
  familyName: string | null;
  givenName: string | null;
  displayName: string;
  /** Profession code of the first exercise (`codeProfession`, e.g. 10 = médecin). */
  professionCode: string | null;
}

/** The RPPS number in a PSC national id: `8` followed by the 11 digits of a valid RPPS. */
export function rppsOfNationalId(nationalId: string): string | null {
  const m = /^8([0-9]{11})$/.exec(nationalId);
  return m && isValidRpps(m[1]!) ? m[1]! : null;
}

/**
 * The civility printed before a signer's name, from PSC's « civilité d'exercice » (DR, PR) or
 * civility (M, MME). Hypothesis: the code lists are TRE_R11-CiviliteExercice (DR, PR…) and
 * TRE_R81-Civilite (M, MME); other codes give no civility.
 */
function civilityOf(exercise: string | undefined, civility: string | undefined): Civility | null {
  switch ((exercise ?? '').toUpperCase()) {
    case 'DR':
      return 'Dr';
    case 'PR':
      return 'Pr';
  }
  switch ((civility ?? '').toUpperCase()) {
    case 'M':
      return 'M.';
    case 'MME':
      return 'Mme';
  }
  return null;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const record = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/**
 * Reads the userinfo of PSC: the national id is required (without it nobody can be linked);
 * names come from the first exercise of `SubjectRefPro`, else from `given_name`/`family_name`.
 */
export function pscProfessionalOf(userinfo: unknown): PscProfessional {
  const claims = record(userinfo);
  const nationalId = text(claims?.SubjectNameID);
  if (!claims || !nationalId || !/^[0-9A-Za-z]{1,64}$/.test(nationalId)) {
    throw new AppError('UNAUTHENTICATED', 'the Pro Santé Connect identity has no usable SubjectNameID', {
      reason: 'psc.id_token_invalid',
    });
  }
  const refPro = record(claims.SubjectRefPro);
  const exercises = Array.isArray(refPro?.exercices) ? refPro.exercices : [];
  const first = record(exercises[0]);
  const familyName = text(first?.nomDexercice) ?? text(claims.family_name) ?? null;
  const givenName = text(first?.prenomDexercice) ?? text(claims.given_name) ?? null;
  const civility = civilityOf(text(first?.codeCiviliteDexercice), text(refPro?.codeCivilite));
  const displayName =
    [givenName, familyName].filter((v): v is string => Boolean(v)).join(' ') || `Professionnel ${nationalId}`;
  return {
    nationalId,
    rpps: rppsOfNationalId(nationalId),
    civility,
    familyName,
    givenName,
    displayName,
    professionCode: text(first?.codeProfession) ?? null,
  };
}

/**
 * The RPPS of the PSC identity against the one a practice recorded for the member: a recorded
 * RPPS must be the same; none recorded is filled from PSC. Returns the RPPS to record, or null
 * when nothing changes.
 */
export function rppsToRecord(recorded: string | null, fromPsc: string | null): string | null {
  if (!fromPsc) return null;
  if (recorded && recorded !== fromPsc) {
    throw new AppError('CONFLICT', 'the RPPS of the Pro Santé Connect identity differs from the account’s', {
      field: 'rpps',
      reason: 'psc.rpps_mismatch',
    });
  }
  return recorded ? null : fromPsc;
}
