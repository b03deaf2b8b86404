/**
 * A practice's sign-in security: the journal of its members' sign-ins and its sign-in policy
 * (second factor for every member, idle timeout, Pro Santé Connect for its health professionals).
 * The idle timeout itself is applied where sessions are read.
 */
import {
  audit,
  deletePasswordSessions,
  findTenantBySlug,
  getSignInPolicy,
  listTenantSignInEvents,
  setSignInPolicy,
  toTenantRef,
  userIdsWithRpps,
  type PlatformContext,
  type SignInPolicy,
  type UseCaseContext,
} from '@rayon/db';
import { AppError, badInput } from '@rayon/domain';
import type { AccessDeps } from './deps.ts';

export const IDLE_TIMEOUT_RANGE = { min: 5, max: 480 } as const;

export function createSecurity(deps: AccessDeps) {
  const { db } = deps;

  async function tenantBySlug(slug: string) {
    const tenant = await db.platform((tx) => findTenantBySlug(tx, slug));
    if (!tenant) throw new AppError('NOT_FOUND', `practice ${slug} not found`);
    return tenant;
  }

  return {
    /** The practice's members' sign-ins, newest first (50 a page; `before`: the last id seen). */
    async signIns(ctx: UseCaseContext, o: { before?: number | undefined; limit?: number } = {}) {
      const { tenant } = ctx;
      const limit = Math.min(o.limit ?? 50, 200);
      const rows = await db.platform((tx) =>
        listTenantSignInEvents(tx, tenant.id, { limit: limit + 1, before: o.before }),
      );
      return {
        events: rows.slice(0, limit).map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          userId: r.userId,
          email: r.email,
          displayName: r.displayName,
          outcome: r.outcome,
          acr: r.acr,
          clientIp: r.clientIp,
          userAgent: r.userAgent,
        })),
        nextBefore: rows.length > limit ? rows[limit - 1]!.id : null,
      };
    },

    async policy(_ctx: PlatformContext, slug: string): Promise<SignInPolicy & { tenantSlug: string }> {
      const tenant = await tenantBySlug(slug);
      const policy = (await db.platform((tx) => getSignInPolicy(tx, tenant.id)))!;
      return { tenantSlug: tenant.slug, ...policy };
    },

    /**
     * Turning on « Pro Santé Connect obligatoire » ends the password sessions of the members with
     * an RPPS number (they come back through PSC); `pscRequired` left out keeps the setting.
     */
    async setPolicy(
      ctx: PlatformContext,
      slug: string,
      given: Omit<SignInPolicy, 'pscRequired'> & { pscRequired?: boolean | undefined },
    ) {
      const { min, max } = IDLE_TIMEOUT_RANGE;
      if (
        !Number.isInteger(given.idleTimeoutMinutes) ||
        given.idleTimeoutMinutes < min ||
        given.idleTimeoutMinutes > max
      ) {
        throw badInput('idleTimeoutMinutes', `idleTimeoutMinutes: ${min} to ${max} minutes`);
      }
      const tenant = await tenantBySlug(slug);
      const input: SignInPolicy = {
        totpRequired: given.totpRequired,
        idleTimeoutMinutes: given.idleTimeoutMinutes,
        pscRequired: given.pscRequired ?? tenant.pscRequired,
      };
      const professionals =
        input.pscRequired && !tenant.pscRequired
          ? await db.withTenant(toTenantRef(tenant), (tx) => userIdsWithRpps(tx))
          : [];
      await db.platform(async (tx) => {
        await setSignInPolicy(tx, tenant.id, input);
        const ended = await deletePasswordSessions(tx, professionals);
        await audit(
          ctx,
          tx,
          'tenant.sign_in_policy_set',
          tenant.slug,
          { ...input, ...(ended ? { passwordSessionsEnded: ended } : {}) },
          tenant.id,
        );
      });
      return { tenantSlug: tenant.slug, ...input };
    },
  };
}
