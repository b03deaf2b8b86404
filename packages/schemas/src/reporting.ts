import { MAX_CDA_BYTES, REPORT_STATUSES } from '@rayon/domain';
import { z } from 'zod';

/** Input schemas of the reporting area, shared by tRPC, the public REST API and the portal. */

export const createReportInput = z.strictObject({
  examIds: z.array(z.uuid()).min(1, 'at least one exam').max(10),
  announcementRequired: z.boolean().optional(),
  templateId: z.uuid().optional(),
});

export const reportListInput = z.strictObject({ status: z.enum(REPORT_STATUSES).optional() });

export const revisionInput = z.strictObject({ revision: z.number().int().min(0) });

/**
 * The longest report text: well within the request body limit (1 MiB, apps/api/src/app.ts) even
 * when every character takes 3 bytes of UTF-8, so the schema, not the body limit, answers.
 */
export const MAX_REPORT_CHARACTERS = 300_000;

export const reportBodyInput = revisionInput.extend({
  body: z.string().max(MAX_REPORT_CHARACTERS, 'a report is at most 300,000 characters'),
});

export const withdrawInput = z.strictObject({ reason: z.string().trim().min(1, 'required').max(500) });

/** The radiologist who signs, when a platform validates through the API. */
export const signerInput = z.strictObject({
  rpps: z.string().regex(/^\d{11}$/, 'RPPS: 11 digits'),
  familyName: z.string().trim().min(1, 'required').max(100),
  givenName: z.string().trim().min(1).max(100).optional(),
  prefix: z.string().trim().min(1).max(10).optional(),
});

/**
 * Who may see the validated report (CI-SIS MetaDMPMSS; refused combinations name their field,
 * `visibilityProblems` of @rayon/domain). Absent: false.
 */
export const visibilityInput = z.strictObject({
  maskedFromProfessionals: z
    .boolean()
    .optional()
    .describe('Masqué aux professionnels de santé (DMP MASQUE_PS); no MSSanté mail to the referrer'),
  hiddenFromLegalRepresentatives: z
    .boolean()
    .optional()
    .describe(
      'Non visible par les représentants légaux (minor patient only; DMP INVISIBLE_REPRESENTANTS_LEGAUX)',
    ),
  secretConnection: z
    .boolean()
    .optional()
    .describe(
      'Connexion secrète: the DMP feed carries the VIHF confidentiality-code (minor patient, with hiddenFromLegalRepresentatives)',
    ),
});

/** Validation: the revision it signs and the visibility chosen. */
export const validateInput = revisionInput.extend(visibilityInput.shape);

/** The base64 of the largest CDA read (MAX_CDA_BYTES); its request has its own body limit (app.ts). */
export const MAX_RECEIVED_CDA_BASE64 = Math.ceil(MAX_CDA_BYTES / 3) * 4;

/** A CDA received from elsewhere, to read for the viewer. */
export const receivedCdaInput = z.strictObject({
  base64: z
    .base64('a CDA document in base64')
    .max(MAX_RECEIVED_CDA_BASE64, `a CDA document is at most ${MAX_CDA_BYTES / 1024 / 1024} MiB`),
});
