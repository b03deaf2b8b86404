export type { AppRouter } from './trpc/router.ts';
export { createApp } from './app.ts';
export { requestContext } from './context.ts';
export { createLogger } from './logger.ts';
export { createServices } from './services/index.ts';
