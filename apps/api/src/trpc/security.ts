import { IDLE_TIMEOUT_RANGE } from '@rayon/access';
import { SLUG_PATTERN } from '@rayon/domain';
import { z } from 'zod';
import { platformContext } from '../context.ts';
import { assertCanAdministerTenant, authedProcedure, router, tenantProcedure } from './init.ts';

const tenantSlug = z.string().regex(SLUG_PATTERN, 'not a practice identifier');

/** The practice's policy, named by `tenantSlug`: its administrators or the platform admin. */
const policyProcedure = authedProcedure.input(z.object({ tenantSlug })).use(async ({ ctx, input, next }) => {
  await assertCanAdministerTenant(ctx.services, ctx.user, input.tenantSlug);
  return next();
});

export const securityRouter = router({
  /** The sign-in journal of this practice's members (x-rayon-tenant), for its administrators. */
  signIns: tenantProcedure(['practice_admin'])
    .input(
      z
        .strictObject({
          before: z.number().int().positive().optional(),
          limit: z.number().int().min(1).max(200).optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => ctx.services.access.security.signIns(ctx.uc, input ?? {})),
  policy: policyProcedure
    .input(z.strictObject({ tenantSlug }))
    .query(({ ctx, input }) => ctx.services.access.security.policy(platformContext(), input.tenantSlug)),
  setPolicy: policyProcedure
    .input(
      z.strictObject({
        tenantSlug,
        totpRequired: z.boolean(),
        idleTimeoutMinutes: z
          .number()
          .int('whole minutes')
          .min(IDLE_TIMEOUT_RANGE.min, `at least ${IDLE_TIMEOUT_RANGE.min} minutes`)
          .max(IDLE_TIMEOUT_RANGE.max, `at most ${IDLE_TIMEOUT_RANGE.max} minutes`),
        /** « Pro Santé Connect obligatoire pour les professionnels de santé »; left out: unchanged. */
        pscRequired: z.boolean().optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.access.security.setPolicy(platformContext(), input.tenantSlug, {
        totpRequired: input.totpRequired,
        idleTimeoutMinutes: input.idleTimeoutMinutes,
        pscRequired: input.pscRequired,
      }),
    ),
});
