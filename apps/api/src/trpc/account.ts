import { z } from 'zod';
import { authedProcedure, publicProcedure, router } from './init.ts';

const password = z.string().min(1, 'required').max(1024);
const resetToken = z.string().min(1).max(200);
const client = (ctx: { clientIp: string | undefined; userAgent: string | undefined }) => ({
  ip: ctx.clientIp,
  userAgent: ctx.userAgent,
});

/** « Mot de passe oublié » (public), merged into the `auth` router. */
export const passwordResetProcedures = {
  /** Always `{ ok: true }`, whether an account has the address or not. */
  requestPasswordReset: publicProcedure
    .input(z.strictObject({ email: z.string().trim().min(1, 'required').max(320) }))
    .mutation(({ ctx, input }) => ctx.services.passwords.requestReset(input, client(ctx))),
  /** Whether a reset link is still valid (NOT_FOUND when expired or used). */
  passwordReset: publicProcedure
    .input(z.strictObject({ token: resetToken }))
    .query(({ ctx, input }) => ctx.services.passwords.resetLink(input.token)),
  resetPassword: publicProcedure
    .input(z.strictObject({ token: resetToken, password }))
    .mutation(({ ctx, input }) => ctx.services.passwords.reset(input, client(ctx))),
};

/** « Mon compte »: one's own sessions and password. */
export const accountRouter = router({
  sessions: authedProcedure.query(({ ctx }) => ctx.services.sessions.list(ctx.user, ctx.sessionToken)),
  revokeSession: authedProcedure
    .input(z.strictObject({ id: z.uuid() }))
    .mutation(({ ctx, input }) => ctx.services.sessions.revoke(ctx.user, input.id)),
  changePassword: authedProcedure
    .input(z.strictObject({ currentPassword: password, newPassword: password }))
    .mutation(({ ctx, input }) => ctx.services.passwords.change(ctx.user, ctx.sessionToken, input)),
});
