import pino from 'pino';
import { requestContext } from './context.ts';

/**
 * pino with the request context mixed into every line. Only ids are logged: request id, user
 * id, tenant slug. Bodies, headers with credentials and anything about patients are never logged.
 */
export function createLogger(level: string, destination?: pino.DestinationStream) {
  return pino(
    {
      level,
      base: { service: 'api' },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.secret'],
        remove: true,
      },
      mixin() {
        const ctx = requestContext.getStore();
        if (!ctx) return {};
        return {
          requestId: ctx.requestId,
          userId: ctx.user?.id,
          apiKeyId: ctx.apiKeyId,
          tenant: ctx.tenant?.slug,
        };
      },
    },
    destination,
  );
}
export type Logger = ReturnType<typeof createLogger>;
