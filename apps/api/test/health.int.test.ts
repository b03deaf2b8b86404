import { Database } from '@rayon/db';
import { Redis } from 'ioredis';
import pino from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { createApp } from '../src/app.ts';

function appWith(redisUrl: string, databaseUrl = inject('databaseUrl')) {
  const db = new Database({ url: databaseUrl, max: 1 });
  const redis = new Redis(redisUrl, {
    maxRetriesPerRequest: 0,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  const app = createApp({
    db,
    redis,
    logger: pino({ level: 'silent' }),
    portalUrl: 'http://portal.test',
    secretsKey: Buffer.alloc(32),
  });
  return { app, close: async () => (redis.disconnect(), db.close()) };
}

describe('health and readiness', () => {
  it('is ready when PostgreSQL and Redis answer', async () => {
    const { app, close } = appWith(inject('redisUrl'));
    const res = await app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
    await close();
  });

  it('is not ready (503) when Redis is down, and says which check failed; /healthz stays up', async () => {
    const { app, close } = appWith('redis://127.0.0.1:1');
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not-ready', checks: { postgres: 'ok', redis: 'down' } });
    expect((await app.request('/healthz')).status).toBe(200);
    await close();
  });

  it('is not ready when PostgreSQL is down', async () => {
    const { app, close } = appWith(inject('redisUrl'), 'postgres://rayon_app:x@127.0.0.1:1/rayon');
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ checks: { postgres: 'down', redis: 'ok' } });
    await close();
  });
});
