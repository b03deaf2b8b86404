import { deleteSession, findSessionPsc, listMemberships, recordAudit, type PlatformContext } from '@rayon/db';
import type { AccessDeps } from './deps.ts';
import type { createPsc } from './psc.ts';
import { sha256 } from './secrets.ts';
import type { createSessions, SessionUser } from './sessions.ts';
import type { createSignInFlow } from './sign-in.ts';

/** The door: sign-in in one or two steps, the account behind a session, logout. */
export function createAuth(
  deps: AccessDeps,
  parts: {
    signIn: ReturnType<typeof createSignInFlow>;
    sessions: ReturnType<typeof createSessions>;
    psc: Pick<ReturnType<typeof createPsc>, 'endSessionUrl'>;
  },
) {
  const { db } = deps;
  const { signIn, sessions, psc } = parts;

  return {
    login: signIn.login,
    verifyTotp: signIn.verifyTotp,
    totpEnrolment: signIn.totpEnrolment,
    confirmTotpEnrolment: signIn.confirmTotpEnrolment,

    /**
     * Ends the session; one opened through Pro Santé Connect also gives the URL that ends the
     * PSC session (the portal sends the browser there). PSC unreachable: Rayon's session ends all
     * the same.
     */
    async logout(ctx: PlatformContext, user: SessionUser, sessionToken: string) {
      const endSessionUrl = await psc.endSessionUrl(ctx, sessionToken).catch((e: unknown) => {
        deps.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'psc: logout URL unavailable');
        return null;
      });
      await db.platform(async (tx) => {
        await deleteSession(tx, sha256(sessionToken));
        await recordAudit(tx, {
          actor: { type: 'user', id: user.id },
          action: 'auth.logout',
          requestId: ctx.requestId,
        });
      });
      return { ok: true as const, endSessionUrl };
    },

    /** The idle timeout and last-seen bookkeeping live in sessions.ts. */
    userForSession: sessions.userForSession,

    async me(_ctx: PlatformContext, user: SessionUser, sessionToken: string) {
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

    // Invitations (auth.invitation, auth.acceptInvitation…) live in staff.ts.
  };
}
