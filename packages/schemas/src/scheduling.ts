import { ADELI_PATTERN, MODALITY_TYPES, normaliseAdeli } from '@rayon/domain';
import { z } from 'zod';
import { linesOf } from './lines.ts';

/**
 * Input schemas of the scheduling area, shared by tRPC, the public REST API and the portal. What a
 * person at the desk can get wrong is answered in French.
 */

const TOO_LONG = 'Valeur trop longue.';
const ADELI_MESSAGE =
  'Le numéro ADELI compte 9 caractères : le département (2 chiffres, 2A ou 2B) puis 7 chiffres.';

/** A text the person must give: `missing` when absent or blank. */
const requiredText = (max: number, missing: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, TOO_LONG);
const AE_TITLE_MESSAGE =
  'Le titre AE compte 1 à 16 caractères (lettres, chiffres, _ ; sans accent ni « \\ »).';
const optionalText = (max: number) => z.string().trim().max(max, TOO_LONG).nullish();

/** A room of a site. */
export const roomInput = z.strictObject({
  siteId: z.uuid('Choisissez le site.'),
  name: requiredText(100, 'Indiquez le nom de la salle.'),
});

/** An entry of the exam catalogue. */
export const examTypeInput = z.strictObject({
  label: requiredText(200, "Indiquez le libellé de l'examen."),
  ccamCode: z
    .string()
    .regex(/^[A-Z]{4}\d{3}$/, 'Un code CCAM compte 4 lettres et 3 chiffres.')
    .nullish(),
  /** The exam's code in JDV_CodesDocumentImagerie_CISIS (LOINC), for the CDA. */
  loinc: z
    .strictObject({
      code: z.string().regex(/^\d{1,7}-\d$/, 'Un code LOINC s’écrit chiffres, tiret, clé (ex. 24627-2).'),
      label: requiredText(200, 'Indiquez le libellé LOINC.'),
    })
    .nullish(),
  modalityType: z.enum(MODALITY_TYPES, 'Choisissez le type de modalité.'),
  durationMinutes: z
    .number('Une durée entre 5 et 480 minutes.')
    .int('Une durée entre 5 et 480 minutes.')
    .min(5, 'Une durée entre 5 et 480 minutes.')
    .max(480, 'Une durée entre 5 et 480 minutes.'),
  preparation: optionalText(2000),
});

export const createOrderInput = z.strictObject({
  patientId: z.uuid(),
  referrerId: z.uuid().nullish(),
  examTypeIds: z.array(z.uuid()).min(1, 'at least one exam').max(10),
  urgency: z.enum(['routine', 'urgent']),
  clinicalInfo: z.string().trim().max(4000).nullish(),
});

export const bookInput = z.strictObject({
  examId: z.uuid(),
  modalityId: z.uuid(),
  /** For an exam received without a catalogue entry (HL7 orders): the entry it is booked as. */
  examTypeId: z.uuid().optional(),
  startsAt: z.iso.datetime({ offset: true }),
});

const isoDateTime = z.iso.datetime({ offset: true });

/** Free slots for an exam type: `from`/`to` bound the slots' starts (never before now). */
export const availabilityInput = z.strictObject({
  examTypeId: z.uuid(),
  from: isoDateTime,
  to: isoDateTime,
  /** Only this modality (it must be of the exam type's modality type). */
  modalityId: z.uuid().optional(),
  /** Slots start on wall-clock multiples of the step (Europe/Paris). */
  step: z.coerce
    .number()
    .int()
    .refine((n) => [5, 10, 15, 20, 30, 60].includes(n), 'one of 5, 10, 15, 20, 30, 60')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  /** Moving an exam: its own current slot counts as free. */
  excludeExamId: z.uuid().optional(),
});

/** A period of appointments, optionally for one modality. */
export const appointmentsInput = z.strictObject({
  from: isoDateTime,
  to: isoDateTime,
  modalityId: z.uuid().optional(),
});

/** A calendar day of the practice (Europe/Paris), `YYYY-MM-DD`. */
export const calendarDate = z.iso.date();

export const ordersToScheduleInput = z.strictObject({ patientId: z.uuid().optional() });

const HOURS_SHAPE = 'Écrivez les plages ainsi : 08:00-12:00, 13:30-18:00.';
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, HOURS_SHAPE);
const WEEKDAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;

/** Weekly opening hours: ISO weekday (1 = Monday) → up to 4 intervals, each ending after it starts. */
export const openingHoursInput = z.partialRecord(
  z.enum(WEEKDAYS),
  z
    .array(
      z.tuple([hhmm, hhmm]).refine(([from, to]) => from < to, {
        error: (issue) => {
          const [from, to] = issue.input as [string, string];
          return `La plage ${from}-${to} doit finir après son début.`;
        },
      }),
    )
    .max(4, 'Quatre plages au plus par jour.'),
);

/**
 * A day's opening hours as typed in a form, « 08:00-12:00, 13:30-18:00 » (also 8h00 à 12h00; empty:
 * closed), read into its intervals in order; {@link openingHoursInput} then checks them.
 */
const dayHoursText = z.string().transform((text, ctx) => {
  const intervals: [string, string][] = [];
  for (const part of text.trim() === '' ? [] : text.split(/[,;]/)) {
    const m = /^\s*(\d{1,2})[:h](\d{2})\s*[-–à]\s*(\d{1,2})[:h](\d{2})\s*$/.exec(part);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: HOURS_SHAPE });
      return z.NEVER;
    }
    intervals.push([`${m[1]!.padStart(2, '0')}:${m[2]}`, `${m[3]!.padStart(2, '0')}:${m[4]}`]);
  }
  return intervals.sort((a, b) => a[0].localeCompare(b[0]));
});

/** The opening hours form: one text per weekday (`1` = Monday), read into {@link openingHoursInput}. */
export const openingHoursForm = z
  .partialRecord(z.enum(WEEKDAYS), dayHoursText)
  .transform((days) =>
    Object.fromEntries(Object.entries(days).filter(([, intervals]) => intervals.length > 0)),
  )
  .pipe(openingHoursInput);

/**
 * A referring professional: by RPPS, by ADELI (professions not yet in the RPPS), both, or by name
 * only. The documents name each of them (the CDA with 8 + RPPS or 0 + ADELI, or the name alone).
 */
export const referrerInput = z.strictObject({
  rpps: z
    .string()
    .regex(/^\d{11}$/, 'Le numéro RPPS compte 11 chiffres.')
    .nullish(),
  adeli: z
    .string()
    .max(20, ADELI_MESSAGE)
    .transform(normaliseAdeli)
    .pipe(z.string().regex(ADELI_PATTERN, ADELI_MESSAGE))
    .nullish(),
  familyName: requiredText(100, 'Indiquez le nom.'),
  givenName: z.string().trim().max(100, TOO_LONG).nullish(),
  specialty: z.string().trim().max(100, TOO_LONG).nullish(),
  mssanteAddress: z
    .email('Adresse de messagerie invalide.')
    .max(254, 'Adresse de messagerie invalide.')
    .nullish(),
});

/** Editing a referrer: every field given again (what is left out is cleared). */
export const updateReferrerInput = referrerInput.extend({ id: z.uuid() });

/**
 * Who may speak DICOM for a modality. Checked and normalised by the domain (AE titles trimmed and
 * upper case, CIDR ranges, SHA-256 fingerprints), which names the entry at fault.
 */
export const modalityCallersInput = {
  /** The calling AE titles the modality uses (its own AE titles). */
  callingAeTitles: z.array(z.string().max(64)).max(16),
  /** Source addresses it connects from: CIDR ranges or single addresses. */
  allowedSources: z.array(z.string().max(64)).max(32),
  /** SHA-256 fingerprints of the TLS client certificates it presents on the DICOM TLS port. */
  clientCertFingerprints: z.array(z.string().max(128)).max(8),
};

/** A modality of a room: its DICOM AE title (unique on the platform), opening hours and callers. */
export const modalityInput = z.strictObject({
  roomId: z.uuid('Choisissez la salle.'),
  name: requiredText(100, 'Indiquez le nom de la modalité.'),
  type: z.enum(MODALITY_TYPES, 'Choisissez le type.'),
  aeTitle: z
    .string(AE_TITLE_MESSAGE)
    .regex(/^[\x20-\x5b\x5d-\x7e]{1,16}$/, AE_TITLE_MESSAGE)
    .refine((v) => v.trim() !== '', AE_TITLE_MESSAGE),
  openingHours: openingHoursInput,
  callingAeTitles: modalityCallersInput.callingAeTitles.optional(),
  allowedSources: modalityCallersInput.allowedSources.optional(),
  clientCertFingerprints: modalityCallersInput.clientCertFingerprints.optional(),
});

/**
 * The callers as typed in a form, one per line, read into their lists: each line checked by the
 * domain's rule (AE title, address range, fingerprint), a wrong one refused naming its line.
 */
export const modalityCallersForm = z.strictObject({
  callingAeTitles: linesOf('aeTitle').pipe(modalityCallersInput.callingAeTitles),
  allowedSources: linesOf('source').pipe(modalityCallersInput.allowedSources),
  clientCertFingerprints: linesOf('fingerprint').pipe(modalityCallersInput.clientCertFingerprints),
});

/** The new modality form: its opening hours and callers typed as text (no certificate yet). */
export const modalityForm = modalityInput
  .omit({ openingHours: true, callingAeTitles: true, allowedSources: true, clientCertFingerprints: true })
  .extend({
    openingHours: openingHoursForm,
    callingAeTitles: modalityCallersForm.shape.callingAeTitles,
    allowedSources: modalityCallersForm.shape.allowedSources,
  });
