/**
 * Reading comptes rendus: the radiologists' worklist, the reports, one report with its versions,
 * its generated documents (each viewing audited), a CDA read for the viewer, the notifications.
 */
import {
  audit,
  findReport,
  findReportDocument,
  listExamsToReport,
  listOpenNotifications,
  listReportDocuments,
  listReportExams,
  listReports,
  listReportVersions,
  userDisplayNames,
  type Database,
  type ReportExamRow,
  type ReportRow,
  type ReportVersionRow,
  type TenantTx,
  type UseCaseContext,
} from '@rayon/db';
import { CDA_REFUSALS, readCda } from '@rayon/documents';
import {
  AppError,
  lockHolder,
  visibleToPatient,
  type ReportStatus,
  type ReportVersionState,
} from '@rayon/domain';

/** What the reporting use cases are given once. */
export interface ReportingDeps {
  db: Database;
}

export const stateOf = (v: ReportVersionRow): ReportVersionState => ({
  status: v.status,
  version: v.version,
  authorId: v.authorId,
  provisionalAt: v.provisionalAt,
  lock: v.lockUserId && v.lockUntil ? { userId: v.lockUserId, until: v.lockUntil } : null,
});

/** Who writes: a portal user, or an API key acting for a teleradiology platform. */
export function writerId(ctx: UseCaseContext): string {
  if (ctx.actor.type === 'user' && ctx.actor.id) return ctx.actor.id;
  if (ctx.actor.type === 'api_key' && ctx.actor.id) return `api_key:${ctx.actor.id}`;
  throw new AppError('UNAUTHENTICATED', 'no user');
}

/** Whether a portal user acts (else an API key, for a teleradiology platform). */
export const isPortalUser = (ctx: UseCaseContext) => ctx.actor.type === 'user';

/** A stored document of the practice, its viewing audited. */
async function viewDocument(ctx: UseCaseContext, tx: TenantTx, id: string) {
  const doc = await findReportDocument(tx, id);
  if (!doc) throw new AppError('NOT_FOUND', 'document not found', { reason: 'reporting.document.not_found' });
  await audit(ctx, tx, 'report.document-viewed', id, { kind: doc.kind });
  return doc;
}

/** A report as the portal and the API show it: its versions, documents, lock and announcement. */
export async function view(
  ctx: UseCaseContext,
  tx: TenantTx,
  report: ReportRow,
  /** The report's exams, when the caller has read them in this transaction. */
  known?: ReportExamRow[],
) {
  const versions = await listReportVersions(tx, report.id);
  const documents = await listReportDocuments(
    tx,
    versions.map((v) => v.id),
  );
  const names = await userDisplayNames(
    tx,
    [report.announcedBy, ...versions.flatMap((v) => [v.authorId, v.validatedBy, v.lockUserId])].filter(
      (x): x is string => !!x,
    ),
  );
  const now = ctx.now();
  const me = writerId(ctx);
  const exams = known ?? (await listReportExams(tx, report.id));
  return {
    id: report.id,
    orderId: report.orderId,
    status: report.status,
    currentVersion: report.currentVersion,
    setId: report.setId,
    announcement: {
      required: report.announcementRequired,
      announcedAt: report.announcedAt?.toISOString() ?? null,
      announcedBy: report.announcedBy ? (names.get(report.announcedBy) ?? report.announcedBy) : null,
      visibleToPatient: visibleToPatient({
        required: report.announcementRequired,
        announcedAt: report.announcedAt,
        announcedBy: report.announcedBy,
      }),
    },
    exams: exams.map(({ exam: e, type }) => ({
      id: e.id,
      status: e.status,
      label: type?.label ?? e.requestedProcedure ?? e.modalityType,
    })),
    versions: versions.map((v) => {
      const holder = lockHolder(stateOf(v), now);
      return {
        id: v.id,
        version: v.version,
        status: v.status,
        body: v.body,
        revision: v.revision,
        author: names.get(v.authorId) ?? v.authorId,
        provisionalAt: v.provisionalAt?.toISOString() ?? null,
        validatedBy: v.validatedBy ? (names.get(v.validatedBy) ?? v.validatedBy) : null,
        validatedAt: v.validatedAt?.toISOString() ?? null,
        lockedBy: holder ? (names.get(holder) ?? holder) : null,
        lockedByMe: holder !== null && holder === me,
        visibility: {
          maskedFromProfessionals: v.maskedFromProfessionals,
          hiddenFromLegalRepresentatives: v.hiddenFromLegalRepresentatives,
          secretConnection: v.secretConnection,
        },
        documents: documents
          .filter((d) => d.versionId === v.id)
          .map((d) => ({ id: d.id, kind: d.kind, mediaType: d.mediaType, sha256: d.sha256, size: d.size })),
      };
    }),
  };
}

/** Reading the practice's reports and their documents. */
export function readingUseCases({ db }: ReportingDeps) {
  return {
    /** The radiologists' worklist: acquired exams waiting for a report (urgent first). */
    toWrite: (ctx: UseCaseContext) =>
      db.withTenant(ctx.tenant, async (tx) =>
        (await listExamsToReport(tx)).map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() })),
      ),

    list: (ctx: UseCaseContext, input: { status?: ReportStatus | undefined }) =>
      db.withTenant(ctx.tenant, async (tx) =>
        (await listReports(tx, { status: input.status })).map((r) => ({
          ...r,
          announcementPending: r.announcementRequired && r.announcedAt === null,
          announcedAt: r.announcedAt?.toISOString() ?? null,
          updatedAt: r.updatedAt.toISOString(),
        })),
      ),

    get: (ctx: UseCaseContext, id: string) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const report = await findReport(tx, id);
        if (!report)
          throw new AppError('NOT_FOUND', 'report not found', { reason: 'reporting.report.not_found' });
        return view(ctx, tx, report);
      }),

    /** A generated document (PDF or CDA), each viewing audited. */
    document: (ctx: UseCaseContext, id: string) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const doc = await viewDocument(ctx, tx, id);
        return { kind: doc.kind, mediaType: doc.mediaType, sha256: doc.sha256, content: doc.content };
      }),

    /**
     * A generated CDA read for the viewer: its header and the PDF it carries, each viewing audited.
     * Read outside the transaction; a PDF/A is not a CDA (BAD_INPUT, `documents.cda.not_cda`).
     */
    readDocument: async (ctx: UseCaseContext, id: string) => {
      const doc = await db.withTenant(ctx.tenant, async (tx) => {
        const found = await viewDocument(ctx, tx, id);
        if (found.kind !== 'cda') {
          throw new AppError('BAD_INPUT', `the document is a ${found.kind}, not a CDA`, {
            field: 'id',
            reason: CDA_REFUSALS.notCda,
          });
        }
        return found;
      });
      return { sha256: doc.sha256, size: doc.content.length, ...readCda(doc.content) };
    },

    /** A CDA received from elsewhere (a file a person has), read for the viewer; nothing is stored. */
    readReceivedCda: (_ctx: UseCaseContext, content: Uint8Array) => readCda(content),

    /** The current user's open notifications (provisional reports waiting for validation…). */
    notifications: (ctx: UseCaseContext) =>
      db.withTenant(ctx.tenant, async (tx) =>
        (await listOpenNotifications(tx, writerId(ctx))).map((n) => ({
          id: n.id,
          kind: n.kind,
          target: n.target,
          message: n.message,
          createdAt: n.createdAt.toISOString(),
        })),
      ),
  };
}
