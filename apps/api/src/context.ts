import { AsyncLocalStorage } from 'node:async_hooks';
import type { SessionUser } from '@rayon/access';
import type { Actor, PlatformContext, TenantRef, UseCaseContext } from '@rayon/db';
import { AppError } from '@rayon/domain';

/** What a request carries from edge to repository: ids only, never patient data. */
export interface RequestContext {
  requestId: string;
  user?: SessionUser;
  apiKeyId?: string;
  tenant?: TenantRef;
  /**
   * The portal says nobody has touched the page for a while (`x-rayon-unattended: 1`, an
   * automatic refresh): the request is served but is no activity for the idle timeout. Only
   * ever shortens one's own session, so it is taken from anyone.
   */
  unattended?: boolean;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The request's context (ids only); outside a request, an error. */
export function currentContext(): RequestContext {
  const ctx = requestContext.getStore();
  if (!ctx) throw new Error('no request context');
  return ctx;
}

function actorOf(ctx: RequestContext): Actor {
  if (ctx.user) return { type: 'user', id: ctx.user.id };
  if (ctx.apiKeyId) return { type: 'api_key', id: ctx.apiKeyId };
  return { type: 'system', id: null };
}

/**
 * The explicit context an adapter (tRPC procedure, REST route) hands to a use case: the
 * request's actor, id and clock. The request-scoped store is read here, at the edge, only.
 */
export function platformContext(): PlatformContext {
  const ctx = currentContext();
  return { actor: actorOf(ctx), requestId: ctx.requestId, now: () => new Date() };
}

/** As `platformContext`, on the practice the request was authenticated for. */
export function useCaseContext(): UseCaseContext {
  const ctx = currentContext();
  if (!ctx.tenant)
    throw new AppError('BAD_INPUT', 'this call needs a tenant (x-rayon-tenant header)', {
      field: 'x-rayon-tenant',
    });
  return { ...platformContext(), tenant: ctx.tenant };
}
