import { OpenAPIHono } from '@hono/zod-openapi';
import { errorBody, fromZod } from '../http/errors.ts';
import { restInputGuard } from '../http/input-guard.ts';
import { currentContext } from '../context.ts';
import type { Services } from '../services/index.ts';
import type { RestEnv } from './common.ts';
import { registerDeliveryRoutes } from './delivery.ts';
import { registerOnboardingRoutes } from './onboarding.ts';
import { registerOrderRoutes } from './orders.ts';
import { registerIdentityRoutes } from './identity.ts';
import { registerReportingRoutes } from './reporting.ts';
import { registerSchedulingRoutes } from './scheduling.ts';
import { registerStaffRoutes } from './staff.ts';

/**
 * Public REST API for teleradiology platforms and integrators, authenticated by the tenant's
 * API keys: the key alone decides the tenant.
 */
export function createRestV1(services: Services) {
  const app = new OpenAPIHono<RestEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return c.json(errorBody(fromZod(result.error), currentContext().requestId), 400);
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
  // Before any route: NUL, lone surrogates, non-UTF-8 queries, a body not sent as JSON.
  app.use('*', restInputGuard());

  registerOnboardingRoutes(app, services);
  registerIdentityRoutes(app);
  registerOrderRoutes(app, services);
  registerSchedulingRoutes(app, services);
  registerReportingRoutes(app, services);
  registerDeliveryRoutes(app, services);
  registerStaffRoutes(app, services);
  return app;
}
