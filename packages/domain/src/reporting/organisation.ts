/**
 * The organisation a report's documents name (CDA author and custodian, PDF, MSSanté, DMP): by
 * its national identifier, `1` + FINESS or `3` + SIRET. Without one, the documents cannot be
 * produced, so such a report is not validated (the portal says why, and shows a banner).
 */
import { AppError } from '../shared/errors.ts';

export interface OrganisationIdentifiers {
  finess: string | null;
  siret: string | null;
}

/**
 * `1` + the FINESS of the report's site, else of the practice, else `3` + the practice's SIRET;
 * null when there is none.
 */
export function organisationIdNat(
  site: { finess: string | null } | undefined,
  practice: OrganisationIdentifiers,
): string | null {
  const finess = site?.finess ?? practice.finess;
  return finess ? `1${finess}` : practice.siret ? `3${practice.siret}` : null;
}

/**
 * The legal entity (entité juridique) a report's site belongs to, when the documents name the
 * site by its own FINESS géographique and the practice has a FINESS juridique: `1` + the
 * practice's FINESS. Null otherwise (the documents then name the practice itself).
 */
export function legalEntityIdNat(
  site: { finess: string | null } | undefined,
  practice: OrganisationIdentifiers,
): string | null {
  if (!site?.finess || !practice.finess || site.finess === practice.finess) return null;
  return `1${practice.finess}`;
}

/** The refusal when a report's documents could not be produced (CONFLICT naming `finess`). */
export function noOrganisationId(): AppError {
  return new AppError(
    'CONFLICT',
    "the practice has neither a FINESS nor a SIRET number: the report's documents cannot be produced; enter one before validating",
    { field: 'finess', reason: 'reporting.organisation.no_identifier' },
  );
}

/** Throws {@link noOrganisationId} when the site's reports could not have documents. */
export function assertOrganisationId(
  site: { finess: string | null } | undefined,
  practice: OrganisationIdentifiers,
): void {
  if (organisationIdNat(site, practice) === null) throw noOrganisationId();
}
