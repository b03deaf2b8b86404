/**
 * The practice's staff in the portal (« Équipe »): members, open invitations, the radiologist's
 * profile as printed on reports, and the French words for what the API refuses. The reasons a
 * member cannot sign live here once, for the Équipe page and for the report screen.
 */
import type { ApiClient } from '../server/api.ts';
import { formatDateTime, roleLabel } from './labels.ts';
import {
  CIVILITIES,
  type Civility,
  isOneOf,
  isValidRpps,
  SIGNER_PROBLEMS,
  type SignerProblem,
  type StaffProfile,
  TENANT_ROLE_LABELS,
  TENANT_ROLES,
  type TenantRole,
} from '@rayon/domain';
import { RPPS_REFUSAL } from '@rayon/schemas/staff';

export { CIVILITIES, isValidRpps, SIGNER_PROBLEMS };
export type { Civility, SignerProblem, StaffProfile };

/** What the API answers (the `staff` router). */
type StaffList = Awaited<ReturnType<ApiClient['staff']['list']['query']>>;
export type StaffMember = StaffList['members'][number];
export type StaffInvitation = StaffList['invitations'][number];

export function equipePath(slug: string): string {
  return `/t/${encodeURIComponent(slug)}/equipe`;
}

/** Roles in the order and words of the portal. */
export const ROLE_OPTIONS = TENANT_ROLES.map((r) => ({ value: r, label: TENANT_ROLE_LABELS[r] }));

/** Roles whose holder has a profile printed on reports (civility, names, RPPS). */
export const PROFILE_ROLES: readonly TenantRole[] = ['radiologist', 'resident'];

export function rolesText(roles: readonly string[]): string {
  return roles.map(roleLabel).join(', ');
}

/**
 * Why a member cannot sign, as the Équipe page lists it (the words the practices asked for; the
 * domain's SIGNER_PROBLEM_LABELS say the same at more length).
 */
export const SIGNER_PROBLEM_LABELS: Record<SignerProblem, string> = {
  not_radiologist: "n'a pas le rôle radiologue",
  not_signer: "n'est pas autorisé à signer",
  no_civility: 'civilité manquante',
  no_names: "nom et prénom d'exercice manquants",
  no_rpps: 'RPPS manquant',
  invalid_rpps: 'clé RPPS invalide',
};

/** The same reasons, said to the radiologist whose validation is refused (report screen). */
const SIGNER_REFUSALS: Record<SignerProblem, string> = {
  not_radiologist: "vous n'avez pas le rôle radiologue dans cet établissement",
  not_signer: "votre profil n'est pas autorisé à signer les comptes rendus",
  no_civility: "la civilité de votre profil n'est pas renseignée",
  no_names: "votre nom et votre prénom d'exercice ne sont pas renseignés",
  no_rpps: "votre profil n'a pas de numéro RPPS",
  invalid_rpps: 'la clé de votre numéro RPPS est invalide',
};

function isSignerProblem(value: string): value is SignerProblem {
  return isOneOf(SIGNER_PROBLEMS, value);
}

/**
 * The French refusal of a validation by a signer who is not ready, from the API's field
 * (`signer.no_rpps`); undefined for any other field.
 */
export function signerRefusal(apiField: string | null | undefined): string | undefined {
  const problem = apiField?.startsWith('signer.') ? apiField.slice('signer.'.length) : undefined;
  if (!problem || !isSignerProblem(problem)) return undefined;
  return `Le compte rendu ne peut pas être validé : ${SIGNER_REFUSALS[problem]}. L'administrateur de l'établissement complète votre profil (page « Équipe »).`;
}

export const RPPS_MESSAGE = RPPS_REFUSAL;
export const EMAIL_TAKEN_MESSAGE = 'Cette adresse est déjà membre ou invitée.';
export const LAST_ADMIN_MESSAGE =
  "L'établissement doit garder au moins un administrateur actif : nommez-en un autre avant.";
export const SELF_DEACTIVATION_MESSAGE = 'Vous ne pouvez pas désactiver votre propre compte.';
export const SELF_SECOND_FACTOR_MESSAGE =
  'Vous ne pouvez pas réinitialiser votre propre double authentification : demandez-le à un autre administrateur.';
export const SHARED_ACCOUNT_SECOND_FACTOR_MESSAGE =
  "Ce compte appartient aussi à un autre établissement ou administre la plateforme : seul l'administrateur de la plateforme peut réinitialiser sa double authentification.";

/** The form field (and its French sentence) of a field the API refused in a staff form. */
export function staffFieldError(
  apiField: string,
  appCode: string | undefined,
): { field: string; message: string } | undefined {
  const field = apiField.replace(/^profile\./, '');
  if (appCode === 'CONFLICT' && field === 'email') return { field, message: EMAIL_TAKEN_MESSAGE };
  switch (field) {
    case 'rpps':
      return { field, message: RPPS_MESSAGE };
    case 'email':
      return { field, message: 'Adresse e-mail invalide.' };
    case 'roles':
      return appCode === 'CONFLICT'
        ? { field, message: LAST_ADMIN_MESSAGE }
        : { field, message: 'Choisissez au moins un rôle.' };
    case 'displayName':
      return { field, message: 'Indiquez le nom affiché (1 à 200 caractères).' };
    case 'civility':
      return { field, message: 'Choisissez Dr, Pr, M. ou Mme.' };
    case 'familyName':
      return { field, message: "Nom d'exercice trop long ou invalide." };
    case 'givenName':
      return { field, message: "Prénom d'exercice trop long ou invalide." };
    default:
      return undefined;
  }
}

/** The profile fields of a staff form as the API's `profile` (an empty field is no value). */
export function profileOfForm(values: Readonly<Record<string, string>>) {
  const text = (name: string) => values[name]?.trim() || null;
  return {
    civility: text('civility'),
    familyName: text('familyName'),
    givenName: text('givenName'),
    rpps: text('rpps'),
    signsReports: values.signsReports === 'on',
  };
}

/** The form field of each path of the staff schemas (`profile.rpps` is the field `rpps`). */
export const STAFF_FORM_FIELDS: Readonly<Record<string, string>> = {
  'profile.civility': 'civility',
  'profile.familyName': 'familyName',
  'profile.givenName': 'givenName',
  'profile.rpps': 'rpps',
};

/** Roles ticked in a form, known ones only, in the portal's order. */
export function readRoles(values: readonly string[]): TenantRole[] {
  return TENANT_ROLES.filter((r) => values.includes(r));
}

/** « jamais », or the date and time in Paris. */
export function lastSignInText(iso: string | null): string {
  return iso ? formatDateTime(iso) : 'jamais';
}
