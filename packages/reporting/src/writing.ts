/**
 * Writing a compte rendu: creating it for acquired exams, the edit lock, saving its text, the
 * préliminaire, a correction, withdrawal and the announcement (annonce).
 */
import {
  audit,
  findExam,
  findReport,
  findReportOfExams,
  findReportTemplate,
  findReportVersion,
  findUserProfile,
  insertReport,
  insertReportVersion,
  planWithdrawals,
  releaseHeldDeliveries,
  siteOfExam,
  updateReport,
  updateReportVersion,
  type ReportVersionRow,
  type TenantTx,
  type UseCaseContext,
} from '@rayon/db';
import {
  acquireLock,
  AppError,
  assertEditable,
  conflict,
  nextReportStatus,
  NOT_SENT_REASONS,
  recordAnnouncement,
  type ReportActor,
} from '@rayon/domain';
import { isPortalUser, stateOf, view, writerId, type ReportingDeps } from './reading.ts';
import { planDmpVisibilityUpdate } from './visibility.ts';

/** Exams a report can be written for: acquired (in progress or completed). */
const REPORTABLE = new Set(['in_progress', 'completed']);

/** Who writes, and (a portal user) the practice's profile of that user, read once. */
export async function actorWithProfile(ctx: UseCaseContext, tx: TenantTx) {
  const userId = writerId(ctx);
  const profile = isPortalUser(ctx) ? await findUserProfile(tx, userId) : undefined;
  return { who: { userId, canSign: profile?.signsReports ?? false } satisfies ReportActor, profile };
}

async function actor(ctx: UseCaseContext, tx: TenantTx): Promise<ReportActor> {
  return (await actorWithProfile(ctx, tx)).who;
}

/** The report (locked for update) and its current version; NOT_FOUND otherwise. */
export async function current(tx: TenantTx, id: string) {
  const report = await findReport(tx, id, { forUpdate: true });
  if (!report) throw new AppError('NOT_FOUND', 'report not found', { reason: 'reporting.report.not_found' });
  const version = (await findReportVersion(tx, id, report.currentVersion))!;
  return { report, version };
}

/** Saves a change of the current version if it is still at `revision`: the version as saved. */
export async function change(
  tx: TenantTx,
  version: ReportVersionRow,
  revision: number,
  fields: Parameters<typeof updateReportVersion>[3],
): Promise<ReportVersionRow> {
  const changed =
    revision === version.revision && (await updateReportVersion(tx, version.id, revision, fields));
  if (!changed) {
    throw conflict('the report was changed meanwhile: reload it', {
      field: 'revision',
      reason: 'reporting.report.changed',
    });
  }
  return changed;
}

/** Comptes rendus: writing, préliminaire, correction, withdrawal, announcement. */
export function writingUseCases({ db }: ReportingDeps) {
  return {
    /** A report for one or several acquired exams of one order, from a template when given. */
    create: (
      ctx: UseCaseContext,
      input: { examIds: string[]; announcementRequired?: boolean; templateId?: string | undefined },
    ) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const exams = [];
        for (const [i, id] of input.examIds.entries()) {
          const exam = await findExam(tx, id, { forUpdate: true });
          if (!exam) throw new AppError('NOT_FOUND', 'exam not found', { field: `examIds.${i}` });
          if (!REPORTABLE.has(exam.status)) {
            throw new AppError('BAD_INPUT', `exam ${exam.stepId} is not acquired yet (${exam.status})`, {
              reason: 'reporting.exam.not_acquired',
              field: `examIds.${i}`,
            });
          }
          exams.push(exam);
        }
        if (new Set(exams.map((e) => e.orderId)).size !== 1) {
          throw new AppError('BAD_INPUT', 'the exams of one report belong to one order', {
            reason: 'reporting.exams.several_orders',
            field: 'examIds',
          });
        }
        if (await findReportOfExams(tx, input.examIds)) {
          throw conflict('one of these exams already has a report', {
            field: 'examIds',
            reason: 'reporting.exam.has_report',
          });
        }
        let body = '';
        if (input.templateId) {
          const template = await findReportTemplate(tx, input.templateId);
          if (!template) {
            throw new AppError('BAD_INPUT', 'unknown template', {
              field: 'templateId',
              reason: 'reporting.template.unknown',
            });
          }
          body = template.body;
        }
        const { report } = await insertReport(tx, {
          orderId: exams[0]!.orderId,
          siteId: (await siteOfExam(tx, exams[0]!.id)) ?? null,
          examIds: input.examIds,
          announcementRequired: input.announcementRequired ?? false,
          authorId: writerId(ctx),
          body,
        });
        await audit(ctx, tx, 'report.created', report.id, { exams: input.examIds.length });
        return view(ctx, tx, report);
      }),

    /** Takes (or renews) the edit lock of the current version. */
    lock: (ctx: UseCaseContext, id: string) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const { report, version } = await current(tx, id);
        const lock = acquireLock(stateOf(version), await actor(ctx, tx), ctx.now());
        await change(tx, version, version.revision, { lockUserId: lock.userId, lockUntil: lock.until });
        return view(ctx, tx, report);
      }),

    /** Saves the text of the current version (the lock is taken or renewed). */
    save: (ctx: UseCaseContext, input: { id: string; body: string; revision: number }) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const { report, version } = await current(tx, input.id);
        const lock = acquireLock(stateOf(version), await actor(ctx, tx), ctx.now());
        await change(tx, version, input.revision, {
          body: input.body,
          lockUserId: lock.userId,
          lockUntil: lock.until,
        });
        return view(ctx, tx, report);
      }),

    /** Préliminaire: shown as provisional; the 48 h reminder counts from now. */
    setProvisional: (ctx: UseCaseContext, input: { id: string; revision: number }) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const { report, version } = await current(tx, input.id);
        const who = await actor(ctx, tx);
        assertEditable(stateOf(version), who, ctx.now());
        const status = nextReportStatus(version.status, 'provisional');
        await change(tx, version, input.revision, { status, provisionalAt: ctx.now() });
        await updateReport(tx, report.id, { status });
        await audit(ctx, tx, 'report.provisional', report.id, { version: version.version });
        return view(ctx, tx, (await findReport(tx, report.id))!);
      }),

    /** A correction: a new draft version from the validated one; validated, it replaces it. */
    correct: (ctx: UseCaseContext, id: string) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const { report, version } = await current(tx, id);
        if (version.status !== 'validated') {
          throw conflict('only a validated report is corrected; edit the current version instead', {
            reason: 'reporting.correction.not_validated',
          });
        }
        await insertReportVersion(tx, {
          reportId: report.id,
          version: version.version + 1,
          authorId: writerId(ctx),
          body: version.body,
        });
        await updateReport(tx, report.id, { status: 'draft', currentVersion: version.version + 1 });
        await audit(ctx, tx, 'report.correction-started', report.id, { version: version.version + 1 });
        return view(ctx, tx, (await findReport(tx, report.id))!);
      }),

    /** Withdrawal: the validated report leaves circulation (its destinations are told). */
    withdraw: (ctx: UseCaseContext, input: { id: string; reason: string }) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const { report, version } = await current(tx, input.id);
        const status = nextReportStatus(version.status, 'withdrawn');
        await updateReportVersion(tx, version.id, version.revision, { status });
        await updateReport(tx, report.id, { status, withdrawnAt: ctx.now() });
        // The destinations that took the version (DMP, PFI) are told to withdraw it.
        await planWithdrawals(tx, report.id, version.id, ctx.requestId);
        await audit(ctx, tx, 'report.withdrawn', report.id, {
          version: version.version,
          reason: input.reason,
        });
        return view(ctx, tx, (await findReport(tx, report.id))!);
      }),

    /** The announcement (annonce) is recorded: the report may now reach the patient. */
    announce: (ctx: UseCaseContext, id: string) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const report = await findReport(tx, id, { forUpdate: true });
        if (!report)
          throw new AppError('NOT_FOUND', 'report not found', { reason: 'reporting.report.not_found' });
        const done = recordAnnouncement(
          {
            required: report.announcementRequired,
            announcedAt: report.announcedAt,
            announcedBy: report.announcedBy,
          },
          writerId(ctx),
          ctx.now(),
        );
        await updateReport(tx, id, { announcedAt: done.announcedAt, announcedBy: done.announcedBy });
        // What was kept back for the announcement (the patient's mail) now goes.
        await releaseHeldDeliveries(tx, id, NOT_SENT_REASONS.announcementPending, ctx.requestId);
        // The DMP entry sent invisible to the patient becomes visible (ITI-57 metadata update).
        await planDmpVisibilityUpdate(tx, id, ctx.requestId);
        await audit(ctx, tx, 'report.announced', id);
        return view(ctx, tx, (await findReport(tx, id))!);
      }),
  };
}
