import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { cancelDeliveryInput } from '@rayon/schemas/delivery';
import { useCaseContext } from '../context.ts';
import type { Services } from '../services/index.ts';
import { conflictResponse, errors, notFound, routeBase, type RestEnv } from './common.ts';

const idParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

const DeliverySchema = z
  .object({
    id: z.uuid(),
    reportId: z.uuid(),
    versionId: z.uuid(),
    destination: z.string().openapi({ example: 'dmp' }),
    action: z.string().openapi({ example: 'publish' }),
    status: z
      .string()
      .openapi({ description: 'pending, delivered, failed, not_sent, cancelled', example: 'pending' }),
    reason: z
      .string()
      .nullable()
      .openapi({ description: 'Why it was not sent, failed or was cancelled (French)' }),
    attempts: z.number(),
    lastAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    receipt: z.string().nullable(),
    receiptAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable().openapi({ description: 'A pending send: when it is tried next' }),
    waiting: z
      .object({ circuit: z.string(), unavailableSince: z.string(), nextProbeAt: z.string() })
      .nullable()
      .openapi({ description: 'A pending send waiting for its destination to come back' }),
  })
  .openapi('Delivery');

const route = <P extends string>(o: Parameters<typeof routeBase<P>>[1]) => routeBase('deliveries', o);

const forReport = createRoute({
  ...route({
    method: 'get',
    path: '/reports/{id}/deliveries',
    summary: "A report's sends (DMP, MSSanté, PFI) and where each stands",
    scope: 'reports:read',
  }),
  request: { params: idParam },
  responses: {
    200: { description: 'Sends', ...json(z.object({ data: z.array(DeliverySchema) })) },
    ...errors,
    ...notFound,
  },
});
const retry = createRoute({
  ...route({
    method: 'post',
    path: '/deliveries/{id}/retry',
    summary: 'Try a failed send again (409 when not failed, or when its version was replaced or withdrawn)',
    scope: 'reports:write',
  }),
  request: { params: idParam },
  responses: {
    200: { description: 'Pending again', ...json(DeliverySchema) },
    ...errors,
    ...notFound,
    ...conflictResponse,
  },
});
const cancel = createRoute({
  ...route({
    method: 'post',
    path: '/deliveries/{id}/cancel',
    summary: 'Cancel a pending send: it is never sent (409 when it is not pending)',
    scope: 'reports:write',
  }),
  request: {
    params: idParam,
    body: {
      required: false,
      ...json(cancelDeliveryInput),
    },
  },
  responses: {
    200: { description: 'Cancelled', ...json(DeliverySchema) },
    ...errors,
    ...notFound,
    ...conflictResponse,
  },
});

/** /api/v1: the sends of validated reports. */
export function registerDeliveryRoutes(app: OpenAPIHono<RestEnv>, { delivery }: Services) {
  app.openapi(forReport, async (c) =>
    c.json({ data: await delivery.forReport(useCaseContext(), c.req.valid('param').id) }, 200),
  );
  app.openapi(retry, async (c) =>
    c.json(await delivery.retry(useCaseContext(), c.req.valid('param').id), 200),
  );
  app.openapi(cancel, async (c) => {
    const body = c.req.header('content-type')?.includes('application/json') ? c.req.valid('json') : {};
    return c.json(await delivery.cancel(useCaseContext(), c.req.valid('param').id, body?.reason), 200);
  });
}
