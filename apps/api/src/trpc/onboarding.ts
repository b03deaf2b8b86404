import {
  apiKeyInput,
  assignHl7PortInput,
  createHl7RouteInput,
  letterheadInput,
  onboardInput,
  siteInput,
  tenantSlug,
  updateHl7RouteInput,
  uploadCertificateInput,
} from '@rayon/schemas/onboarding';
import { z } from 'zod';
import { HL7_MESSAGE_STATUSES } from '@rayon/db';
import { platformContext } from '../context.ts';
import {
  assertCanAdministerTenant,
  authedProcedure,
  platformAdminProcedure,
  router,
  tenantProcedure,
} from './init.ts';

const tenantsRouter = router({
  list: platformAdminProcedure.query(({ ctx }) => ctx.services.onboarding.listPractices(platformContext())),
  get: platformAdminProcedure
    .input(z.strictObject({ slug: tenantSlug }))
    .query(({ ctx, input }) => ctx.services.onboarding.getPractice(platformContext(), input.slug)),
  onboard: platformAdminProcedure
    .input(onboardInput)
    .mutation(({ ctx, input }) =>
      ctx.services.onboarding.onboardPractice(platformContext(), input, ctx.user.displayName),
    ),
  deprovision: platformAdminProcedure
    .input(z.strictObject({ slug: tenantSlug }))
    .mutation(({ ctx, input }) => ctx.services.onboarding.deprovisionPractice(platformContext(), input.slug)),
});

/** Practice administration named by `tenantSlug`: the platform admin or that practice's admins. */
const tenantAdminProcedure = authedProcedure
  .input(z.object({ tenantSlug }))
  .use(async ({ ctx, input, next }) => {
    await assertCanAdministerTenant(ctx.services, ctx.user, input.tenantSlug);
    return next();
  });

const apiKeysRouter = router({
  list: tenantAdminProcedure
    .input(z.strictObject({ tenantSlug }))
    .query(({ ctx, input }) => ctx.services.onboarding.listApiKeys(platformContext(), input.tenantSlug)),
  create: tenantAdminProcedure
    .input(apiKeyInput)
    .mutation(({ ctx, input }) =>
      ctx.services.onboarding.createApiKey(platformContext(), input.tenantSlug, input),
    ),
  revoke: tenantAdminProcedure
    .input(z.strictObject({ tenantSlug, id: z.uuid() }))
    .mutation(({ ctx, input }) =>
      ctx.services.onboarding.revokeApiKey(platformContext(), input.tenantSlug, input.id),
    ),
});

const sitesRouter = router({
  list: tenantProcedure().query(({ ctx }) => ctx.services.onboarding.listSites(ctx.uc)),
  get: tenantProcedure()
    .input(z.strictObject({ id: z.uuid() }))
    .query(({ ctx, input }) => ctx.services.onboarding.getSite(ctx.uc, input.id)),
  create: tenantProcedure(['practice_admin'])
    .input(siteInput)
    .mutation(({ ctx, input }) => ctx.services.onboarding.createSite(ctx.uc, input)),
  setLetterhead: tenantProcedure(['practice_admin'])
    .input(letterheadInput)
    .mutation(({ ctx, input }) =>
      ctx.services.onboarding.setSiteLetterhead(ctx.uc, input.id, input.letterhead?.trim() || null),
    ),
});

const hl7Router = router({
  routes: router({
    list: tenantProcedure(['practice_admin']).query(({ ctx }) =>
      ctx.services.onboarding.listHl7Routes(ctx.uc),
    ),
    /** A route on the shared port; `port` is accepted only to refuse it by name (platform's). */
    create: tenantProcedure(['practice_admin'])
      .input(createHl7RouteInput)
      .mutation(({ ctx, input }) => ctx.services.onboarding.createHl7Route(ctx.uc, input)),
    update: tenantProcedure(['practice_admin'])
      .input(updateHl7RouteInput)
      .mutation(({ ctx, input }) => ctx.services.onboarding.updateHl7Route(ctx.uc, input)),
    delete: tenantProcedure(['practice_admin'])
      .input(z.strictObject({ id: z.uuid() }))
      .mutation(({ ctx, input }) => ctx.services.onboarding.deleteHl7Route(ctx.uc, input.id)),
  }),
  /** Dedicated ports: the platform administrator's. */
  ports: router({
    settings: platformAdminProcedure.query(({ ctx }) =>
      ctx.services.onboarding.hl7Settings(platformContext()),
    ),
    list: platformAdminProcedure
      .input(z.strictObject({ tenantSlug }))
      .query(({ ctx, input }) =>
        ctx.services.onboarding.listPracticeHl7Routes(platformContext(), input.tenantSlug),
      ),
    assign: platformAdminProcedure.input(assignHl7PortInput).mutation(({ ctx, input }) =>
      ctx.services.onboarding.assignHl7Port(platformContext(), input.tenantSlug, {
        port: input.port,
        routeId: input.routeId,
      }),
    ),
    withdraw: platformAdminProcedure
      .input(z.strictObject({ tenantSlug, routeId: z.uuid() }))
      .mutation(({ ctx, input }) =>
        ctx.services.onboarding.withdrawHl7Port(platformContext(), input.tenantSlug, input.routeId),
      ),
  }),
  messages: router({
    list: tenantProcedure(['practice_admin', 'secretary'])
      .input(z.strictObject({ status: z.enum(HL7_MESSAGE_STATUSES).optional() }))
      .query(({ ctx, input }) => ctx.services.onboarding.listHl7Messages(ctx.uc, input.status)),
    replay: tenantProcedure(['practice_admin', 'secretary'])
      .input(z.strictObject({ id: z.uuid() }))
      .mutation(({ ctx, input }) => ctx.services.onboarding.replayHl7Message(ctx.uc, input.id)),
  }),
});

const certificatesRouter = router({
  list: tenantProcedure(['practice_admin']).query(({ ctx }) =>
    ctx.services.onboarding.listCertificates(ctx.uc),
  ),
  upload: tenantProcedure(['practice_admin'])
    .input(uploadCertificateInput)
    .mutation(({ ctx, input }) => ctx.services.onboarding.uploadCertificate(ctx.uc, input)),
  revoke: tenantProcedure(['practice_admin'])
    .input(z.strictObject({ id: z.uuid() }))
    .mutation(({ ctx, input }) => ctx.services.onboarding.revokeCertificate(ctx.uc, input.id)),
});

const practiceRouter = router({
  home: tenantProcedure().query(async ({ ctx }) => {
    const home = await ctx.services.onboarding.practiceHome(ctx.uc);
    return {
      tenant: home.tenant,
      user: { displayName: ctx.user.displayName, roles: ctx.roles },
      sites: home.sites,
      /** Sites whose reports cannot have documents (no FINESS nor SIRET): the portal says so. */
      sitesWithoutOrganisationId: home.sitesWithoutOrganisationId,
    };
  }),
});

/**
 * Onboarding: practices (the platform administrator's), their API keys, sites, HL7 routes and
 * ports, organisation certificates, and the practice's home page.
 */
export const onboardingRouter = router({
  tenants: tenantsRouter,
  apiKeys: apiKeysRouter,
  sites: sitesRouter,
  practice: practiceRouter,
  hl7: hl7Router,
  certificates: certificatesRouter,
});
