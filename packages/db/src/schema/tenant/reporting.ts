/**
 * Comptes rendus: reports, the exams they cover, their versions and documents, templates, and the
 * notifications they raise.
 */
import { NOTIFICATION_KINDS, REPORT_STATUSES } from '@rayon/domain';
import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { storedJson } from '../stored-json.ts';
import { oneOf } from '../checks.ts';
import { bytea } from './columns.ts';
import { sites } from './practice.ts';
import { examTypes, exams, orders } from './scheduling.ts';

const reportSignerSchema = z.object({
  rpps: z.string(),
  familyName: z.string(),
  givenName: z.string().optional(),
  prefix: z.string().optional(),
});
export type ReportSigner = z.output<typeof reportSignerSchema>;

/** Comptes rendus: one per exam or group of exams of one order; `setId` is the CDA set id. */
export const reports = pgTable(
  'reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    siteId: uuid('site_id').references(() => sites.id),
    setId: uuid('set_id').notNull().defaultRandom(),
    /** The status of the current version, or withdrawn. */
    status: text('status', { enum: REPORT_STATUSES }).notNull(),
    currentVersion: integer('current_version').notNull().default(1),
    announcementRequired: boolean('announcement_required').notNull().default(false),
    announcedAt: timestamp('announced_at', { withTimezone: true }),
    announcedBy: text('announced_by'),
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [oneOf('reports_status_check', t.status)],
);

/** The exams a report covers; an exam has at most one report. */
export const reportExams = pgTable(
  'report_exams',
  {
    reportId: uuid('report_id')
      .notNull()
      .references(() => reports.id),
    examId: uuid('exam_id')
      .notNull()
      .references(() => exams.id),
  },
  (t) => [uniqueIndex('report_exams_exam_idx').on(t.examId), index().on(t.reportId)],
);

/** The versions of a report; a validated version never changes (a correction is a new version). */
export const reportVersions = pgTable(
  'report_versions',
  {
    /** Also the CDA document id of this version. */
    id: uuid('id').primaryKey().defaultRandom(),
    reportId: uuid('report_id')
      .notNull()
      .references(() => reports.id),
    version: integer('version').notNull(),
    status: text('status', { enum: REPORT_STATUSES }).notNull(),
    body: text('body').notNull().default(''),
    authorId: text('author_id').notNull(),
    provisionalAt: timestamp('provisional_at', { withTimezone: true }),
    validatedBy: text('validated_by'),
    validatedAt: timestamp('validated_at', { withTimezone: true }),
    /** Who signed, as printed on the documents: a snapshot taken at validation. */
    signer: storedJson('signer', reportSignerSchema, 'report signer'),
    /**
     * Visibility chosen at validation (CI-SIS MetaDMPMSS, DMP TRE_A07): hidden from health
     * professionals in the DMP (MASQUE_PS), invisible to the legal representatives of a minor
     * (INVISIBLE_REPRESENTANTS_LEGAUX), sent in a « connexion secrète » DMP transaction.
     */
    maskedFromProfessionals: boolean('masked_from_professionals').notNull().default(false),
    hiddenFromLegalRepresentatives: boolean('hidden_from_legal_representatives').notNull().default(false),
    secretConnection: boolean('secret_connection').notNull().default(false),
    lockUserId: text('lock_user_id'),
    lockUntil: timestamp('lock_until', { withTimezone: true }),
    /** Optimistic concurrency: each save names the revision it started from. */
    revision: integer('revision').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('report_versions_report_version_idx').on(t.reportId, t.version),
    oneOf('report_versions_status_check', t.status),
  ],
);

/**
 * What is stored of a validated version: its PDF/A, its CDA, and the description both were made
 * from (frozen, for every later send).
 */
export const REPORT_DOCUMENT_KINDS = ['pdf', 'cda', 'description'] as const;
export type ReportDocumentKind = (typeof REPORT_DOCUMENT_KINDS)[number];

/** Generated documents (PDF/A, CDA) of a validated version: immutable, with their SHA-256. */
export const reportDocuments = pgTable(
  'report_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    versionId: uuid('version_id')
      .notNull()
      .references(() => reportVersions.id),
    kind: text('kind', { enum: REPORT_DOCUMENT_KINDS }).notNull(),
    mediaType: text('media_type').notNull(),
    content: bytea('content').notNull(),
    sha256: text('sha256').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('report_documents_version_kind_idx').on(t.versionId, t.kind),
    oneOf('report_documents_kind_check', t.kind),
  ],
);

/** Report templates of the exam catalogue (or general ones). */
export const reportTemplates = pgTable('report_templates', {
  id: uuid('id').primaryKey().defaultRandom(),
  examTypeId: uuid('exam_type_id').references(() => examTypes.id),
  name: text('name').notNull(),
  body: text('body').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Notifications to a user (e.g. a provisional report waiting for validation); one open per subject. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: text('user_id').notNull(),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    target: text('target').notNull(),
    message: text('message').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('notifications_open_idx')
      .on(t.userId, t.kind, t.target)
      .where(sql`${t.resolvedAt} is null`),
    oneOf('notifications_kind_check', t.kind),
  ],
);
