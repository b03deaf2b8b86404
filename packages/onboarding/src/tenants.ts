import {
  audit,
  enqueueOutbox,
  findTenantBySlug,
  findUserByEmail,
  insertInvitation,
  insertTenant,
  listTenants,
  updateTenantState,
  type PlatformContext,
  type TenantRow,
} from '@rayon/db';
import { AppError, conflict, tenantSchemaName, type TenantRole } from '@rayon/domain';
import type { OnboardingDeps } from './deps.ts';

export interface OnboardInput {
  name: string;
  slug: string;
  finess?: string | undefined;
  siret?: string | undefined;
  firstSite: { name: string; finess?: string | undefined; city?: string | undefined };
  admin: { email: string; displayName: string };
}

function tenantView(t: TenantRow) {
  const { firstSite: _internal, ...provisioning } = t.provisioning;
  return {
    id: t.id,
    slug: t.slug,
    name: t.name,
    finess: t.finess,
    siret: t.siret,
    status: t.status,
    provisioning,
    createdAt: t.createdAt.toISOString(),
  };
}

/** The platform administrator's practices: list, onboard, deprovision. */
export function tenantUseCases({ db, tokens, invitations }: OnboardingDeps) {
  return {
    async listPractices(_ctx: PlatformContext) {
      return (await db.platform(listTenants)).map(tenantView);
    },

    async getPractice(_ctx: PlatformContext, slug: string) {
      const t = await db.platform((tx) => findTenantBySlug(tx, slug));
      if (!t) throw new AppError('NOT_FOUND', `practice ${slug} not found`);
      return tenantView(t);
    },

    /**
     * Onboards a practice: the tenant row, its provisioning job (outbox), the invitation of its
     * first administrator and the audit event commit together; the worker then creates the schema.
     * The invitation is then mailed (signed by `inviter`); its link comes back only when no mail
     * could be sent.
     */
    async onboardPractice(ctx: PlatformContext, input: OnboardInput, inviter: string | null) {
      const token = tokens.randomToken();
      const roles: TenantRole[] = ['practice_admin'];
      const created = await db.platform(async (tx) => {
        const tenant = await insertTenant(tx, {
          slug: input.slug,
          schemaName: tenantSchemaName(input.slug),
          name: input.name,
          finess: input.finess ?? null,
          siret: input.siret ?? null,
          provisioning: {
            step: 'queued',
            percent: 0,
            firstSite: {
              name: input.firstSite.name,
              finess: input.firstSite.finess ?? null,
              city: input.firstSite.city ?? null,
            },
          },
        });
        if (!tenant) throw conflict(`the identifier ${input.slug} is already taken`, { field: 'slug' });
        await enqueueOutbox(tx, {
          topic: 'tenant.provision',
          tenantId: tenant.id,
          requestId: ctx.requestId,
          payload: { tenantId: tenant.id },
        });
        const invitation = await insertInvitation(tx, {
          tokenHash: tokens.sha256(token),
          tenantId: tenant.id,
          email: input.admin.email.trim().toLowerCase(),
          displayName: input.admin.displayName,
          roles,
          expiresAt: new Date(ctx.now().getTime() + invitations.ttlMs),
          createdBy: ctx.actor.id,
        });
        await audit(ctx, tx, 'tenant.onboarded', tenant.slug, { invitationId: invitation.id }, tenant.id);
        return { tenant, invitation };
      });
      const existing = await db.platform((tx) => findUserByEmail(tx, created.invitation.email));
      const sent = await invitations.deliver({
        invitation: created.invitation,
        token,
        tenantName: created.tenant.name,
        inviter,
        existingAccount: Boolean(existing),
      });
      return {
        tenant: tenantView(created.tenant),
        invitation: {
          id: sent.invitation.id,
          email: sent.invitation.email,
          expiresAt: sent.invitation.expiresAt.toISOString(),
          mailSent: sent.mailSent,
          /** Only when the mail could not be sent: the platform administrator passes it on. */
          link: sent.mailSent ? null : sent.link,
          sendError: sent.invitation.sendError,
        },
      };
    },

    /** Queues the removal of a practice (schema dropped by the worker, audit kept). */
    async deprovisionPractice(ctx: PlatformContext, slug: string) {
      return db.platform(async (tx) => {
        const t = await findTenantBySlug(tx, slug);
        if (!t || t.status === 'deprovisioned') throw new AppError('NOT_FOUND', `practice ${slug} not found`);
        await updateTenantState(tx, t.id, { status: 'deprovisioning' });
        await enqueueOutbox(tx, {
          topic: 'tenant.deprovision',
          tenantId: t.id,
          requestId: ctx.requestId,
          payload: { tenantId: t.id },
        });
        await audit(ctx, tx, 'tenant.deprovision-requested', slug, undefined, t.id);
        return { ok: true as const };
      });
    },
  };
}
