/**
 * Vitest global setup of the integration tests: a real PostgreSQL and Redis of their own
 * (.rayon/test-<base>, ports RAYON_PORT_BASE+2/+3, default 4402/4403), the `rayon_test` database with
 * the application role and the platform migrations. Each test file then makes throw-away tenants.
 */
import type { TestProject } from 'vitest/node';
import { Database, migratePlatform, setupDatabase } from '@rayon/db';
import '@rayon/db/testing';
import { portBase, startPostgres, startRedis } from './services.ts';

export default async function setup(project: TestProject) {
  const base = portBase(4400);
  // State per port base, so two runs on different ports never share a data directory.
  const pg = await startPostgres(`test-${base}`, base + 2, { durability: 'fast' });
  const redis = await startRedis(`test-${base}`, base + 3);
  const database = 'rayon_test';
  const appPassword = 'rayon-test-app';
  // A fresh database each run: tests never depend on what an earlier run left.
  const { default: postgres } = await import('postgres');
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${database} with (force)`);
  await admin.end();
  await setupDatabase({ adminUrl: pg.url, database, appRole: 'rayon_app', appPassword });
  const url = new URL(pg.url);
  url.username = 'rayon_app';
  url.password = appPassword;
  url.pathname = `/${database}`;
  const db = new Database({ url: url.toString(), max: 1 });
  await migratePlatform(db);
  await db.close();
  const adminUrl = new URL(pg.url);
  adminUrl.pathname = `/${database}`;
  project.provide('databaseUrl', url.toString());
  project.provide('adminDatabaseUrl', adminUrl.toString());
  project.provide('redisUrl', redis.url);
  return async () => {
    await redis.stop();
    await pg.stop();
  };
}
