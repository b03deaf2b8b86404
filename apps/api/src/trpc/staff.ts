import {
  invitationIdInput,
  inviteInput,
  setProfileInput,
  setRolesInput,
  staffUserInput,
} from '@rayon/schemas/staff';
import { router, tenantProcedure } from './init.ts';

/** « Équipe »: the practice's administrators manage its staff and invitations. */
const admin = tenantProcedure(['practice_admin']);

export const staffRouter = router({
  list: admin.query(({ ctx }) => ctx.services.access.staff.list(ctx.uc)),
  invite: admin
    .input(inviteInput)
    .mutation(({ ctx, input }) => ctx.services.access.staff.invite(ctx.uc, input, ctx.user.displayName)),
  resendInvitation: admin
    .input(invitationIdInput)
    .mutation(({ ctx, input }) =>
      ctx.services.access.staff.resendInvitation(ctx.uc, input.invitationId, ctx.user.displayName),
    ),
  cancelInvitation: admin
    .input(invitationIdInput)
    .mutation(({ ctx, input }) => ctx.services.access.staff.cancelInvitation(ctx.uc, input.invitationId)),
  setRoles: admin
    .input(setRolesInput)
    .mutation(({ ctx, input }) => ctx.services.access.staff.setRoles(ctx.uc, input)),
  setProfile: admin
    .input(setProfileInput)
    .mutation(({ ctx, input }) => ctx.services.access.staff.setProfile(ctx.uc, input)),
  deactivate: admin
    .input(staffUserInput)
    .mutation(({ ctx, input }) => ctx.services.access.staff.deactivate(ctx.uc, input.userId)),
  resetSecondFactor: admin
    .input(staffUserInput)
    .mutation(({ ctx, input }) => ctx.services.access.staff.resetSecondFactor(ctx.uc, input.userId)),
  reactivate: admin
    .input(staffUserInput)
    .mutation(({ ctx, input }) => ctx.services.access.staff.reactivate(ctx.uc, input.userId)),
});
