import { API_SCOPES, CERTIFICATE_PURPOSES, isValidFiness, isValidSiret, SLUG_PATTERN } from '@rayon/domain';
import { z } from 'zod';
import { platformContext } from '../context.ts';
import {
  assertCanAdministerTenant,
  authedProcedure,
  platformAdminProcedure,
  router,
  tenantProcedure,
} from './init.ts';

const finess = z.string().trim().refine(isValidFiness, 'not a valid FINESS number (9 characters, Luhn key)');
const siret = z.string().trim().refine(isValidSiret, 'not a valid SIRET number (14 digits, Luhn key)');
const optional = <T extends z.ZodType>(s: T) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), s.optional());
const text = (max: number) => z.string().trim().min(1, 'required').max(max);

const onboardInput = z.strictObject({
  name: text(200),
  slug: z
    .string()
    .regex(
      SLUG_PATTERN,
      'lower-case letters, digits and hyphens, 3 to 40 characters, starting with a letter',
    ),
  finess: optional(finess),
  siret: optional(siret),
  firstSite: z.strictObject({ name: text(200), finess: optional(finess), city: optional(text(120)) }),
  admin: z.strictObject({ email: z.email('not a valid e-mail address'), displayName: text(200) }),
});

const tenantSlug = z.string().regex(SLUG_PATTERN, 'not a practice identifier');

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
    .input(
      z.strictObject({
        tenantSlug,
        name: text(100),
        scopes: z.array(z.enum(API_SCOPES)).min(1, 'choose at least one scope'),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.onboarding.createApiKey(platformContext(), input.tenantSlug, input),
    ),
  revoke: tenantAdminProcedure
    .input(z.strictObject({ tenantSlug, id: z.uuid() }))
    .mutation(({ ctx, input }) =>
      ctx.services.onboarding.revokeApiKey(platformContext(), input.tenantSlug, input.id),
    ),
});

const siteInput = z.strictObject({
  name: text(200),
  finess: optional(finess),
  address: optional(text(300)),
  postalCode: optional(z.string().regex(/^[0-9]{5}$/, 'five digits')),
  city: optional(text(120)),
  phone: optional(text(30)),
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
    .input(
      z.strictObject({
        id: z.uuid(),
        letterhead: z
          .string()
          .max(1200)
          .refine((v) => v.split('\n').length <= 6, 'at most 6 lines')
          .nullable(),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.onboarding.setSiteLetterhead(ctx.uc, input.id, input.letterhead?.trim() || null),
    ),
});

const mshText = z.string().trim().min(1, 'required').max(180);
/** A route's senders: source addresses (CIDR), TLS client certificate fingerprints, size limit. */
const hl7Senders = {
  allowedSources: z.array(z.string().trim().max(50)).max(50, 'at most 50 address ranges').optional(),
  clientCertFingerprints: z.array(z.string().trim().max(120)).max(20, 'at most 20 certificates').optional(),
  maxMessageBytes: z.number().int().optional(),
};
const hl7Port = z.number().int().min(1).max(65535);

const hl7Router = router({
  routes: router({
    list: tenantProcedure(['practice_admin']).query(({ ctx }) =>
      ctx.services.onboarding.listHl7Routes(ctx.uc),
    ),
    /** A route on the shared port; `port` is accepted only to refuse it by name (platform's). */
    create: tenantProcedure(['practice_admin'])
      .input(
        z.strictObject({
          port: hl7Port.nullable().optional(),
          receivingApplication: mshText,
          receivingFacility: mshText,
          ...hl7Senders,
        }),
      )
      .mutation(({ ctx, input }) => ctx.services.onboarding.createHl7Route(ctx.uc, input)),
    update: tenantProcedure(['practice_admin'])
      .input(
        z.strictObject({
          id: z.uuid(),
          port: hl7Port.nullable().optional(),
          receivingApplication: mshText.nullable().optional(),
          receivingFacility: mshText.nullable().optional(),
          ...hl7Senders,
        }),
      )
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
    assign: platformAdminProcedure
      .input(z.strictObject({ tenantSlug, port: hl7Port, routeId: z.uuid().optional() }))
      .mutation(({ ctx, input }) =>
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
      .input(z.strictObject({ status: z.enum(['received', 'processed', 'failed']).optional() }))
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
    .input(
      z.strictObject({
        purpose: z.enum(CERTIFICATE_PURPOSES),
        p12Base64: z.base64('a PKCS#12 file in base64').max(200_000, 'a PKCS#12 file is a few kilobytes'),
        passphrase: z.string().max(200),
      }),
    )
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
