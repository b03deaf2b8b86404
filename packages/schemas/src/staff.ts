import { CIVILITIES, TENANT_ROLES } from '@rayon/domain';
import { z } from 'zod';

/**
 * Input schemas of the practice's staff (« Équipe »), shared by tRPC, the public REST API and the portal.
 * The RPPS rule (11 digits, Luhn key) and the names' normalisation are the domain's
 * (`checkStaffProfile`), so every door answers the same field: `profile.rpps`.
 */

const nullableText = (max: number) => z.string().max(max).nullable().optional();

export const staffProfileInput = z.strictObject({
  civility: z.enum(CIVILITIES).nullable().optional(),
  familyName: nullableText(100),
  givenName: nullableText(100),
  rpps: nullableText(20),
  signsReports: z.boolean().optional(),
});

export const staffRolesInput = z.array(z.enum(TENANT_ROLES)).min(1, 'choose at least one role').max(10);

export const inviteInput = z.strictObject({
  email: z.email('not a valid e-mail address').max(320),
  displayName: z.string().trim().min(1, 'required').max(200),
  roles: staffRolesInput,
  profile: staffProfileInput.optional(),
});

export const invitationIdInput = z.strictObject({ invitationId: z.uuid() });
export const staffUserInput = z.strictObject({ userId: z.uuid() });
export const setRolesInput = z.strictObject({ userId: z.uuid(), roles: staffRolesInput });
export const setProfileInput = staffProfileInput.extend({ userId: z.uuid() });

/** REST `PATCH /staff/{userId}`: roles and/or profile. */
export const staffPatchInput = z
  .strictObject({ roles: staffRolesInput.optional(), profile: staffProfileInput.optional() })
  .refine((v) => v.roles !== undefined || v.profile !== undefined, 'give roles and/or profile');
