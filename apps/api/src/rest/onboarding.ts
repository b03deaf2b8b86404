import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { siteInput } from '@rayon/schemas/onboarding';
import { useCaseContext } from '../context.ts';
import type { Services } from '../services/index.ts';
import { apiKey, errors, notFound, security, type RestEnv } from './common.ts';

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

const listSites = createRoute({
  method: 'get',
  path: '/sites',
  tags: ['sites'],
  summary: 'List the sites of the practice',
  security,
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
  security,
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
  security,
  middleware: [apiKey('sites:write')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: siteInput } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: SiteSchema } } },
    ...errors,
  },
});

export function registerOnboardingRoutes(app: OpenAPIHono<RestEnv>, services: Services) {
  app.openapi(listSites, async (c) =>
    c.json({ data: await services.onboarding.listSites(useCaseContext()) }, 200),
  );
  app.openapi(getSite, async (c) =>
    c.json(await services.onboarding.getSite(useCaseContext(), c.req.valid('param').id), 200),
  );
  app.openapi(createSite, async (c) =>
    c.json(await services.onboarding.createSite(useCaseContext(), c.req.valid('json')), 201),
  );
}
