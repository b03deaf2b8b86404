/**
 * A benchmark's scratch database on its own PostgreSQL: created fresh (platform migrated, the
 * application role), dropped by the cleanup it registers.
 */
import postgres from 'postgres';
import { Database, migratePlatform, setupDatabase } from '@rayon/db';

export type Cleanups = Array<() => Promise<void> | void>;

export async function scratchDatabase(adminUrl: string, database: string, cleanups: Cleanups) {
  const drop = async () => {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`drop database if exists ${database} with (force)`);
    } finally {
      await admin.end();
    }
  };
  await drop();
  cleanups.push(drop);
  await setupDatabase({ adminUrl, database, appRole: 'rayon_app', appPassword: 'bench' });
  const appUrl = new URL(adminUrl);
  Object.assign(appUrl, { username: 'rayon_app', password: 'bench', pathname: `/${database}` });
  const db = new Database({ url: appUrl.toString(), max: 10 });
  cleanups.push(() => db.close());
  await migratePlatform(db);
  return { db, appUrl: appUrl.toString() };
}

/** Runs the cleanups, last registered first; one failing does not stop the others. */
export async function runCleanups(cleanups: Cleanups): Promise<void> {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (err) {
      console.error('cleanup:', err instanceof Error ? err.message : err);
    }
  }
}
