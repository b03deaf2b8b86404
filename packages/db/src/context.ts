import type { TenantRef } from './client.ts';
import type { ControlTx } from './client.ts';
import { recordAudit, type Actor } from './platform/audit.ts';

/**
 * What every use case is given, explicitly, by whoever calls it (the API's tRPC and REST
 * adapters, the worker, the gateway): who acts, under which request, and the clock. Nothing in
 * an application package reads a request-scoped store.
 */
export interface PlatformContext {
  actor: Actor;
  /** The request (or job, or inbound message) id, carried into audit events and logs. */
  requestId: string;
  /** The clock; tests may pass a fixed one. */
  now: () => Date;
}

/** A use case on one practice's data: the practice is part of the context, never of the input. */
export interface UseCaseContext extends PlatformContext {
  tenant: TenantRef;
  /** The acting portal user's roles in this practice, when the adapter has resolved them already. */
  roles?: readonly string[] | undefined;
}

/** The context of work the platform does on its own (a job, a timer), for a practice or not. */
export function systemContext(requestId: string, tenant: TenantRef): UseCaseContext;
export function systemContext(requestId: string): PlatformContext;
export function systemContext(requestId: string, tenant?: TenantRef): PlatformContext | UseCaseContext {
  const base = { actor: { type: 'system', id: null } as Actor, requestId, now: () => new Date() };
  return tenant ? { ...base, tenant } : base;
}

/** The same context acted by this user (a sign-in, a password reset: the account is the actor). */
export const asUser = <C extends PlatformContext>(ctx: C, userId: string): C => ({
  ...ctx,
  actor: { type: 'user', id: userId },
});

/**
 * An audit event by the context's actor, in the same transaction as the change it records. On a
 * platform transaction, `tenantId` names the practice concerned (a tenant transaction names its own).
 */
export function audit(
  ctx: PlatformContext,
  tx: ControlTx,
  action: string,
  target: string,
  details?: Record<string, unknown>,
  tenantId?: string,
): Promise<void> {
  return recordAudit(tx, {
    actor: ctx.actor,
    action,
    target,
    requestId: ctx.requestId,
    ...(details ? { details } : {}),
    ...(tenantId ? { tenantId } : {}),
  });
}
