import { deleteSession, findSessionPsc, listMemberships, recordAudit } from '@rayon/db';
import { sha256 } from '../auth/secrets.ts';
import type { SessionUser } from '../context.ts';
import { currentContext, type Deps } from './deps.ts';
import { createSessionService } from './sessions.ts';
import { createPscService } from './psc.ts';
import { createSignInFlow } from './sign-in.ts';
import type { createStaffService } from './staff.ts';

export function createAuthService(deps: Deps, staff: ReturnType<typeof createStaffService>) {
  const { db } = deps;
  const signIn = createSignInFlow(deps);
  const sessions = createSessionService(deps);
  const psc = createPscService(deps, signIn, staff);

  return {
    login: signIn.login,
    verifyTotp: signIn.verifyTotp,
    totpEnrolment: signIn.totpEnrolment,
    confirmTotpEnrolment: signIn.confirmTotpEnrolment,
    /** After a password reset: the account's failed attempts are forgotten. */
    clearSignInThrottle: signIn.clearThrottle,

    /** Sign-in with Pro Santé Connect, the link of an account to it, PSC logout. */
    psc,

    /**
     * Ends the session; one opened through Pro Santé Connect also gives the URL that ends the
     * PSC session (the portal sends the browser there). PSC unreachable: Rayon's session ends all
     * the same.
     */
    async logout(user: SessionUser, sessionToken: string) {
      const endSessionUrl = await psc.endSessionUrl(sessionToken).catch((e: unknown) => {
        deps.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'psc: logout URL unavailable');
        return null;
      });
      await db.platform(async (tx) => {
        await deleteSession(tx, sha256(sessionToken));
        await recordAudit(tx, {
          actor: { type: 'user', id: user.id },
          action: 'auth.logout',
          requestId: currentContext().requestId,
        });
      });
      return { ok: true as const, endSessionUrl };
    },

    /** The idle timeout and last-seen bookkeeping live in services/sessions.ts. */
    userForSession: (sessionToken: string): Promise<SessionUser | undefined> =>
      sessions.userForSession(sessionToken),

    async me(user: SessionUser, sessionToken: string) {
      const [memberships, session] = await db.platform(async (tx) => [
        await listMemberships(tx, user.id),
        await findSessionPsc(tx, sha256(sessionToken)),
      ]);
      return {
        user,
        authMethod: session?.authMethod === 'psc' ? ('psc' as const) : ('password' as const),
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
