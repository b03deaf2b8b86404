import { deleteSession, listMemberships, recordAudit } from '@rayon/db';
import { sha256 } from '../auth/secrets.ts';
import type { SessionUser } from '../context.ts';
import { currentContext, type Deps } from './deps.ts';
import { createSessionService } from './sessions.ts';
import { createSignInFlow } from './sign-in.ts';

export function createAuthService(deps: Deps) {
  const { db } = deps;
  const signIn = createSignInFlow(deps);
  const sessions = createSessionService(deps);

  return {
    login: signIn.login,
    verifyTotp: signIn.verifyTotp,
    totpEnrolment: signIn.totpEnrolment,
    confirmTotpEnrolment: signIn.confirmTotpEnrolment,
    /** After a password reset: the account's failed attempts are forgotten. */
    clearSignInThrottle: signIn.clearThrottle,

    async logout(user: SessionUser, sessionToken: string) {
      await db.platform(async (tx) => {
        await deleteSession(tx, sha256(sessionToken));
        await recordAudit(tx, {
          actor: { type: 'user', id: user.id },
          action: 'auth.logout',
          requestId: currentContext().requestId,
        });
      });
      return { ok: true as const };
    },

    /** The idle timeout and last-seen bookkeeping live in services/sessions.ts. */
    userForSession: (sessionToken: string): Promise<SessionUser | undefined> =>
      sessions.userForSession(sessionToken),

    async me(user: SessionUser) {
      const memberships = await db.platform((tx) => listMemberships(tx, user.id));
      return {
        user,
        memberships: memberships.map(({ tenantId, slug, name, status, roles }) => ({
          tenantId,
          slug,
          name,
          status,
          roles,
        })),
      };
    },

    // Invitations (auth.invitation, auth.acceptInvitation…) live in services/staff.ts.
  };
}
