import { serve } from '@hono/node-server';
import { readFileSync } from 'node:fs';
import { parseEncryptionKey } from '@rayon/connectors/certificates';
import { Database } from '@rayon/db';
import { Redis } from 'ioredis';
import { createApp } from './app.ts';
import { loadEnv } from './env.ts';
import { createLogger } from './logger.ts';

const env = loadEnv();
const logger = createLogger(env.RAYON_LOG_LEVEL);
const db = new Database({
  url: env.RAYON_DATABASE_URL,
  max: env.RAYON_DB_POOL,
  applicationName: 'rayon-api',
});
const redis = new Redis(env.RAYON_REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 });
redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));

const insi = env.RAYON_INSI_URL
  ? {
      endpoint: env.RAYON_INSI_URL,
      trustedCaPem: env.RAYON_INSI_CA_FILE ? [readFileSync(env.RAYON_INSI_CA_FILE, 'utf8')] : [],
      lps: { idam: env.RAYON_LPS_IDAM, version: '0.1.0', name: 'rayon', instance: env.RAYON_LPS_INSTANCE },
    }
  : undefined;
const app = createApp({
  db,
  redis,
  logger,
  portalUrl: env.RAYON_PORTAL_URL,
  secretsKey: parseEncryptionKey(env.RAYON_SECRETS_KEY),
  insi,
});
const server = serve({ fetch: app.fetch, port: env.RAYON_API_PORT, hostname: env.RAYON_API_HOST }, (info) =>
  logger.info({ port: info.port }, 'api listening'),
);

async function shutdown(signal: string) {
  logger.info({ signal }, 'api shutting down');
  server.close();
  await Promise.allSettled([db.close(), redis.quit()]);
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
