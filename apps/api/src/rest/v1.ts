import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { AppError, isValidFiness, type ApiScope } from '@rayon/domain';
import type { MiddlewareHandler } from 'hono';
import { errorBody, fromZod } from '../http/errors.ts';
import { currentContext } from '../services/deps.ts';
import type { Services } from '../services/index.ts';

const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'BAD_INPUT' }),
      message: z.string(),
      field: z.string().nullable().openapi({ example: 'finess' }),
      requestId: z.string().optional(),
    }),
  })
  .openapi('Error');

const SiteSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    finess: z.string().nullable().openapi({ description: 'FINESS géographique' }),
    address: z.string().nullable(),
    postalCode: z.string().nullable(),
    city: z.string().nullable(),
    phone: z.string().nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Site');

const SiteCreateSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    finess: z.string().refine(isValidFiness, 'not a valid FINESS number').nullish(),
    address: z.string().max(300).nullish(),
    postalCode: z
      .string()
      .regex(/^[0-9]{5}$/, 'five digits')
      .nullish(),
    city: z.string().max(120).nullish(),
    phone: z.string().max(30).nullish(),
  })
  .openapi('SiteCreate');

const errors = {
  400: {
    description: 'Bad input; `field` names the offending field',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  401: {
    description: 'Missing, invalid or revoked API key',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  403: {
    description: 'The API key lacks the scope',
    content: { 'application/json': { schema: ErrorSchema } },
  },
};
const notFound = {
  404: { description: 'Not found in this tenant', content: { 'application/json': { schema: ErrorSchema } } },
};

type Env = { Variables: { services: Services } };

/**
 * Authenticates the API key (it alone decides the tenant) and checks that it holds `scope`.
 * Attached to each route, so an unknown path is a plain 404 whatever the credentials.
 */
function apiKey(scope: ApiScope): MiddlewareHandler<Env> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!presented)
      throw new AppError('UNAUTHENTICATED', 'an API key is required: Authorization: Bearer <key>');
    const principal = await c.get('services').apiKeys.authenticate(presented);
    const ctx = currentContext();
    ctx.apiKeyId = principal.keyId;
    ctx.tenant = principal.tenant;
    if (!principal.scopes.includes(scope))
      throw new AppError('FORBIDDEN', `this API key lacks the scope ${scope}`);
    await next();
  };
}

const listSites = createRoute({
  method: 'get',
  path: '/sites',
  tags: ['sites'],
  summary: 'List the sites of the practice',
  security: [{ apiKey: [] }],
  middleware: [apiKey('sites:read')] as const,
  responses: {
    200: {
      description: 'The sites',
      content: { 'application/json': { schema: z.object({ data: z.array(SiteSchema) }) } },
    },
    ...errors,
  },
});

const getSite = createRoute({
  method: 'get',
  path: '/sites/{id}',
  tags: ['sites'],
  summary: 'One site of the practice',
  security: [{ apiKey: [] }],
  middleware: [apiKey('sites:read')] as const,
  request: { params: z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: {
    200: { description: 'The site', content: { 'application/json': { schema: SiteSchema } } },
    ...errors,
    ...notFound,
  },
});

const createSite = createRoute({
  method: 'post',
  path: '/sites',
  tags: ['sites'],
  summary: 'Create a site',
  security: [{ apiKey: [] }],
  middleware: [apiKey('sites:write')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: SiteCreateSchema } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: SiteSchema } } },
    ...errors,
  },
});

/**
 * Public REST API for teleradiology platforms and integrators, authenticated by the tenant's
 * API keys: the key alone decides the tenant.
 */
export function createRestV1(services: Services) {
  const app = new OpenAPIHono<Env>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const requestId = currentContext().requestId;
        return c.json(errorBody(fromZod(result.error), requestId), 400);
      }
    },
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A tenant API key: `Authorization: Bearer rayon_<prefix>_<secret>`',
  });

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Rayon API',
      version: '1.0.0',
      description: 'Public API of the Rayon radiology information system.',
    },
    servers: [{ url: '/api/v1' }],
  });

  app.use('*', async (c, next) => {
    c.set('services', services);
    await next();
  });

  app.openapi(listSites, async (c) => c.json({ data: await services.sites.list() }, 200));
  app.openapi(getSite, async (c) => c.json(await services.sites.get(c.req.valid('param').id), 200));
  app.openapi(createSite, async (c) => c.json(await services.sites.create(c.req.valid('json')), 201));

  return app;
}
