import { loggableError } from '@rayon/db';
import { randomUUID } from 'node:crypto';
import { trpcServer } from '@hono/trpc-server';
import { AppError } from '@rayon/domain';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { platformContext, requestContext, type RequestContext } from './context.ts';
import { ERROR_MAP, errorBody, toAppError } from './http/errors.ts';
import { securityHeaders } from './http/security-headers.ts';
import { createRestV1 } from './rest/v1.ts';
import { MAX_RECEIVED_CDA_BASE64 } from '@rayon/schemas/reporting';
import { createServices, type Deps } from './services/index.ts';
import { clientAddressResolver, peerAddress } from './auth/client-address.ts';
import { assertBatchAllowed, type TrpcContext } from './trpc/init.ts';
import { appRouter } from './trpc/router.ts';

export const MAX_BODY_BYTES = 1024 * 1024;
/** The one procedure with a larger body: a CDA received from elsewhere, in base64 (20 MiB file). */
const RECEIVED_CDA_PATH = '/trpc/reporting.readReceivedCda';
export const MAX_RECEIVED_CDA_BODY_BYTES = MAX_RECEIVED_CDA_BASE64 + 1024;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

type AppEnv = { Variables: { ctx: RequestContext } };

export function createApp(deps: Deps) {
  const services = createServices(deps);
  const clientAddress = clientAddressResolver(deps.trustedProxies);
  const { logger } = deps;
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const ctx: RequestContext = {
      requestId: incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID(),
      unattended: c.req.header('x-rayon-unattended') === '1',
    };
    c.set('ctx', ctx);
    c.header('x-request-id', ctx.requestId);
    const started = performance.now();
    await requestContext.run(ctx, next);
    requestContext.run(ctx, () =>
      logger.info(
        {
          method: c.req.method,
          path: c.req.routePath,
          status: c.res.status,
          ms: Math.round(performance.now() - started),
        },
        'request',
      ),
    );
  });

  app.use('*', securityHeaders(deps.trustedProxies));

  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: (c) =>
        c.json(
          errorBody(
            new AppError('PAYLOAD_TOO_LARGE', `request body over ${maxSize} bytes`),
            c.get('ctx').requestId,
          ),
          413,
        ),
    });
  const defaultLimit = limit(MAX_BODY_BYTES);
  const receivedCdaLimit = limit(MAX_RECEIVED_CDA_BODY_BYTES);
  app.use('*', (c, next) => (c.req.path === RECEIVED_CDA_PATH ? receivedCdaLimit : defaultLimit)(c, next));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const check = async (fn: () => Promise<unknown>) =>
      Promise.race([
        fn().then(() => 'ok' as const),
        new Promise<'down'>((r) => setTimeout(() => r('down'), 2000)),
      ]).catch(() => 'down' as const);
    const [postgres, redis] = await Promise.all([
      check(() => deps.db.ping()),
      check(() => deps.redis.ping()),
    ]);
    const ready = postgres === 'ok' && redis === 'ok';
    return c.json({ status: ready ? 'ready' : 'not-ready', checks: { postgres, redis } }, ready ? 200 : 503);
  });

  app.use(
    '/trpc/*',
    trpcServer({
      router: appRouter,
      endpoint: '/trpc',
      createContext: (opts, c): TrpcContext => {
        assertBatchAllowed(appRouter, opts.info);
        const auth = c.req.header('authorization');
        return {
          request: c.get('ctx') as RequestContext,
          services,
          sessionToken: auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined,
          tenantSlug: c.req.header('x-rayon-tenant') || undefined,
          clientIp: clientAddress(peerAddress(c), c.req.header('x-forwarded-for')),
          userAgent: c.req.header('user-agent')?.slice(0, 400) || undefined,
          batchSize: opts.info.calls.length,
        };
      },
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR')
          logger.error({ err: loggableError(error.cause ?? error), path }, 'tRPC procedure failed');
      },
    }),
  );

  // Pro Santé Connect's back-channel logout (registered as the client's backchannel_logout_uri):
  // the caller is authenticated by the logout token itself, signed by PSC.
  app.post('/auth/psc/backchannel-logout', async (c) => {
    c.header('Cache-Control', 'no-store');
    const type = c.req.header('content-type') ?? '';
    if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return c.json(
        { error: 'invalid_request', error_description: 'expected a form with logout_token' },
        400,
      );
    }
    const form = new URLSearchParams(await c.req.text());
    const token = form.get('logout_token');
    if (!token)
      return c.json({ error: 'invalid_request', error_description: 'logout_token is required' }, 400);
    try {
      await services.access.psc.backchannelLogout(platformContext(), token);
    } catch (e) {
      if (e instanceof AppError && e.code !== 'INTERNAL') {
        return c.json({ error: 'invalid_request', error_description: e.message }, 400);
      }
      throw e;
    }
    return c.body(null, 200);
  });

  app.route('/api/v1', createRestV1(services));

  app.notFound((c) =>
    c.json(
      errorBody(new AppError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`), c.get('ctx')?.requestId),
      404,
    ),
  );

  app.onError((err, c) => {
    const requestId = c.get('ctx')?.requestId;
    if (err instanceof HTTPException) {
      const code = err.status === 413 ? 'PAYLOAD_TOO_LARGE' : err.status === 400 ? 'BAD_INPUT' : 'INTERNAL';
      const message = err.status === 400 ? `body: ${err.message}` : err.message;
      return c.json(
        errorBody(new AppError(code, message, err.status === 400 ? { field: 'body' } : {}), requestId),
        ERROR_MAP[code].http,
      );
    }
    const appError = toAppError(err);
    if (appError.code === 'INTERNAL')
      requestContext.run(c.get('ctx'), () => logger.error({ err: loggableError(err) }, 'unhandled error'));
    return c.json(errorBody(appError, requestId), ERROR_MAP[appError.code].http);
  });

  return app;
}
