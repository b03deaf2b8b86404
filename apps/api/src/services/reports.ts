import {
  enqueueOutbox,
  findExam,
  findOrder,
  findPatient,
  findReport,
  findReportDocument,
  findReportOfExams,
  siteOfExam,
  findReportVersion,
  findTenantById,
  findUserById,
  findUserProfile,
  findUserProfilesByRpps,
  listMemberships,
  getSetting,
  insertReport,
  insertReportTemplate,
  insertReportVersion,
  findExamType,
  findReportSite,
  findReportTemplate,
  listExamsToReport,
  listOpenNotifications,
  listReportDocuments,
  listReportExams,
  listReportTemplates,
  listReportVersions,
  listReports,
  putSetting,
  planWithdrawals,
  releaseHeldDeliveries,
  REPORT_DOCUMENTS_TOPIC,
  resolveNotifications,
  updateReport,
  updateReportVersion,
  userDisplayNames,
  type ReportRow,
  type ReportSigner,
  type ReportVersionRow,
  type TenantTx,
} from '@rayon/db';
import {
  acquireLock,
  AppError,
  assertOrganisationId,
  assertEditable,
  conflict,
  lockHolder,
  nextReportStatus,
  NOT_SENT_REASONS,
  PROVISIONAL_REMINDER_KIND,
  RGPD_NOTICE_SETTING,
  recordAnnouncement,
  signerProblems,
  validate,
  visibleToPatient,
  assertVisibility,
  parisDate,
  type VisibilityChoice,
  type ReportActor,
  type ReportStatus,
  type ReportVersionState,
} from '@rayon/domain';
import { CDA_REFUSALS, readCda } from '@rayon/documents';
import { distributionSettings } from '@rayon/delivery';
import { assertDocumentsCanBeProduced, planDmpVisibilityUpdate } from '@rayon/reporting';
import { audit, currentContext, requireTenant, type Deps } from './deps.ts';

/** Exams a report can be written for: acquired (in progress or completed). */
const REPORTABLE = new Set(['in_progress', 'completed']);

const stateOf = (v: ReportVersionRow): ReportVersionState => ({
  status: v.status as ReportStatus,
  version: v.version,
  authorId: v.authorId,
  provisionalAt: v.provisionalAt,
  lock: v.lockUserId && v.lockUntil ? { userId: v.lockUserId, until: v.lockUntil } : null,
});

/** A name compared without case, accents or punctuation: `Télé-Radiologue` ~ `TELE RADIOLOGUE`. */
const comparable = (name: string) =>
  name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

const SIGNER_PROBLEM_MESSAGES: Record<ReturnType<typeof signerProblems>[number], string> = {
  not_radiologist: 'only a radiologist can sign reports',
  not_signer: 'this radiologist is not allowed to sign reports in this practice',
  no_civility: "the signer's profile has no civility",
  no_names: "the signer's profile lacks the family or given name",
  no_rpps: "the signer's profile has no RPPS number",
  invalid_rpps: "the signer's RPPS number is not valid",
};

/** A signer is `ready` (domain `signerProblems`), else FORBIDDEN on `signer.<first problem>`. */
function assertReadySigner(roles: readonly string[], profile: Parameters<typeof signerProblems>[1]): void {
  const [problem] = signerProblems(roles, profile);
  if (problem) {
    throw new AppError('FORBIDDEN', `${SIGNER_PROBLEM_MESSAGES[problem]}: the report cannot be signed`, {
      field: `signer.${problem}`,
    });
  }
}

/** Who writes: a portal user, or an API key acting for a teleradiology platform. */
function writerId(): string {
  const ctx = currentContext();
  if (ctx.user) return ctx.user.id;
  if (ctx.apiKeyId) return `api_key:${ctx.apiKeyId}`;
  throw new AppError('UNAUTHENTICATED', 'no user');
}

/** Comptes rendus: writing, préliminaire, validation, correction, withdrawal, announcement. */
export function createReportsService({ db }: Deps, clock: () => Date = () => new Date()) {
  const inTenant = <T>(fn: (tx: TenantTx) => Promise<T>) => db.withTenant(requireTenant(), fn);

  /** A stored document of the practice, its viewing audited. */
  async function viewDocument(tx: TenantTx, id: string) {
    const doc = await findReportDocument(tx, id);
    if (!doc)
      throw new AppError('NOT_FOUND', 'document not found', { reason: 'reporting.document.not_found' });
    await audit(tx, 'report.document-viewed', id, { kind: doc.kind });
    return doc;
  }

  async function actor(tx: TenantTx): Promise<ReportActor> {
    return (await actorWithProfile(tx)).who;
  }

  /** Who writes, and (a portal user) the practice's profile of that user, read once. */
  async function actorWithProfile(tx: TenantTx) {
    const userId = writerId();
    const profile = currentContext().user ? await findUserProfile(tx, userId) : undefined;
    return { who: { userId, canSign: profile?.signsReports ?? false } satisfies ReportActor, profile };
  }

  /**
   * Through the API, the radiologist the platform names: a member of this practice with the
   * radiologist role, a profile allowed to sign, that RPPS — and the name given must be the
   * profile's. Anything else is refused naming the field (`signer.rpps`, `signer.familyName`):
   * a platform cannot sign under the name of someone the practice did not enrol.
   */
  async function apiSigner(given: ReportSigner | undefined): Promise<ReportSigner> {
    if (!given) throw new AppError('BAD_INPUT', 'name the signing radiologist', { field: 'signer' });
    const tenant = requireTenant();
    const refused = (why: string) =>
      new AppError('FORBIDDEN', `signer.rpps: ${why}`, { field: 'signer.rpps' });
    const profiles = await db.withTenant(tenant, (tx) => findUserProfilesByRpps(tx, given.rpps));
    if (profiles.length === 0) throw refused('no radiologist of this practice has this RPPS number');
    if (profiles.length > 1) throw refused('several users of this practice have this RPPS number');
    const profile = profiles[0]!;
    const [user, memberships] = await db.platform(async (tx) => [
      await findUserById(tx, profile.userId),
      await listMemberships(tx, profile.userId),
    ]);
    const membership = memberships.find((m) => m.tenantId === tenant.id);
    if (!user || user.disabledAt || !membership) {
      throw refused('no radiologist of this practice has this RPPS number');
    }
    if (!membership.roles.includes('radiologist') || !profile.signsReports) {
      throw refused('this RPPS number is not a radiologist allowed to sign reports in this practice');
    }
    // The practice's profile of that radiologist must be complete, as for a portal signer.
    assertReadySigner(membership.roles, profile);
    const known = ` ${comparable([profile.givenName, profile.familyName, profile.displayName].filter(Boolean).join(' '))} `;
    for (const part of ['familyName', 'givenName'] as const) {
      const name = given[part];
      if (name && !known.includes(` ${comparable(name)} `)) {
        throw new AppError(
          'BAD_INPUT',
          `signer.${part}: « ${name} » is not the name of the radiologist with this RPPS number`,
          { field: `signer.${part}` },
        );
      }
    }
    return {
      rpps: given.rpps,
      familyName: given.familyName,
      ...(given.givenName ? { givenName: given.givenName } : {}),
      ...(given.prefix || profile.civility ? { prefix: given.prefix ?? profile.civility! } : {}),
    };
  }

  /** The portal user's roles in this practice (read before the practice's transaction). */
  async function portalRoles(): Promise<string[]> {
    const user = currentContext().user;
    if (!user) return [];
    const tenant = requireTenant();
    const memberships = await db.platform((tx) => listMemberships(tx, user.id));
    return memberships.find((m) => m.tenantId === tenant.id)?.roles ?? [];
  }

  /**
   * Who signs, as the documents will print it: a portal radiologist whose profile is complete
   * (`signerProblems`: allowed to sign, civility, names, valid RPPS), refused otherwise with
   * FORBIDDEN on `signer.<problem>`; through the API, the radiologist the platform named
   * (`apiSigner`).
   */
  function signerOf(
    profile: Awaited<ReturnType<typeof findUserProfile>>,
    roles: string[],
    named: ReportSigner | undefined,
  ): ReportSigner {
    if (!currentContext().user) return named!;
    assertReadySigner(roles, profile);
    return {
      rpps: profile!.rpps!.trim(),
      familyName: profile!.familyName!.trim(),
      givenName: profile!.givenName!.trim(),
      prefix: profile!.civility!,
    };
  }

  async function current(tx: TenantTx, id: string) {
    const report = await findReport(tx, id, { forUpdate: true });
    if (!report)
      throw new AppError('NOT_FOUND', 'report not found', { reason: 'reporting.report.not_found' });
    const version = (await findReportVersion(tx, id, report.currentVersion))!;
    return { report, version };
  }

  /** Saves a change of the current version if it is still at `revision`. */
  async function change(
    tx: TenantTx,
    version: ReportVersionRow,
    revision: number,
    fields: Parameters<typeof updateReportVersion>[3],
  ) {
    if (revision !== version.revision || !(await updateReportVersion(tx, version.id, revision, fields))) {
      throw conflict('the report was changed meanwhile: reload it', 'revision', {
        reason: 'reporting.report.changed',
      });
    }
  }

  async function view(tx: TenantTx, report: ReportRow) {
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
    const now = clock();
    const me = writerId();
    const exams = await listReportExams(tx, report.id);
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

  return {
    /** A report for one or several acquired exams of one order, from a template when given. */
    create: (input: { examIds: string[]; announcementRequired?: boolean; templateId?: string | undefined }) =>
      inTenant(async (tx) => {
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
          throw conflict('one of these exams already has a report', 'examIds', {
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
          authorId: writerId(),
          body,
        });
        await audit(tx, 'report.created', report.id, { exams: input.examIds.length });
        return view(tx, report);
      }),

    /** The radiologists' worklist: acquired exams waiting for a report (urgent first). */
    toWrite: () =>
      inTenant(async (tx) =>
        (await listExamsToReport(tx)).map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() })),
      ),

    list: (input: { status?: ReportStatus | undefined }) =>
      inTenant(async (tx) =>
        (await listReports(tx, { status: input.status })).map((r) => ({
          ...r,
          announcementPending: r.announcementRequired && r.announcedAt === null,
          announcedAt: r.announcedAt?.toISOString() ?? null,
          updatedAt: r.updatedAt.toISOString(),
        })),
      ),

    get: (id: string) =>
      inTenant(async (tx) => {
        const report = await findReport(tx, id);
        if (!report)
          throw new AppError('NOT_FOUND', 'report not found', { reason: 'reporting.report.not_found' });
        return view(tx, report);
      }),

    /** Takes (or renews) the edit lock of the current version. */
    lock: (id: string) =>
      inTenant(async (tx) => {
        const { report, version } = await current(tx, id);
        const lock = acquireLock(stateOf(version), await actor(tx), clock());
        await change(tx, version, version.revision, { lockUserId: lock.userId, lockUntil: lock.until });
        return view(tx, report);
      }),

    /** Saves the text of the current version (the lock is taken or renewed). */
    save: (input: { id: string; body: string; revision: number }) =>
      inTenant(async (tx) => {
        const { report, version } = await current(tx, input.id);
        const lock = acquireLock(stateOf(version), await actor(tx), clock());
        await change(tx, version, input.revision, {
          body: input.body,
          lockUserId: lock.userId,
          lockUntil: lock.until,
        });
        return view(tx, report);
      }),

    /** Préliminaire: shown as provisional; the 48 h reminder counts from now. */
    setProvisional: (input: { id: string; revision: number }) =>
      inTenant(async (tx) => {
        const { report, version } = await current(tx, input.id);
        const who = await actor(tx);
        assertEditable(stateOf(version), who, clock());
        const status = nextReportStatus(version.status as ReportStatus, 'provisional');
        await change(tx, version, input.revision, { status, provisionalAt: clock() });
        await updateReport(tx, report.id, { status });
        await audit(tx, 'report.provisional', report.id, { version: version.version });
        return view(tx, (await findReport(tx, report.id))!);
      }),

    /**
     * Validation (signature) by a radiologist allowed to sign: the version is frozen, the one it
     * corrects is marked replaced, and its documents are generated by the worker.
     */
    validate: async (input: {
      id: string;
      revision: number;
      signer?: ReportSigner | undefined;
      maskedFromProfessionals?: boolean | undefined;
      hiddenFromLegalRepresentatives?: boolean | undefined;
      secretConnection?: boolean | undefined;
    }) => {
      // Through the API, the named signer is checked first (the platform's directory is read
      // outside the practice's transaction).
      let named: ReportSigner | undefined;
      if (!currentContext().user) {
        // Another practice's report stays a 404, whoever is named.
        if (!(await inTenant((tx) => findReport(tx, input.id)))) {
          throw new AppError('NOT_FOUND', 'report not found', { reason: 'reporting.report.not_found' });
        }
        named = await apiSigner(input.signer);
      }
      // The practice's FINESS / SIRET and the signer's roles (platform directory), read before
      // its transaction.
      const practice = await db.platform((tx) => findTenantById(tx, requireTenant().id));
      const roles = await portalRoles();
      return inTenant(async (tx) => {
        const { report, version } = await current(tx, input.id);
        const { who, profile } = await actorWithProfile(tx);
        const signer = signerOf(profile, roles, named);
        if (version.body.trim() === '')
          throw new AppError('BAD_INPUT', 'the report is empty', {
            field: 'body',
            reason: 'reporting.report.empty',
          });
        // A validated version whose documents cannot be produced would wait for ever: refused.
        assertOrganisationId(
          await findReportSite(tx, report.siteId),
          practice ?? { finess: null, siret: null },
        );
        const status = validate(stateOf(version), { ...who, canSign: true }, clock());
        // Who may see it (CI-SIS MetaDMPMSS): refused combinations name their field.
        const visibility: VisibilityChoice = {
          maskedFromProfessionals: input.maskedFromProfessionals ?? false,
          hiddenFromLegalRepresentatives: input.hiddenFromLegalRepresentatives ?? false,
          secretConnection: input.secretConnection ?? false,
        };
        const order = (await findOrder(tx, report.orderId))!;
        const patient = (await findPatient(tx, order.patientId))!;
        assertVisibility(visibility, {
          birthDate: patient.birthDate,
          today: parisDate(clock()),
          announcementPending: report.announcementRequired && report.announcedAt === null,
          dmp: (await distributionSettings(tx)).dmp,
        });
        await change(tx, version, input.revision, {
          status,
          validatedBy: who.userId,
          validatedAt: clock(),
          signer,
          ...visibility,
          lockUserId: null,
          lockUntil: null,
        });
        // Checked once the version holds what its documents print (signer, time): refused, nothing stays.
        await assertDocumentsCanBeProduced(tx, practice!, version.id, { report, order, patient });
        if (version.version > 1) {
          const previous = (await findReportVersion(tx, report.id, version.version - 1))!;
          await updateReportVersion(tx, previous.id, previous.revision, {
            status: nextReportStatus(previous.status as ReportStatus, 'replaced'),
          });
        }
        await updateReport(tx, report.id, { status });
        await resolveNotifications(tx, PROVISIONAL_REMINDER_KIND, report.id);
        await enqueueOutbox(tx, {
          topic: REPORT_DOCUMENTS_TOPIC,
          payload: { reportId: report.id, versionId: version.id },
          requestId: currentContext().requestId,
        });
        await audit(tx, 'report.validated', report.id, {
          version: version.version,
          ...Object.fromEntries(Object.entries(visibility).filter(([, on]) => on)),
          ...(named ? { signerRpps: named.rpps } : {}),
        });
        return view(tx, (await findReport(tx, report.id))!);
      });
    },

    /** A correction: a new draft version from the validated one; validated, it replaces it. */
    correct: (id: string) =>
      inTenant(async (tx) => {
        const { report, version } = await current(tx, id);
        if (version.status !== 'validated') {
          throw conflict('only a validated report is corrected; edit the current version instead', {
            reason: 'reporting.correction.not_validated',
          });
        }
        await insertReportVersion(tx, {
          reportId: report.id,
          version: version.version + 1,
          authorId: writerId(),
          body: version.body,
        });
        await updateReport(tx, report.id, { status: 'draft', currentVersion: version.version + 1 });
        await audit(tx, 'report.correction-started', report.id, { version: version.version + 1 });
        return view(tx, (await findReport(tx, report.id))!);
      }),

    /** Withdrawal: the validated report leaves circulation (its destinations are told). */
    withdraw: (input: { id: string; reason: string }) =>
      inTenant(async (tx) => {
        const { report, version } = await current(tx, input.id);
        const status = nextReportStatus(version.status as ReportStatus, 'withdrawn');
        await updateReportVersion(tx, version.id, version.revision, { status });
        await updateReport(tx, report.id, { status, withdrawnAt: clock() });
        // The destinations that took the version (DMP, PFI) are told to withdraw it.
        await planWithdrawals(tx, report.id, version.id, currentContext().requestId);
        await audit(tx, 'report.withdrawn', report.id, { version: version.version, reason: input.reason });
        return view(tx, (await findReport(tx, report.id))!);
      }),

    /** The announcement (annonce) is recorded: the report may now reach the patient. */
    announce: (id: string) =>
      inTenant(async (tx) => {
        const report = await findReport(tx, id, { forUpdate: true });
        if (!report)
          throw new AppError('NOT_FOUND', 'report not found', { reason: 'reporting.report.not_found' });
        const done = recordAnnouncement(
          {
            required: report.announcementRequired,
            announcedAt: report.announcedAt,
            announcedBy: report.announcedBy,
          },
          writerId(),
          clock(),
        );
        await updateReport(tx, id, { announcedAt: done.announcedAt, announcedBy: done.announcedBy });
        // What was kept back for the announcement (the patient's mail) now goes.
        await releaseHeldDeliveries(tx, id, NOT_SENT_REASONS.announcementPending, currentContext().requestId);
        // The DMP entry sent invisible to the patient becomes visible (ITI-57 metadata update).
        await planDmpVisibilityUpdate(tx, id, currentContext().requestId);
        await audit(tx, 'report.announced', id);
        return view(tx, (await findReport(tx, id))!);
      }),

    /** A generated document (PDF or CDA), each viewing audited. */
    document: (id: string) =>
      inTenant(async (tx) => {
        const doc = await viewDocument(tx, id);
        return { kind: doc.kind, mediaType: doc.mediaType, sha256: doc.sha256, content: doc.content };
      }),

    /**
     * A generated CDA read for the viewer: its header and the PDF it carries, each viewing audited.
     * Read outside the transaction; a PDF/A is not a CDA (BAD_INPUT, `documents.cda.not_cda`).
     */
    readDocument: async (id: string) => {
      const doc = await inTenant(async (tx) => {
        const found = await viewDocument(tx, id);
        if (found.kind !== 'cda') {
          throw new AppError('BAD_INPUT', `the document is a ${found.kind}, not a CDA`, {
            field: 'id',
            details: { reason: CDA_REFUSALS.notCda },
          });
        }
        return found;
      });
      return { sha256: doc.sha256, size: doc.content.length, ...readCda(doc.content) };
    },

    /** A CDA received from elsewhere (a file a person has), read for the viewer; nothing is stored. */
    readReceivedCda: (content: Uint8Array) => readCda(content),

    /** The practice's RGPD mentions printed at the bottom of its reports. */
    settings: () =>
      inTenant(async (tx) => ({ rgpdNotice: (await getSetting(tx, RGPD_NOTICE_SETTING)) ?? null })),
    setRgpdNotice: (text: string | null) =>
      inTenant(async (tx) => {
        await putSetting(tx, RGPD_NOTICE_SETTING, text);
        await audit(tx, 'reports.rgpd-notice-changed', 'settings');
        return { rgpdNotice: text };
      }),

    listTemplates: () => inTenant(listReportTemplates),
    createTemplate: (input: { examTypeId?: string | null; name: string; body: string }) =>
      inTenant(async (tx) => {
        if (input.examTypeId && !(await findExamType(tx, input.examTypeId))) {
          throw new AppError('BAD_INPUT', 'exam type not in the catalogue', {
            field: 'examTypeId',
            reason: 'scheduling.exam_type.unknown',
          });
        }
        const row = await insertReportTemplate(tx, {
          examTypeId: input.examTypeId ?? null,
          name: input.name,
          body: input.body,
        });
        await audit(tx, 'report-template.created', row.id);
        return row;
      }),

    /** The current user's open notifications (provisional reports waiting for validation…). */
    notifications: () =>
      inTenant(async (tx) =>
        (await listOpenNotifications(tx, writerId())).map((n) => ({
          id: n.id,
          kind: n.kind,
          target: n.target,
          message: n.message,
          createdAt: n.createdAt.toISOString(),
        })),
      ),
  };
}
