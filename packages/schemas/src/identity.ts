import { checkMatricule, IDENTITY_DOCUMENT_TYPES } from '@rayon/domain';
import { z } from 'zod';

/** Input schemas of the patients area, shared by tRPC, the public REST API and the portal. */

const name = (max = 100) => z.string().trim().min(1, 'required').max(max);
/** A real calendar day `YYYY-MM-DD` (2023-02-30 is refused here, not by the database). */
const calendarDay = z.iso.date('a date YYYY-MM-DD that exists in the calendar');
const optionalText = z.string().trim().max(100).nullish();

/** Strict traits as typed at the desk: the domain checks them and names the faulty field. */
export const traitsInput = z.strictObject({
  birthFamilyName: name(),
  firstBirthForename: name(),
  birthForenames: z.string().trim().max(300).nullish(),
  birthDate: calendarDay,
  sex: z.enum(['M', 'F', 'U']),
  birthPlaceCode: z.string().trim().max(5).nullish(),
});

export const complementaryInput = z.strictObject({
  usedFamilyName: optionalText,
  usedForename: optionalText,
});

export const identifierInput = z.strictObject({ authority: name(200), value: name(100) });

export const searchInput = z.strictObject({
  name: z.string().trim().max(200).optional(),
  birthDate: calendarDay.optional(),
  /** Matricule INS (NIR or NIA with its key; Corsica 2A/2B at positions 6-7; spaces allowed). */
  ins: z
    .string()
    .trim()
    .max(30)
    .superRefine((value, ctx) => {
      const check = checkMatricule(value);
      if (!check.valid) ctx.addIssue({ code: 'custom', message: check.message });
    })
    .optional(),
  ipp: z.string().trim().min(1).max(100).optional(),
});

export const idVersion = { id: z.uuid(), version: z.number().int().min(1) };
export const documentType = z.enum(IDENTITY_DOCUMENT_TYPES);

export const createPatientInput = z.strictObject({
  traits: traitsInput,
  complementary: complementaryInput.optional(),
  identifiers: z.array(identifierInput).max(20).optional(),
});

export const mergeInput = z.strictObject({
  survivorId: z.uuid(),
  absorbedId: z.uuid(),
  confirm: z.literal(true, { message: 'a merge must be confirmed' }),
});
