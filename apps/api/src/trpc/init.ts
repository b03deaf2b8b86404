import type { SessionUser } from '@rayon/access';
import { findTenantBySlug, listMemberships, toTenantRef } from '@rayon/db';
import { AppError, type TenantRole } from '@rayon/domain';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { platformContext, useCaseContext, type RequestContext } from '../context.ts';
import { ERROR_MAP, fromZod } from '../http/errors.ts';
import { assertCleanInput } from '../http/input-guard.ts';
import type { Services } from '../services/index.ts';

export type TrpcContext = {
  request: RequestContext;
  services: Services;
  sessionToken: string | undefined;
  /** Tenant slug the portal asks for (x-rayon-tenant); checked against the user's memberships. */
  tenantSlug: string | undefined;
  /** The client's address: the TCP peer, or what our trusted proxies forwarded (client-address.ts). */
  clientIp: string | undefined;
  userAgent: string | undefined;
  /** Calls in this HTTP request (a tRPC batch has more than one). */
  batchSize: number;
};

/** `unbatchable`: a procedure that checks a password or a code, refused inside a tRPC batch. */
export interface ProcedureMeta {
  unbatchable?: boolean;
}

const t = initTRPC
  .context<TrpcContext>()
  .meta<ProcedureMeta>()
  .create({
    errorFormatter({ shape, error }) {
      const cause = error.cause instanceof ZodError ? fromZod(error.cause) : error.cause;
      const app = cause instanceof AppError ? cause : undefined;
      return {
        ...shape,
        message: app?.message ?? (error.code === 'INTERNAL_SERVER_ERROR' ? 'internal error' : shape.message),
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          appCode: app?.code ?? null,
          field: app?.field ?? null,
          reason: app?.reasonKey ?? null,
          params: app?.params ?? null,
          details: app?.details ?? null,
        },
      };
    },
  });

export const router = t.router;

/** Our typed errors become tRPC errors here, once, with the code from ERROR_MAP. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError) {
      throw new TRPCError({ code: ERROR_MAP[cause.code].trpc, message: cause.message, cause });
    }
  }
  return result;
});

/** NUL characters and lone surrogates in any text of the input: BAD_INPUT naming the field. */
const cleanInput = t.middleware(async ({ getRawInput, next }) => {
  assertCleanInput(await getRawInput());
  return next();
});

export const publicProcedure = t.procedure.use(mapErrors).use(cleanInput);

const batchRefusal = () =>
  new AppError('BAD_INPUT', 'sign-in calls cannot be batched: send each one in its own request', {
    field: 'batch',
    reason: 'auth.batch_refused',
  });

/**
 * A batch (`/trpc/a,b?batch=1`) holding a procedure that checks a password or a code is refused
 * as a whole, before any of its calls runs: each guess must be its own request, so that the
 * throttle sees every one. Called from the HTTP adapter's createContext.
 */
export function assertBatchAllowed(
  router: { _def: { procedures: object } },
  info: { isBatchCall: boolean; calls: readonly { path: string }[] },
): void {
  if (!info.isBatchCall || info.calls.length < 2) return;
  const procedures = router._def.procedures as Record<string, { _def?: { meta?: ProcedureMeta } }>;
  if (info.calls.some((c) => procedures[c.path]?._def?.meta?.unbatchable)) {
    const cause = batchRefusal();
    throw new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
  }
}

/**
 * A sign-in step (password, TOTP code, recovery code, enrolment): public, never in a batch (also
 * refused here, should a batch reach a procedure).
 */
export const signInStepProcedure = publicProcedure.meta({ unbatchable: true }).use(({ ctx, next }) => {
  if (ctx.batchSize > 1) throw batchRefusal();
  return next();
});

/** The client as the edge saw it (the address resolved from trusted proxies only). */
export const signInClient = (ctx: TrpcContext) => ({ ip: ctx.clientIp, userAgent: ctx.userAgent });

/** The account behind the request's session token, if any (an automatic refresh is no activity). */
export const sessionUser = (ctx: TrpcContext) =>
  ctx.sessionToken
    ? ctx.services.access.auth.userForSession(platformContext(), ctx.sessionToken, {
        unattended: ctx.request.unattended === true,
      })
    : Promise.resolve(undefined);

export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const user = await sessionUser(ctx);
  if (!user) throw new AppError('UNAUTHENTICATED', 'sign in first');
  ctx.request.user = user;
  return next({ ctx: { user, sessionToken: ctx.sessionToken! } });
});

export const platformAdminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.user.isPlatformAdmin) throw new AppError('FORBIDDEN', 'platform administrators only');
  return next();
});

/**
 * A call on one practice's data: the tenant comes from the x-rayon-tenant header and must be
 * one of the user's memberships; any other tenant is answered NOT_FOUND (never FORBIDDEN, so
 * nothing tells whether it exists). With `roles`, the membership must hold one of them.
 */
export function tenantProcedure(roles?: readonly TenantRole[]) {
  return authedProcedure.use(async ({ ctx, next }) => {
    const membership = await resolveMembership(ctx.services, ctx.user, ctx.tenantSlug);
    if (roles && !membership.roles.some((r) => roles.includes(r))) {
      throw new AppError('FORBIDDEN', `this needs one of the roles: ${roles.join(', ')}`);
    }
    ctx.request.tenant = membership.tenant;
    /** The explicit context the procedure hands to its use case, with the roles just resolved. */
    const uc = { ...useCaseContext(), roles: membership.roles };
    return next({ ctx: { tenant: membership.tenant, roles: membership.roles, uc } });
  });
}

async function resolveMembership(services: Services, user: SessionUser, slug: string | undefined) {
  if (!slug)
    throw new AppError('BAD_INPUT', 'x-rayon-tenant header is required', { field: 'x-rayon-tenant' });
  const memberships = await services.db.platform((tx) => listMemberships(tx, user.id));
  const m = memberships.find((x) => x.slug === slug && x.status === 'active');
  if (!m) throw new AppError('NOT_FOUND', `practice ${slug} not found`);
  return {
    tenant: toTenantRef({ id: m.tenantId, slug: m.slug, schemaName: m.schemaName }),
    roles: m.roles,
  };
}

/**
 * For practice administration screens reachable by the platform admin and by the practice's
 * own administrators: the tenant is named in the input and checked against the user.
 */
export async function assertCanAdministerTenant(services: Services, user: SessionUser, slug: string) {
  if (user.isPlatformAdmin) {
    const t = await services.db.platform((tx) => findTenantBySlug(tx, slug));
    if (!t) throw new AppError('NOT_FOUND', `practice ${slug} not found`);
    return;
  }
  const { roles } = await resolveMembership(services, user, slug);
  if (!roles.includes('practice_admin')) throw new AppError('NOT_FOUND', `practice ${slug} not found`);
}
