import { z } from 'zod';
import { platformContext } from '../context.ts';
import {
  authedProcedure,
  publicProcedure,
  router,
  sessionUser,
  signInClient,
  signInStepProcedure,
} from './init.ts';

const password = z.string().min(1, 'required').max(1024);
const resetToken = z.string().min(1).max(200);

/** « Mot de passe oublié » (public), merged into the `auth` router. */
export const passwordResetProcedures = {
  /** Always `{ ok: true }`, whether an account has the address or not. */
  requestPasswordReset: publicProcedure
    .input(z.strictObject({ email: z.string().trim().min(1, 'required').max(320) }))
    .mutation(({ ctx, input }) =>
      ctx.services.access.passwords.requestReset(platformContext(), input, signInClient(ctx)),
    ),
  /** Whether a reset link is still valid (NOT_FOUND when expired or used). */
  passwordReset: publicProcedure
    .input(z.strictObject({ token: resetToken }))
    .query(({ ctx, input }) => ctx.services.access.passwords.resetLink(platformContext(), input.token)),
  resetPassword: publicProcedure
    .input(z.strictObject({ token: resetToken, password }))
    .mutation(({ ctx, input }) =>
      ctx.services.access.passwords.reset(platformContext(), input, signInClient(ctx)),
    ),
};

/** Pro Santé Connect sign-in (public legs), merged into the `auth` router. */
export const pscProcedures = {
  /** Whether PSC is configured on this deployment (the portal shows its button). */
  psc: publicProcedure.query(({ ctx }) => ctx.services.access.psc.status(platformContext())),
  /**
   * First leg: the authorization URL and the flow token the portal keeps in the browser. `link`
   * needs the session; `link` and `invitation` the acceptance of PSC's conditions of use.
   */
  pscBegin: publicProcedure
    .input(
      z.strictObject({
        purpose: z.enum(['sign_in', 'link', 'invitation']),
        invitationToken: z.string().min(1).max(200).optional(),
        linkToken: z.string().min(1).max(200).optional(),
        returnTo: z.string().max(500).optional(),
        cguAccepted: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) =>
      ctx.services.access.psc.begin(platformContext(), input, await sessionUser(ctx)),
    ),
  /** Second leg: the callback's query string and the flow token (used once). */
  pscComplete: signInStepProcedure
    .input(z.strictObject({ flowToken: z.string().min(1).max(200), query: z.string().max(8192) }))
    .mutation(({ ctx, input }) =>
      ctx.services.access.psc.complete(platformContext(), input, signInClient(ctx)),
    ),
};

/** « Mon compte »: one's own sessions and password. */
export const accountRouter = router({
  sessions: authedProcedure.query(({ ctx }) =>
    ctx.services.access.sessions.list(platformContext(), ctx.user, ctx.sessionToken),
  ),
  revokeSession: authedProcedure
    .input(z.strictObject({ id: z.uuid() }))
    .mutation(({ ctx, input }) => ctx.services.access.sessions.revoke(platformContext(), ctx.user, input.id)),
  changePassword: authedProcedure
    .input(z.strictObject({ currentPassword: password, newPassword: password }))
    .mutation(({ ctx, input }) =>
      ctx.services.access.passwords.change(platformContext(), ctx.user, ctx.sessionToken, input),
    ),
  /** The Pro Santé Connect identity linked to the account (« Lier ma e-CPS »). */
  psc: authedProcedure.query(({ ctx }) => ctx.services.access.psc.account(platformContext(), ctx.user)),
  pscUnlink: authedProcedure.mutation(({ ctx }) =>
    ctx.services.access.psc.unlink(platformContext(), ctx.user),
  ),
});
