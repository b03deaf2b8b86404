/**
 * Access: accounts, invitations, sign-in, sessions, TOTP, passwords, Pro Santé Connect, staff.
 * Use cases take an explicit context first: `PlatformContext` for the platform's own work (the
 * door: sign-in, sessions, passwords, PSC), `UseCaseContext` on one practice's staff. What the
 * request carries (the session's user and token, the client's address, `unattended`) is passed
 * as arguments by the adapters.
 */
import { createAuth } from './auth.ts';
import type { AccessDeps } from './deps.ts';
import { createPasswords } from './passwords.ts';
import { createPsc } from './psc.ts';
import { createSecurity } from './security.ts';
import { createSessions } from './sessions.ts';
import { createSignInFlow } from './sign-in.ts';
import { createStaff, deliverInvitation, INVITATION_TTL_MS } from './staff.ts';

export function createAccess(deps: AccessDeps) {
  const signIn = createSignInFlow(deps);
  const sessions = createSessions(deps);
  const staff = createStaff(deps);
  const psc = createPsc(deps, signIn, staff);
  return {
    auth: createAuth(deps, { signIn, sessions, psc }),
    psc,
    sessions: { list: sessions.list, revoke: sessions.revoke },
    passwords: createPasswords(deps, { clearSignInThrottle: signIn.clearThrottle }),
    security: createSecurity(deps),
    staff,
    /** The invitations' validity and mail, for the first administrator of a practice onboarded. */
    invitations: {
      ttlMs: INVITATION_TTL_MS,
      deliver: (o: Parameters<typeof deliverInvitation>[1]) => deliverInvitation(deps, o),
    },
  };
}
export type Access = ReturnType<typeof createAccess>;

export type { AccessDeps, AccessLogger } from './deps.ts';
export { IDLE_TIMEOUT_RANGE } from './security.ts';
export { randomToken, sameHash, sha256 } from './secrets.ts';
export type { SessionUser } from './sessions.ts';
