/**
 * Validation (signature) of a compte rendu: who may sign (a portal radiologist whose profile is
 * complete, or the radiologist a teleradiology platform names), who may see it, and in the same
 * transaction the version frozen, the one it corrects replaced, its documents asked for.
 */
import {
  audit,
  enqueueOutbox,
  findOrder,
  findPatient,
  findReport,
  findReportSite,
  findReportVersion,
  findTenantById,
  findUserById,
  type findUserProfile,
  findUserProfilesByRpps,
  listMemberships,
  listReportExams,
  REPORT_DOCUMENTS_TOPIC,
  resolveNotifications,
  updateReport,
  updateReportVersion,
  type ReportSigner,
  type UseCaseContext,
} from '@rayon/db';
import {
  AppError,
  assertOrganisationId,
  assertVisibility,
  nextReportStatus,
  parisDate,
  PROVISIONAL_REMINDER_KIND,
  signerProblems,
  validate,
  type VisibilityChoice,
} from '@rayon/domain';
import { distributionSettings } from '@rayon/delivery';
import { freezeDescription } from './documents.ts';
import { isPortalUser, stateOf, view, type ReportingDeps } from './reading.ts';
import { actorWithProfile, change, current } from './writing.ts';

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

/**
 * Who signs, as the documents will print it: a portal radiologist whose profile is complete
 * (`signerProblems`: allowed to sign, civility, names, valid RPPS), refused otherwise with
 * FORBIDDEN on `signer.<problem>`; through the API, the radiologist the platform named
 * (`apiSigner`).
 */
function signerOf(
  ctx: UseCaseContext,
  profile: Awaited<ReturnType<typeof findUserProfile>>,
  roles: readonly string[],
  named: ReportSigner | undefined,
): ReportSigner {
  if (!isPortalUser(ctx)) return named!;
  assertReadySigner(roles, profile);
  return {
    rpps: profile!.rpps!.trim(),
    familyName: profile!.familyName!.trim(),
    givenName: profile!.givenName!.trim(),
    prefix: profile!.civility!,
  };
}

export function validationUseCases({ db }: ReportingDeps) {
  /**
   * Through the API, the radiologist the platform names: a member of this practice with the
   * radiologist role, a profile allowed to sign, that RPPS — and the name given must be the
   * profile's. Anything else is refused naming the field (`signer.rpps`, `signer.familyName`):
   * a platform cannot sign under the name of someone the practice did not enrol.
   */
  async function apiSigner(ctx: UseCaseContext, given: ReportSigner | undefined): Promise<ReportSigner> {
    if (!given) throw new AppError('BAD_INPUT', 'name the signing radiologist', { field: 'signer' });
    const tenant = ctx.tenant;
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

  /** The portal user's roles in this practice (the adapter's, else read before the practice's transaction). */
  async function portalRoles(ctx: UseCaseContext): Promise<readonly string[]> {
    if (!isPortalUser(ctx) || !ctx.actor.id) return [];
    if (ctx.roles) return ctx.roles;
    const memberships = await db.platform((tx) => listMemberships(tx, ctx.actor.id!));
    return memberships.find((m) => m.tenantId === ctx.tenant.id)?.roles ?? [];
  }

  return {
    /**
     * Validation (signature) by a radiologist allowed to sign: the version is frozen, the one it
     * corrects is marked replaced, and its documents are generated by the worker.
     */
    validate: async (
      ctx: UseCaseContext,
      input: {
        id: string;
        revision: number;
        signer?: ReportSigner | undefined;
        maskedFromProfessionals?: boolean | undefined;
        hiddenFromLegalRepresentatives?: boolean | undefined;
        secretConnection?: boolean | undefined;
      },
    ) => {
      // Through the API, the named signer is checked first (the platform's directory is read
      // outside the practice's transaction).
      let named: ReportSigner | undefined;
      if (!isPortalUser(ctx)) {
        // Another practice's report stays a 404, whoever is named.
        if (!(await db.withTenant(ctx.tenant, (tx) => findReport(tx, input.id)))) {
          throw new AppError('NOT_FOUND', 'report not found', { reason: 'reporting.report.not_found' });
        }
        named = await apiSigner(ctx, input.signer);
      }
      // The practice's FINESS / SIRET and the signer's roles (platform directory), read before
      // its transaction.
      const practice = await db.platform((tx) => findTenantById(tx, ctx.tenant.id));
      const roles = await portalRoles(ctx);
      return db.withTenant(ctx.tenant, async (tx) => {
        const { report, version } = await current(tx, input.id);
        const { who, profile } = await actorWithProfile(ctx, tx);
        const signer = signerOf(ctx, profile, roles, named);
        if (version.body.trim() === '')
          throw new AppError('BAD_INPUT', 'the report is empty', {
            field: 'body',
            reason: 'reporting.report.empty',
          });
        // A validated version whose documents cannot be produced would wait for ever: refused.
        const site = await findReportSite(tx, report.siteId);
        assertOrganisationId(site, practice ?? { finess: null, siret: null });
        const status = validate(stateOf(version), { ...who, canSign: true }, ctx.now());
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
          today: parisDate(ctx.now()),
          announcementPending: report.announcementRequired && report.announcedAt === null,
          dmp: (await distributionSettings(tx)).dmp,
        });
        const validated = await change(tx, version, input.revision, {
          status,
          validatedBy: who.userId,
          validatedAt: ctx.now(),
          signer,
          ...visibility,
          lockUserId: null,
          lockUntil: null,
        });
        // Frozen once the version holds what its documents print (signer, time); a version whose
        // documents cannot be produced is refused, and nothing stays.
        const exams = await listReportExams(tx, report.id);
        await freezeDescription(tx, practice!, { version: validated, report, order, patient, exams, site });
        if (version.version > 1) {
          const previous = (await findReportVersion(tx, report.id, version.version - 1))!;
          await updateReportVersion(tx, previous.id, previous.revision, {
            status: nextReportStatus(previous.status, 'replaced'),
          });
        }
        const updated = (await updateReport(tx, report.id, { status }))!;
        await resolveNotifications(tx, PROVISIONAL_REMINDER_KIND, report.id);
        await enqueueOutbox(tx, {
          topic: REPORT_DOCUMENTS_TOPIC,
          payload: { reportId: report.id, versionId: version.id },
          requestId: ctx.requestId,
        });
        await audit(ctx, tx, 'report.validated', report.id, {
          version: version.version,
          ...Object.fromEntries(Object.entries(visibility).filter(([, on]) => on)),
          ...(named ? { signerRpps: named.rpps } : {}),
        });
        return view(ctx, tx, updated, exams);
      });
    },
  };
}
