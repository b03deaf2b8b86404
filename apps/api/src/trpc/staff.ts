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
  list: admin.query(({ ctx }) => ctx.services.staff.list()),
  invite: admin.input(inviteInput).mutation(({ ctx, input }) => ctx.services.staff.invite(input)),
  resendInvitation: admin
    .input(invitationIdInput)
    .mutation(({ ctx, input }) => ctx.services.staff.resendInvitation(input.invitationId)),
  cancelInvitation: admin
    .input(invitationIdInput)
    .mutation(({ ctx, input }) => ctx.services.staff.cancelInvitation(input.invitationId)),
  setRoles: admin.input(setRolesInput).mutation(({ ctx, input }) => ctx.services.staff.setRoles(input)),
  setProfile: admin.input(setProfileInput).mutation(({ ctx, input }) => ctx.services.staff.setProfile(input)),
  deactivate: admin
    .input(staffUserInput)
    .mutation(({ ctx, input }) => ctx.services.staff.deactivate(input.userId)),
  resetSecondFactor: admin
    .input(staffUserInput)
    .mutation(({ ctx, input }) => ctx.services.staff.resetSecondFactor(input.userId)),
  reactivate: admin
    .input(staffUserInput)
    .mutation(({ ctx, input }) => ctx.services.staff.reactivate(input.userId)),
});
