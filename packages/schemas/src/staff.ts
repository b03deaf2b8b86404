import { CIVILITIES, isValidRpps, TENANT_ROLES } from '@rayon/domain';
import { z } from 'zod';

/**
 * Input schemas of the practice's staff (« Équipe »), shared by tRPC, the public REST API and the
 * portal's forms, with the French sentence of each refusal. A member's profile is always under
 * `profile`, so every door names the same field (`profile.rpps`). The domain's
 * `checkStaffProfile` keeps the same rules for every writer.
 */

/** The French refusal of an RPPS number (11 digits, Luhn key). */
export const RPPS_REFUSAL = 'Le numéro RPPS compte 11 chiffres et sa clé doit être valide.';

const nullableText = (max: number, tooLong: string) => z.string().max(max, tooLong).nullable().optional();

export const staffProfileInput = z.strictObject({
  civility: z.enum(CIVILITIES, 'Choisissez Dr, Pr, M. ou Mme.').nullable().optional(),
  familyName: nullableText(100, "Le nom d'exercice compte au plus 100 caractères."),
  givenName: nullableText(100, "Le prénom d'exercice compte au plus 100 caractères."),
  /** Spaces allowed as typed (« 100 012 345 65 »); an empty text is no RPPS. */
  rpps: z
    .string()
    .max(20, RPPS_REFUSAL)
    .refine((v) => {
      const digits = v.replace(/\s+/g, '');
      return digits === '' || isValidRpps(digits);
    }, RPPS_REFUSAL)
    .nullable()
    .optional(),
  signsReports: z.boolean().optional(),
});

export const staffRolesInput = z
  .array(z.enum(TENANT_ROLES, 'Rôle inconnu.'))
  .min(1, 'Choisissez au moins un rôle.')
  .max(10);

export const inviteInput = z.strictObject({
  email: z.email('Indiquez une adresse e-mail valide.').max(320),
  displayName: z
    .string()
    .trim()
    .min(1, 'Indiquez le nom affiché.')
    .max(200, 'Le nom affiché compte au plus 200 caractères.'),
  roles: staffRolesInput,
  profile: staffProfileInput.optional(),
});

export const invitationIdInput = z.strictObject({ invitationId: z.uuid() });
export const staffUserInput = z.strictObject({ userId: z.uuid() });
export const setRolesInput = z.strictObject({ userId: z.uuid(), roles: staffRolesInput });
/** A field left out of `profile` keeps its value; null erases it. */
export const setProfileInput = z.strictObject({ userId: z.uuid(), profile: staffProfileInput });

/** REST `PATCH /staff/{userId}`: roles and/or profile. */
export const staffPatchInput = z
  .strictObject({ roles: staffRolesInput.optional(), profile: staffProfileInput.optional() })
  .refine((v) => v.roles !== undefined || v.profile !== undefined, 'give roles and/or profile');
