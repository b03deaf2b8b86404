import {
  deprovisionTenant,
  markProvisioningFailed,
  provisionTenant,
  type Database,
  type PlatformContext,
  type ProvisioningState,
} from '@rayon/db';

/**
 * The worker's part of onboarding: a practice's schema created (or dropped) after the platform
 * administrator's request committed. Needs only the database, so the worker composes it alone.
 */
export function createProvisioning({ db }: { db: Database }) {
  return {
    /**
     * Schema, migrations, first site; progress on the tenant row and reported to `onProgress`.
     * On the last attempt, a failure is recorded on the tenant row for the platform administrator.
     */
    async provisionPractice(
      ctx: PlatformContext,
      tenantId: string,
      o: { onProgress: (state: ProvisioningState) => Promise<void> | void; lastAttempt: boolean },
    ) {
      try {
        await provisionTenant(db, tenantId, {
          actor: ctx.actor,
          requestId: ctx.requestId,
          onProgress: o.onProgress,
        });
      } catch (err) {
        if (o.lastAttempt) await markProvisioningFailed(db, tenantId, (err as Error).message);
        throw err;
      }
    },

    /** Drops the practice's schema, revokes its keys and frees its routes (audit kept). */
    async removePractice(ctx: PlatformContext, tenantId: string) {
      await deprovisionTenant(db, tenantId, { actor: ctx.actor, requestId: ctx.requestId });
    },
  };
}
