/**
 * Rooms, modalities, the exam catalogue, referrers; orders (demandes), their exams, appointments and
 * performed procedure steps (MPPS).
 */
import {
  EXAM_STATUSES,
  MODALITY_TYPES,
  ORDER_SOURCES,
  ORDER_STATUSES,
  ORDER_URGENCIES,
  PERFORMED_STEP_STATUSES,
} from '@rayon/domain';
import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { storedJson } from '../stored-json.ts';
import { oneOf } from '../checks.ts';
import { patients } from './identity.ts';
import { sites } from './practice.ts';

/** Rooms of the practice's sites. */
export const rooms = pgTable('rooms', {
  id: uuid('id').primaryKey().defaultRandom(),
  siteId: uuid('site_id')
    .notNull()
    .references(() => sites.id),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * What the placer reported once the exam was done at its site (teleradiology OMI^O23 flux 4,
 * control SR): the complement `@rayon/hl7` reads from the message, stored as read.
 */
const performedComplementSchema = z.object({
  /** TQ1-7, ISO 8601. */
  at: z.string().nullable(),
  retentionDays: z.number().int().nullable(),
  accessionNumber: z.object({ value: z.string(), authority: z.string() }).nullable(),
  studyInstanceUid: z.string().nullable(),
  procedure: z.object({ code: z.string(), label: z.string(), system: z.string() }).nullable(),
  viewerUrl: z.string().nullable(),
});

/** Weekly opening hours: ISO weekday (1 = Monday) → intervals "HH:MM"-"HH:MM" in Europe/Paris. */
const openingHoursSchema = z.partialRecord(
  z.enum(['1', '2', '3', '4', '5', '6', '7']),
  z.array(z.tuple([z.string(), z.string()])),
);
export type OpeningHours = z.output<typeof openingHoursSchema>;

/** Acquisition devices; the DICOM AE title routes the worklist to the practice (unique platform-wide). */
export const modalities = pgTable(
  'modalities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    roomId: uuid('room_id')
      .notNull()
      .references(() => rooms.id),
    name: text('name').notNull(),
    type: text('type', { enum: MODALITY_TYPES }).notNull(),
    /** The AE title the modality calls (called AE), normalised: trimmed, upper case. */
    aeTitle: text('ae_title').notNull().unique(),
    /** The modality's own AE titles (calling AE), normalised; an association from another is rejected. */
    callingAeTitles: text('calling_ae_titles')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Source addresses (CIDR) the modality connects from. */
    allowedSources: text('allowed_sources')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** SHA-256 fingerprints of the TLS client certificates accepted on the DICOM TLS port. */
    clientCertFingerprints: text('client_cert_fingerprints')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    openingHours: storedJson('opening_hours', openingHoursSchema, 'modality opening hours').notNull(),
    /** A retired modality keeps its history but takes no booking and no association. */
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [oneOf('modalities_type_check', t.type)],
);

/** The exam catalogue. */
export const examTypes = pgTable(
  'exam_types',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    label: text('label').notNull(),
    ccamCode: text('ccam_code'),
    /** LOINC code of the exam from JDV_CodesDocumentImagerie_CISIS (the CDA serviceEvent code). */
    loincCode: text('loinc_code'),
    loincLabel: text('loinc_label'),
    modalityType: text('modality_type', { enum: MODALITY_TYPES }).notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    preparation: text('preparation'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    oneOf('exam_types_modality_type_check', t.modalityType),
    /** An HL7 order's exam found by its CCAM code (findExamTypeByCcam). */
    index('exam_types_ccam_code_idx').on(t.ccamCode),
  ],
);

/** Referring professionals. */
export const referrers = pgTable(
  'referrers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    rpps: text('rpps').unique(),
    /** ADELI number (9 characters) of a professional without RPPS. */
    adeli: text('adeli').unique(),
    familyName: text('family_name').notNull(),
    givenName: text('given_name'),
    specialty: text('specialty'),
    mssanteAddress: text('mssante_address'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    /** A referrer without RPPS found by name (findReferrerByName: HL7 orders, the portal). */
    index('referrers_name_without_rpps_idx')
      .on(t.familyName, t.givenName)
      .where(sql`${t.rpps} is null`),
  ],
);

/** Demandes d'examen. */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    referrerId: uuid('referrer_id').references(() => referrers.id),
    accessionNumber: text('accession_number').notNull().unique(),
    studyInstanceUid: text('study_instance_uid').notNull().unique(),
    urgency: text('urgency', { enum: ORDER_URGENCIES }).notNull(),
    clinicalInfo: text('clinical_info'),
    /** The placer's order number (ORC-2) and its assigning authority: unique together. */
    placerOrderNumber: text('placer_order_number'),
    placerAuthority: text('placer_authority').notNull().default(''),
    status: text('status', { enum: ORDER_STATUSES }).notNull(),
    source: text('source', { enum: ORDER_SOURCES }).notNull(),
    /** What the placer told after the exam was done elsewhere (teleradiology OMI^O23 flux 4). */
    performed: storedJson('performed', performedComplementSchema, 'order performed complement'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('orders_placer_idx')
      .on(t.placerAuthority, t.placerOrderNumber)
      .where(sql`${t.placerOrderNumber} is not null`),
    oneOf('orders_status_check', t.status),
    oneOf('orders_urgency_check', t.urgency),
    oneOf('orders_source_check', t.source),
  ],
);

/** One requested exam of an order: what gets booked, acquired and reported. */
export const exams = pgTable(
  'exams',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    /** The catalogue entry; null while an order received without one waits for the desk to choose. */
    examTypeId: uuid('exam_type_id').references(() => examTypes.id),
    modalityType: text('modality_type', { enum: MODALITY_TYPES }).notNull(),
    /** What the placer asked for, in its words (region, side...), when it is not a catalogue entry. */
    requestedProcedure: text('requested_procedure'),
    /** Scheduled Procedure Step ID / Requested Procedure ID in the worklist. */
    stepId: text('step_id').notNull(),
    status: text('status', { enum: EXAM_STATUSES }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.orderId),
    oneOf('exams_status_check', t.status),
    oneOf('exams_modality_type_check', t.modalityType),
  ],
);

/** Performed procedure steps (MPPS): the modality's N-CREATE, followed by its N-SETs. */
export const performedSteps = pgTable(
  'performed_steps',
  {
    sopInstanceUid: text('sop_instance_uid').primaryKey(),
    /** The modality whose association created the step: only it may N-SET it (null: before 0009). */
    modalityId: uuid('modality_id'),
    examIds: uuid('exam_ids').array().notNull(),
    status: text('status', { enum: PERFORMED_STEP_STATUSES }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [oneOf('performed_steps_status_check', t.status)],
);

export const appointments = pgTable(
  'appointments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    examId: uuid('exam_id')
      .notNull()
      .references(() => exams.id),
    modalityId: uuid('modality_id')
      .notNull()
      .references(() => modalities.id),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    /** Only active appointments hold their slot. */
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.modalityId, t.startsAt), index().on(t.examId)],
);
