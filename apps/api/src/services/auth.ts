import {
  deleteSession,
  findOpenInvitation,
  findSessionUser,
  findTenantById,
  findUserByEmail,
  insertSession,
  listMemberships,
  markInvitationAccepted,
  recordAudit,
  upsertMembership,
  upsertUser,
  upsertUserProfile,
  toTenantRef,
} from '@rayon/db';
import { AppError } from '@rayon/domain';
import { assertAcceptablePassword } from '../auth/password-policy.ts';
import { RateLimiter } from '../auth/rate-limit.ts';
import { hashPassword, randomToken, sha256, verifyPassword } from '../auth/secrets.ts';
import type { SessionUser } from '../context.ts';
import { currentContext, type Deps } from './deps.ts';

const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** A hash of nothing, compared against when the account does not exist, to keep timing flat. */
const DUMMY_HASH = hashPassword('rayon-timing-equaliser');

export function createAuthService(deps: Deps) {
  // Per account (and per client address): 5 failures in 15 minutes lock further attempts.
  const limiter = new RateLimiter(deps.redis, 'rl:login', { limit: 5, windowSeconds: 15 * 60 });
  const { db } = deps;

  return {
    async login(input: { email: string; password: string }, clientIp: string | undefined) {
      const email = input.email.trim().toLowerCase();
      const keys = [`email:${email}`, ...(clientIp ? [`ip:${clientIp}`] : [])];
      if (await limiter.blocked(keys)) {
        throw new AppError('RATE_LIMITED', 'too many failed sign-in attempts; try again later');
      }
      const user = await db.platform((tx) => findUserByEmail(tx, email));
      const ok = user?.passwordHash
        ? await verifyPassword(input.password, user.passwordHash)
        : (await verifyPassword(input.password, await DUMMY_HASH), false);
      if (!user || !ok || user.disabledAt) {
        await limiter.hit(keys);
        throw new AppError('UNAUTHENTICATED', 'wrong email or password');
      }
      await limiter.reset([`email:${email}`]);
      const sessionToken = randomToken();
      const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
      await db.platform(async (tx) => {
        await insertSession(tx, { tokenHash: sha256(sessionToken), userId: user.id, expiresAt });
        await recordAudit(tx, {
          actor: { type: 'user', id: user.id },
          action: 'auth.login',
          requestId: currentContext().requestId,
        });
      });
      return { sessionToken, expiresAt: expiresAt.toISOString(), user: toSessionUser(user) };
    },

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

    async userForSession(sessionToken: string): Promise<SessionUser | undefined> {
      const user = await db.platform((tx) => findSessionUser(tx, sha256(sessionToken)));
      return user && toSessionUser(user);
    },

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

    async invitation(token: string) {
      return db.platform(async (tx) => {
        const inv = await findOpenInvitation(tx, sha256(token));
        if (!inv) throw new AppError('NOT_FOUND', 'invitation not found, expired or already used');
        const tenant = await findTenantById(tx, inv.tenantId);
        return { email: inv.email, displayName: inv.displayName, tenantName: tenant?.name ?? '' };
      });
    },

    /** Accepts an invitation: sets the password, creates the membership and the tenant profile. */
    async acceptInvitation(input: { token: string; password: string }) {
      const tokenHash = sha256(input.token);
      const pending = await db.platform((tx) => findOpenInvitation(tx, tokenHash));
      if (!pending) throw new AppError('NOT_FOUND', 'invitation not found, expired or already used');
      const tenant = await db.platform((tx) => findTenantById(tx, pending.tenantId));
      if (!tenant || tenant.status !== 'active') {
        throw new AppError('CONFLICT', 'the practice is not ready yet; try again in a moment');
      }
      assertAcceptablePassword(input.password, {
        email: pending.email,
        displayName: pending.displayName,
        practiceNames: [tenant.name, tenant.slug],
      });
      const passwordHash = await hashPassword(input.password);
      // Account, membership, tenant profile and audit commit together.
      const email = await db.withTenant(toTenantRef(tenant), async (tx) => {
        const inv = await findOpenInvitation(tx, tokenHash);
        if (!inv) throw new AppError('NOT_FOUND', 'invitation not found, expired or already used');
        const user = await upsertUser(tx, { email: inv.email, displayName: inv.displayName, passwordHash });
        await upsertMembership(tx, user.id, inv.tenantId, inv.roles);
        await upsertUserProfile(tx, { userId: user.id, displayName: inv.displayName });
        await markInvitationAccepted(tx, inv.id);
        await recordAudit(tx, {
          actor: { type: 'user', id: user.id },
          action: 'invitation.accepted',
          target: inv.id,
          requestId: currentContext().requestId,
        });
        return user.email;
      });
      return { email };
    },
  };
}

function toSessionUser(u: {
  id: string;
  email: string;
  displayName: string;
  isPlatformAdmin: boolean;
}): SessionUser {
  return { id: u.id, email: u.email, displayName: u.displayName, isPlatformAdmin: u.isPlatformAdmin };
}
