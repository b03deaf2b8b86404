import { eq, sql } from 'drizzle-orm';
import { TENANT_SCHEMA, type Database } from '../client.ts';
import { recordAudit, type Actor } from '../platform/audit.ts';
import { findTenantById, toTenantRef, updateTenantState } from './tenants.ts';
import { migrateTenant } from '../migrate/runner.ts';
import {
  apiKeys,
  dicomAeTitles,
  hl7Routes,
  memberships,
  type ProvisioningState,
} from '../schema/platform.ts';
import { countSites, insertSite } from './sites.ts';
import { ownerRole, tenantRole } from '../tenancy/roles.ts';

export interface ProvisionContext {
  actor: Actor;
  requestId?: string | null;
  onProgress?: (state: ProvisioningState) => Promise<void> | void;
}

/**
 * Creates a tenant's schema, applies the tenant migrations and writes its first site, then
 * marks it active. Every step is idempotent, so a job retried after a crash finishes the work.
 * Progress is kept on the tenant row (the database is the source of truth) and reported.
 */
export async function provisionTenant(db: Database, tenantId: string, ctx: ProvisionContext): Promise<void> {
  const tenant = await db.platform((tx) => findTenantById(tx, tenantId));
  if (!tenant) throw new Error(`tenant ${tenantId} does not exist`);
  if (tenant.status === 'active') return;
  if (tenant.status !== 'provisioning' && tenant.status !== 'failed')
    throw new Error(`tenant ${tenant.slug} cannot be provisioned from status ${tenant.status}`);
  const { firstSite } = tenant.provisioning;

  const progress = async (step: string, percent: number) => {
    const state: ProvisioningState = { step, percent, ...(firstSite ? { firstSite } : {}) };
    await db.platform((tx) =>
      updateTenantState(tx, tenantId, { status: 'provisioning', provisioning: state }),
    );
    await ctx.onProgress?.(state);
  };

  await progress('schema-and-migrations', 20);
  if ((await migrateTenant(db, tenant, { provisioning: true })) === 'skipped') {
    throw new Error(`tenant ${tenant.slug} changed status while being provisioned`);
  }
  await progress('first-site', 80);
  const ref = toTenantRef(tenant);
  await db.withTenant(ref, async (tx) => {
    if (firstSite && (await countSites(tx)) === 0) {
      await insertSite(tx, { name: firstSite.name, finess: firstSite.finess, city: firstSite.city });
    }
    await updateTenantState(tx, tenantId, { status: 'active', provisioning: { step: 'done', percent: 100 } });
    await recordAudit(tx, {
      actor: ctx.actor,
      action: 'tenant.provisioned',
      tenantId,
      target: tenant.slug,
      requestId: ctx.requestId ?? null,
    });
  });
  await ctx.onProgress?.({ step: 'done', percent: 100 });
}

/** Records a provisioning that gave up, with the reason, so the platform admin sees it. */
export async function markProvisioningFailed(db: Database, tenantId: string, error: string): Promise<void> {
  await db.platform(async (tx) => {
    const tenant = await findTenantById(tx, tenantId);
    if (!tenant || tenant.status === 'active') return;
    await updateTenantState(tx, tenantId, {
      status: 'failed',
      provisioning: { ...tenant.provisioning, step: 'failed', error },
    });
  });
}

/**
 * Removes a practice in one transaction: its schema (all its data) is dropped, its API keys
 * revoked, its memberships removed. The tenant row and the audit trail stay, marked deprovisioned.
 */
export async function deprovisionTenant(
  db: Database,
  tenantId: string,
  ctx: ProvisionContext,
): Promise<void> {
  const tenant = await db.platform((tx) => findTenantById(tx, tenantId));
  if (!tenant) throw new Error(`tenant ${tenantId} does not exist`);
  if (tenant.status === 'deprovisioned') return;
  if (!TENANT_SCHEMA.test(tenant.schemaName)) throw new Error(`not a tenant schema: ${tenant.schemaName}`);
  await db.platform(async (tx) => {
    // The schema and the practice's role belong to the owner role (tenancy/roles.ts).
    const [{ appRole }] = (await tx.execute(sql`select session_user as "appRole"`)) as unknown as [
      { appRole: string },
    ];
    await tx.execute(sql`select set_config('role', ${ownerRole(appRole)}, true)`);
    await tx.execute(sql.raw(`drop schema if exists "${tenant.schemaName}" cascade`));
    // Kept when another database of the cluster still grants it something.
    await tx
      .transaction((sp) =>
        sp.execute(sql.raw(`drop role if exists ${tenantRole(appRole, tenant.schemaName)}`)),
      )
      .catch(() => undefined);
    await tx
      .update(apiKeys)
      .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
      .where(eq(apiKeys.tenantId, tenantId));
    await tx.delete(memberships).where(eq(memberships.tenantId, tenantId));
    // Its listeners' routes and AE titles are freed for other practices.
    await tx.delete(hl7Routes).where(eq(hl7Routes.tenantId, tenantId));
    await tx.delete(dicomAeTitles).where(eq(dicomAeTitles.tenantId, tenantId));
    await updateTenantState(tx, tenantId, {
      status: 'deprovisioned',
      provisioning: { step: 'deprovisioned', percent: 100 },
    });
    await recordAudit(tx, {
      actor: ctx.actor,
      action: 'tenant.deprovisioned',
      tenantId,
      target: tenant.slug,
      requestId: ctx.requestId ?? null,
    });
  });
}
