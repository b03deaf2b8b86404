import { z } from '@hono/zod-openapi';
import { AppError, type ApiScope } from '@rayon/domain';
import type { MiddlewareHandler } from 'hono';
import { currentContext, platformContext } from '../context.ts';
import type { Services } from '../services/index.ts';

export type RestEnv = { Variables: { services: Services } };

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'BAD_INPUT' }),
      message: z.string(),
      field: z.string().nullable().openapi({ example: 'traits.birthDate' }),
      requestId: z.string().optional(),
      reason: z.string().nullable().openapi({
        example: 'scheduling.slot.taken',
        description: 'Stable reason key (explain the refusal from it, not from the English message)',
      }),
      params: z
        .record(z.string(), z.unknown())
        .nullable()
        .openapi({ description: "The reason's parameters", example: { count: 2 } }),
    }),
  })
  .openapi('Error');

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

/** The error answers every authenticated route may give. */
export const errors = {
  400: errorResponse('Bad input; `field` names the offending field'),
  401: errorResponse('Missing, invalid or revoked API key'),
  403: errorResponse('The API key lacks the scope'),
};
export const notFound = { 404: errorResponse('Not found in this tenant') };
export const conflictResponse = {
  409: errorResponse('Conflict with the current state; `message` says which rule'),
};

/**
 * Authenticates the API key (it alone decides the tenant) and checks that it holds `scope`.
 * Attached to each route, so an unknown path is a plain 404 whatever the credentials.
 */
export function apiKey(scope: ApiScope): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!presented)
      throw new AppError('UNAUTHENTICATED', 'an API key is required: Authorization: Bearer <key>');
    const principal = await c.get('services').onboarding.authenticateApiKey(platformContext(), presented);
    const ctx = currentContext();
    ctx.apiKeyId = principal.keyId;
    ctx.tenant = principal.tenant;
    if (!principal.scopes.includes(scope))
      throw new AppError('FORBIDDEN', `this API key lacks the scope ${scope}`);
    await next();
  };
}

export const security = [{ apiKey: [] }];

/** The common part of a route: its tag, summary, the API key security and the scope it needs. */
export const routeBase = <P extends string>(
  tag: string,
  o: { method: 'get' | 'post' | 'put'; path: P; summary: string; scope: ApiScope },
) => ({
  method: o.method,
  path: o.path,
  tags: [tag],
  summary: o.summary,
  security,
  middleware: [apiKey(o.scope)],
});
