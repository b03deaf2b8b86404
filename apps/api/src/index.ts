export type { AppRouter } from './trpc/router.ts';
export { createApp } from './app.ts';
export { hashPassword } from './auth/secrets.ts';
export { createLogger } from './logger.ts';
