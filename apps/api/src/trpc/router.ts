import { z } from 'zod';
import { platformContext } from '../context.ts';
import { accountRouter, passwordResetProcedures, pscProcedures } from './account.ts';
import { identityRouter } from './identity.ts';
import { deliveryRouter } from './delivery.ts';
import { onboardingRouter } from './onboarding.ts';
import { reportingRouter } from './reporting.ts';
import { schedulingRouter } from './scheduling.ts';
import { authedProcedure, publicProcedure, router, signInClient, signInStepProcedure } from './init.ts';
import { securityRouter } from './security.ts';
import { staffRouter } from './staff.ts';

const pendingToken = z.string().min(1).max(200);
const totpCode = z.string().trim().min(1, 'required').max(40);

const authRouter = router({
  login: signInStepProcedure
    .input(
      z.strictObject({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024) }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.access.auth.login(platformContext(), input, signInClient(ctx)),
    ),
  /** Second step: a TOTP code (6 digits) or a recovery code, with the token `login` gave. */
  verifyTotp: signInStepProcedure
    .input(z.strictObject({ pendingToken, code: totpCode }))
    .mutation(({ ctx, input }) =>
      ctx.services.access.auth.verifyTotp(platformContext(), input, signInClient(ctx)),
    ),
  /** A second factor is due but none is enrolled: a new secret (QR code), shown this once. */
  totpEnrolment: signInStepProcedure
    .input(z.strictObject({ pendingToken }))
    .mutation(({ ctx, input }) => ctx.services.access.auth.totpEnrolment(platformContext(), input)),
  confirmTotpEnrolment: signInStepProcedure
    .input(z.strictObject({ pendingToken, code: totpCode }))
    .mutation(({ ctx, input }) =>
      ctx.services.access.auth.confirmTotpEnrolment(platformContext(), input, signInClient(ctx)),
    ),
  logout: authedProcedure.mutation(({ ctx }) =>
    ctx.services.access.auth.logout(platformContext(), ctx.user, ctx.sessionToken),
  ),
  me: authedProcedure.query(({ ctx }) =>
    ctx.services.access.auth.me(platformContext(), ctx.user, ctx.sessionToken),
  ),
  ...pscProcedures,
  invitation: publicProcedure
    .input(z.strictObject({ token: z.string().min(1).max(200) }))
    .query(({ ctx, input }) => ctx.services.access.staff.invitation(platformContext(), input.token)),
  /** A new account only; an address that has an account is refused (CONFLICT on `token`). */
  acceptInvitation: publicProcedure
    .input(
      z.strictObject({
        token: z.string().min(1).max(200),
        password: z.string().min(1).max(1024),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.access.staff.acceptInvitation(platformContext(), input)),
  /** The signed-in account the invitation was sent to joins the practice; password untouched. */
  acceptInvitationSignedIn: authedProcedure
    .input(z.strictObject({ token: z.string().min(1).max(200) }))
    .mutation(({ ctx, input }) =>
      ctx.services.access.staff.acceptInvitationSignedIn(platformContext(), ctx.user, input.token),
    ),
  ...passwordResetProcedures,
});

export const appRouter = router({
  auth: authRouter,
  account: accountRouter,
  security: securityRouter,
  onboarding: onboardingRouter,
  staff: staffRouter,
  identity: identityRouter,
  scheduling: schedulingRouter,
  reporting: reportingRouter,
  delivery: deliveryRouter,
});

export type AppRouter = typeof appRouter;
