import { API_SCOPES, isValidFiness, isValidSiret, SLUG_PATTERN } from '@rayon/domain';
import { z } from 'zod';
import { accountRouter, passwordResetProcedures, pscProcedures } from './account.ts';
import { identityRouter } from './identity.ts';
import { deliveriesRouter } from './deliveries.ts';
import { reportsRouter } from './reports.ts';
import { CERTIFICATE_PURPOSE_IDS } from '@rayon/identity';
import { schedulingRouter } from './scheduling.ts';
import {
  assertCanAdministerTenant,
  authedProcedure,
  platformAdminProcedure,
  publicProcedure,
  router,
  signInStepProcedure,
  tenantProcedure,
} from './init.ts';
import { securityRouter } from './security.ts';
import { staffRouter } from './staff.ts';

const finess = z.string().trim().refine(isValidFiness, 'not a valid FINESS number (9 characters, Luhn key)');
const siret = z.string().trim().refine(isValidSiret, 'not a valid SIRET number (14 digits, Luhn key)');
const optional = <T extends z.ZodType>(s: T) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), s.optional());
const text = (max: number) => z.string().trim().min(1, 'required').max(max);

export const onboardInput = z.strictObject({
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

const pendingToken = z.string().min(1).max(200);
const totpCode = z.string().trim().min(1, 'required').max(40);
const signInClient = (ctx: { clientIp: string | undefined; userAgent: string | undefined }) => ({
  ip: ctx.clientIp,
  userAgent: ctx.userAgent,
});

const authRouter = router({
  login: signInStepProcedure
    .input(
      z.strictObject({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024) }),
    )
    .mutation(({ ctx, input }) => ctx.services.auth.login(input, signInClient(ctx))),
  /** Second step: a TOTP code (6 digits) or a recovery code, with the token `login` gave. */
  verifyTotp: signInStepProcedure
    .input(z.strictObject({ pendingToken, code: totpCode }))
    .mutation(({ ctx, input }) => ctx.services.auth.verifyTotp(input, signInClient(ctx))),
  /** A second factor is due but none is enrolled: a new secret (QR code), shown this once. */
  totpEnrolment: signInStepProcedure
    .input(z.strictObject({ pendingToken }))
    .mutation(({ ctx, input }) => ctx.services.auth.totpEnrolment(input)),
  confirmTotpEnrolment: signInStepProcedure
    .input(z.strictObject({ pendingToken, code: totpCode }))
    .mutation(({ ctx, input }) => ctx.services.auth.confirmTotpEnrolment(input, signInClient(ctx))),
  logout: authedProcedure.mutation(({ ctx }) => ctx.services.auth.logout(ctx.user, ctx.sessionToken)),
  me: authedProcedure.query(({ ctx }) => ctx.services.auth.me(ctx.user, ctx.sessionToken)),
  ...pscProcedures,
  invitation: publicProcedure
    .input(z.strictObject({ token: z.string().min(1).max(200) }))
    .query(({ ctx, input }) => ctx.services.staff.invitation(input.token)),
  /** A new account only; an address that has an account is refused (CONFLICT on `token`). */
  acceptInvitation: publicProcedure
    .input(
      z.strictObject({
        token: z.string().min(1).max(200),
        password: z.string().min(1).max(1024),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.staff.acceptInvitation(input)),
  /** The signed-in account the invitation was sent to joins the practice; password untouched. */
  acceptInvitationSignedIn: authedProcedure
    .input(z.strictObject({ token: z.string().min(1).max(200) }))
    .mutation(({ ctx, input }) => ctx.services.staff.acceptInvitationSignedIn(ctx.user, input.token)),
  ...passwordResetProcedures,
});

const tenantsRouter = router({
  list: platformAdminProcedure.query(({ ctx }) => ctx.services.tenants.list()),
  get: platformAdminProcedure
    .input(z.strictObject({ slug: tenantSlug }))
    .query(({ ctx, input }) => ctx.services.tenants.get(input.slug)),
  onboard: platformAdminProcedure
    .input(onboardInput)
    .mutation(({ ctx, input }) => ctx.services.tenants.onboard(input)),
  deprovision: platformAdminProcedure
    .input(z.strictObject({ slug: tenantSlug }))
    .mutation(({ ctx, input }) => ctx.services.tenants.deprovision(input.slug)),
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
    .query(({ ctx, input }) => ctx.services.apiKeys.list(input.tenantSlug)),
  create: tenantAdminProcedure
    .input(
      z.strictObject({
        tenantSlug,
        name: text(100),
        scopes: z.array(z.enum(API_SCOPES)).min(1, 'choose at least one scope'),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.apiKeys.create(input.tenantSlug, input)),
  revoke: tenantAdminProcedure
    .input(z.strictObject({ tenantSlug, id: z.uuid() }))
    .mutation(({ ctx, input }) => ctx.services.apiKeys.revoke(input.tenantSlug, input.id)),
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
  list: tenantProcedure().query(({ ctx }) => ctx.services.sites.list()),
  get: tenantProcedure()
    .input(z.strictObject({ id: z.uuid() }))
    .query(({ ctx, input }) => ctx.services.sites.get(input.id)),
  create: tenantProcedure(['practice_admin'])
    .input(siteInput)
    .mutation(({ ctx, input }) => ctx.services.sites.create(input)),
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
      ctx.services.sites.setLetterhead(input.id, input.letterhead?.trim() || null),
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
    list: tenantProcedure(['practice_admin']).query(({ ctx }) => ctx.services.hl7.listRoutes()),
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
      .mutation(({ ctx, input }) => ctx.services.hl7.createRoute(input)),
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
      .mutation(({ ctx, input }) => ctx.services.hl7.updateRoute(input)),
    delete: tenantProcedure(['practice_admin'])
      .input(z.strictObject({ id: z.uuid() }))
      .mutation(({ ctx, input }) => ctx.services.hl7.deleteRoute(input.id)),
  }),
  /** Dedicated ports: the platform administrator's. */
  ports: router({
    settings: platformAdminProcedure.query(({ ctx }) => ctx.services.hl7.platform()),
    list: platformAdminProcedure
      .input(z.strictObject({ tenantSlug }))
      .query(({ ctx, input }) => ctx.services.hl7.listRoutesOf(input.tenantSlug)),
    assign: platformAdminProcedure
      .input(z.strictObject({ tenantSlug, port: hl7Port, routeId: z.uuid().optional() }))
      .mutation(({ ctx, input }) =>
        ctx.services.hl7.assignPort(input.tenantSlug, { port: input.port, routeId: input.routeId }),
      ),
    withdraw: platformAdminProcedure
      .input(z.strictObject({ tenantSlug, routeId: z.uuid() }))
      .mutation(({ ctx, input }) => ctx.services.hl7.withdrawPort(input.tenantSlug, input.routeId)),
  }),
  messages: router({
    list: tenantProcedure(['practice_admin', 'secretary'])
      .input(z.strictObject({ status: z.enum(['received', 'processed', 'failed']).optional() }))
      .query(({ ctx, input }) => ctx.services.hl7.listMessages(input.status)),
    replay: tenantProcedure(['practice_admin', 'secretary'])
      .input(z.strictObject({ id: z.uuid() }))
      .mutation(({ ctx, input }) => ctx.services.hl7.replay(input.id)),
  }),
});

const certificatesRouter = router({
  list: tenantProcedure(['practice_admin']).query(({ ctx }) => ctx.services.certificates.list()),
  upload: tenantProcedure(['practice_admin'])
    .input(
      z.strictObject({
        purpose: z.enum(CERTIFICATE_PURPOSE_IDS),
        p12Base64: z.base64('a PKCS#12 file in base64').max(200_000, 'a PKCS#12 file is a few kilobytes'),
        passphrase: z.string().max(200),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.certificates.upload(input)),
  revoke: tenantProcedure(['practice_admin'])
    .input(z.strictObject({ id: z.uuid() }))
    .mutation(({ ctx, input }) => ctx.services.certificates.revoke(input.id)),
});

const practiceRouter = router({
  home: tenantProcedure().query(async ({ ctx }) => {
    const me = await ctx.services.auth.me(ctx.user, ctx.sessionToken);
    const membership = me.memberships.find((m) => m.tenantId === ctx.tenant.id)!;
    const sites = await ctx.services.sites.list();
    return {
      tenant: { slug: membership.slug, name: membership.name },
      user: { displayName: ctx.user.displayName, roles: ctx.roles },
      sites: sites.map(({ id, name, finess, city }) => ({ id, name, finess, city })),
      /** Sites whose reports cannot have documents (no FINESS nor SIRET): the portal says so. */
      sitesWithoutOrganisationId: await ctx.services.sites.withoutOrganisationId(),
    };
  }),
});

export const appRouter = router({
  auth: authRouter,
  account: accountRouter,
  security: securityRouter,
  tenants: tenantsRouter,
  apiKeys: apiKeysRouter,
  sites: sitesRouter,
  staff: staffRouter,
  practice: practiceRouter,
  hl7: hl7Router,
  identity: identityRouter,
  certificates: certificatesRouter,
  scheduling: schedulingRouter,
  reports: reportsRouter,
  deliveries: deliveriesRouter,
});

export type AppRouter = typeof appRouter;
export { siteInput };
