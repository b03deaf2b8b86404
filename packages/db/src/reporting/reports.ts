import type { NotificationKind, ReportStatus } from '@rayon/domain';
import { and, asc, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import {
  appointments,
  examTypes,
  exams,
  modalities,
  rooms,
  notifications,
  orders,
  patients,
  reportDocuments,
  reportExams,
  reports,
  reportTemplates,
  reportVersions,
  type ReportDocumentKind,
} from '../schema/tenant.ts';
import type { TenantTx } from '../client.ts';

export type ReportRow = typeof reports.$inferSelect;
export type ReportVersionRow = typeof reportVersions.$inferSelect;
export type ReportDocumentRow = typeof reportDocuments.$inferSelect;
/** An exam a report covers, with its catalogue entry. */
export type ReportExamRow = { exam: typeof exams.$inferSelect; type: typeof examTypes.$inferSelect | null };
export type ReportTemplateRow = typeof reportTemplates.$inferSelect;
export type NotificationRow = typeof notifications.$inferSelect;

/** A report, its first version (draft) and the exams it covers. */
export async function insertReport(
  tx: TenantTx,
  r: {
    orderId: string;
    siteId: string | null;
    examIds: string[];
    announcementRequired: boolean;
    authorId: string;
    body: string;
  },
): Promise<{ report: ReportRow; version: ReportVersionRow }> {
  const [report] = await tx
    .insert(reports)
    .values({
      orderId: r.orderId,
      siteId: r.siteId,
      status: 'draft',
      announcementRequired: r.announcementRequired,
    })
    .returning();
  await tx.insert(reportExams).values(r.examIds.map((examId) => ({ reportId: report!.id, examId })));
  const version = await insertReportVersion(tx, {
    reportId: report!.id,
    version: 1,
    authorId: r.authorId,
    body: r.body,
  });
  return { report: report!, version };
}

export async function insertReportVersion(
  tx: TenantTx,
  v: { reportId: string; version: number; authorId: string; body: string },
): Promise<ReportVersionRow> {
  const [row] = await tx
    .insert(reportVersions)
    .values({ ...v, status: 'draft' })
    .returning();
  return row!;
}

export async function findReport(
  tx: TenantTx,
  id: string,
  o: { forUpdate?: boolean } = {},
): Promise<ReportRow | undefined> {
  const q = tx.select().from(reports).where(eq(reports.id, id));
  const [row] = o.forUpdate ? await q.for('update') : await q;
  return row;
}

export async function updateReport(
  tx: TenantTx,
  id: string,
  fields: Partial<
    Pick<ReportRow, 'status' | 'currentVersion' | 'announcedAt' | 'announcedBy' | 'withdrawnAt'>
  >,
): Promise<ReportRow | undefined> {
  const [row] = await tx
    .update(reports)
    .set({ ...fields, updatedAt: sql`now()` })
    .where(eq(reports.id, id))
    .returning();
  return row;
}

export async function listReportVersions(tx: TenantTx, reportId: string): Promise<ReportVersionRow[]> {
  return tx
    .select()
    .from(reportVersions)
    .where(eq(reportVersions.reportId, reportId))
    .orderBy(asc(reportVersions.version));
}

/** Every version of the report a version belongs to (that one included), by version number. */
export async function listVersionsOfReportOf(tx: TenantTx, versionId: string): Promise<ReportVersionRow[]> {
  return tx
    .select()
    .from(reportVersions)
    .where(
      inArray(
        reportVersions.reportId,
        tx
          .select({ reportId: reportVersions.reportId })
          .from(reportVersions)
          .where(eq(reportVersions.id, versionId)),
      ),
    )
    .orderBy(asc(reportVersions.version));
}

export async function findReportVersion(
  tx: TenantTx,
  reportId: string,
  version: number,
): Promise<ReportVersionRow | undefined> {
  const [row] = await tx
    .select()
    .from(reportVersions)
    .where(and(eq(reportVersions.reportId, reportId), eq(reportVersions.version, version)));
  return row;
}

export async function findReportVersionById(tx: TenantTx, id: string): Promise<ReportVersionRow | undefined> {
  const [row] = await tx.select().from(reportVersions).where(eq(reportVersions.id, id));
  return row;
}

/**
 * Changes a version, only if it is still at `revision` (optimistic concurrency): the changed row,
 * or undefined when someone saved in between. The revision moves on.
 */
export async function updateReportVersion(
  tx: TenantTx,
  id: string,
  revision: number,
  fields: Partial<
    Pick<
      ReportVersionRow,
      | 'body'
      | 'status'
      | 'provisionalAt'
      | 'validatedBy'
      | 'validatedAt'
      | 'signer'
      | 'maskedFromProfessionals'
      | 'hiddenFromLegalRepresentatives'
      | 'secretConnection'
      | 'lockUserId'
      | 'lockUntil'
    >
  >,
): Promise<ReportVersionRow | undefined> {
  const [row] = await tx
    .update(reportVersions)
    .set({ ...fields, revision: sql`${reportVersions.revision} + 1`, updatedAt: sql`now()` })
    .where(and(eq(reportVersions.id, id), eq(reportVersions.revision, revision)))
    .returning();
  return row;
}

/** The exams a report covers (in the order they were requested), each with its catalogue entry. */
export async function listReportExams(tx: TenantTx, reportId: string): Promise<ReportExamRow[]> {
  return tx
    .select({ exam: exams, type: examTypes })
    .from(reportExams)
    .innerJoin(exams, eq(exams.id, reportExams.examId))
    .leftJoin(examTypes, eq(examTypes.id, exams.examTypeId))
    .where(eq(reportExams.reportId, reportId))
    .orderBy(asc(exams.createdAt));
}

/** The report already covering one of these exams, if any. */
export async function findReportOfExams(tx: TenantTx, examIds: string[]): Promise<string | undefined> {
  if (examIds.length === 0) return undefined;
  const [row] = await tx
    .select({ reportId: reportExams.reportId })
    .from(reportExams)
    .where(inArray(reportExams.examId, examIds))
    .limit(1);
  return row?.reportId;
}

/**
 * Stores a generated document once, with the SHA-256 of its bytes (given back): a second
 * generation of the same version and kind stores nothing (`inserted` false).
 */
export async function insertReportDocument(
  tx: TenantTx,
  /** `description`: the version's frozen description (JSON), what every send of it uses. */
  d: {
    versionId: string;
    kind: ReportDocumentKind;
    mediaType: string;
    content: Buffer;
  },
): Promise<{ inserted: boolean; sha256: string }> {
  const sha256 = createHash('sha256').update(d.content).digest('hex');
  const rows = await tx
    .insert(reportDocuments)
    .values({ ...d, sha256 })
    .onConflictDoNothing()
    .returning({ id: reportDocuments.id });
  return { inserted: rows.length === 1, sha256 };
}

/** The documents of a version, without their content (not the internal description snapshot). */
export async function listReportDocuments(tx: TenantTx, versionIds: string[]) {
  if (versionIds.length === 0) return [];
  return tx
    .select({
      id: reportDocuments.id,
      versionId: reportDocuments.versionId,
      kind: reportDocuments.kind,
      mediaType: reportDocuments.mediaType,
      sha256: reportDocuments.sha256,
      size: sql<number>`octet_length(${reportDocuments.content})::int`,
      createdAt: reportDocuments.createdAt,
    })
    .from(reportDocuments)
    .where(and(inArray(reportDocuments.versionId, versionIds), ne(reportDocuments.kind, 'description')))
    .orderBy(asc(reportDocuments.createdAt));
}

export async function findReportDocument(tx: TenantTx, id: string): Promise<ReportDocumentRow | undefined> {
  const [row] = await tx.select().from(reportDocuments).where(eq(reportDocuments.id, id));
  return row;
}

export async function insertReportTemplate(
  tx: TenantTx,
  t: { examTypeId: string | null; name: string; body: string },
): Promise<ReportTemplateRow> {
  const [row] = await tx.insert(reportTemplates).values(t).returning();
  return row!;
}

export async function listReportTemplates(tx: TenantTx): Promise<ReportTemplateRow[]> {
  return tx.select().from(reportTemplates).orderBy(asc(reportTemplates.name));
}

export async function findReportTemplate(tx: TenantTx, id: string): Promise<ReportTemplateRow | undefined> {
  const [row] = await tx.select().from(reportTemplates).where(eq(reportTemplates.id, id));
  return row;
}

/** The outbox topic (and job name) that makes a validated version's documents, then plans its sends. */
export const REPORT_DOCUMENTS_TOPIC = 'report.documents';

/**
 * Versions validated between `from` and `to` whose documents were never generated (the job that
 * makes them was lost, e.g. Redis restarted without its data). The PDF and CDA are stored
 * together; the description is frozen at validation and does not count.
 */
export async function listVersionsWithoutDocuments(tx: TenantTx, from: Date, to: Date) {
  return tx
    .select({ reportId: reportVersions.reportId, versionId: reportVersions.id })
    .from(reportVersions)
    .leftJoin(
      reportDocuments,
      and(eq(reportDocuments.versionId, reportVersions.id), eq(reportDocuments.kind, 'pdf')),
    )
    .where(
      and(
        isNull(reportDocuments.id),
        sql`${reportVersions.validatedAt} between ${from.toISOString()}::timestamptz and ${to.toISOString()}::timestamptz`,
      ),
    );
}

/** Provisional versions waiting since before `before`: who wrote them, which report. */
export async function listProvisionalSince(tx: TenantTx, before: Date) {
  return tx
    .select({
      reportId: reportVersions.reportId,
      version: reportVersions.version,
      authorId: reportVersions.authorId,
    })
    .from(reportVersions)
    .innerJoin(reports, eq(reports.id, reportVersions.reportId))
    .where(
      and(
        eq(reportVersions.status, 'provisional'),
        eq(reports.currentVersion, reportVersions.version),
        sql`${reportVersions.provisionalAt} <= ${before.toISOString()}::timestamptz`,
      ),
    );
}

/** Opens a notification unless the same one is open already; true when new. */
export async function openNotification(
  tx: TenantTx,
  n: { userId: string; kind: NotificationKind; target: string; message: string },
): Promise<boolean> {
  const rows = await tx
    .insert(notifications)
    .values(n)
    .onConflictDoNothing()
    .returning({ id: notifications.id });
  return rows.length === 1;
}

export async function resolveNotifications(
  tx: TenantTx,
  kind: NotificationKind,
  target: string,
): Promise<void> {
  await tx
    .update(notifications)
    .set({ resolvedAt: sql`now()` })
    .where(
      and(eq(notifications.kind, kind), eq(notifications.target, target), isNull(notifications.resolvedAt)),
    );
}

export async function listOpenNotifications(tx: TenantTx, userId: string): Promise<NotificationRow[]> {
  return tx
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.resolvedAt)))
    .orderBy(desc(notifications.createdAt));
}

const patientName = {
  patientId: patients.id,
  birthFamilyName: patients.birthFamilyName,
  usedFamilyName: patients.usedFamilyName,
  firstBirthForename: patients.firstBirthForename,
  birthDate: patients.birthDate,
};

/** Acquired exams (in progress or completed) with no report yet: the radiologists' worklist. */
export async function listExamsToReport(tx: TenantTx, limit = 200) {
  return tx
    .select({
      examId: exams.id,
      orderId: orders.id,
      accessionNumber: orders.accessionNumber,
      urgency: orders.urgency,
      status: exams.status,
      label: sql<string>`coalesce(${examTypes.label}, ${exams.requestedProcedure}, ${exams.modalityType})`,
      modalityType: exams.modalityType,
      updatedAt: exams.updatedAt,
      ...patientName,
    })
    .from(exams)
    .innerJoin(orders, eq(orders.id, exams.orderId))
    .innerJoin(patients, eq(patients.id, orders.patientId))
    .leftJoin(examTypes, eq(examTypes.id, exams.examTypeId))
    .where(
      and(
        inArray(exams.status, ['in_progress', 'completed']),
        sql`not exists (select 1 from report_exams re where re.exam_id = ${exams.id})`,
      ),
    )
    .orderBy(desc(orders.urgency), asc(exams.updatedAt))
    .limit(limit);
}

/** Reports, most recently changed first, optionally of one status, with their patient. */
export async function listReports(tx: TenantTx, q: { status?: ReportStatus | undefined; limit?: number }) {
  return tx
    .select({
      id: reports.id,
      status: reports.status,
      currentVersion: reports.currentVersion,
      announcementRequired: reports.announcementRequired,
      announcedAt: reports.announcedAt,
      updatedAt: reports.updatedAt,
      accessionNumber: orders.accessionNumber,
      ...patientName,
    })
    .from(reports)
    .innerJoin(orders, eq(orders.id, reports.orderId))
    .innerJoin(patients, eq(patients.id, orders.patientId))
    .where(q.status ? eq(reports.status, q.status) : undefined)
    .orderBy(desc(reports.updatedAt))
    .limit(q.limit ?? 200);
}

/** The site where an exam was (or is to be) done: its latest appointment's room. */
export async function siteOfExam(tx: TenantTx, examId: string): Promise<string | undefined> {
  const [row] = await tx
    .select({ siteId: rooms.siteId })
    .from(appointments)
    .innerJoin(modalities, eq(modalities.id, appointments.modalityId))
    .innerJoin(rooms, eq(rooms.id, modalities.roomId))
    .where(eq(appointments.examId, examId))
    .orderBy(desc(appointments.createdAt))
    .limit(1);
  return row?.siteId;
}

/** The stored documents of a version, with their content (for the distribution). */
export async function listReportDocumentContents(
  tx: TenantTx,
  versionId: string,
): Promise<ReportDocumentRow[]> {
  return tx.select().from(reportDocuments).where(eq(reportDocuments.versionId, versionId));
}
