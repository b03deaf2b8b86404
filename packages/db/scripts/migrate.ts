/**
 * `pnpm db:migrate [--concurrency N] [--slug-prefix P]`: platform migrations, then every active
 * tenant, one transaction each, with a line per tenant and a summary. Idempotent and resumable:
 * run it again after an interruption. Exits 1 if any tenant failed.
 * Reads RAYON_DATABASE_URL (the application role).
 */
import { parseArgs } from 'node:util';
import { Database, migrateAllTenants, migratePlatform } from '../src/index.ts';

const { values } = parseArgs({
  options: { concurrency: { type: 'string', default: '8' }, 'slug-prefix': { type: 'string' } },
});
const url = process.env.RAYON_DATABASE_URL;
if (!url) {
  console.error('RAYON_DATABASE_URL is not set');
  process.exit(2);
}
const concurrency = Number(values.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error('--concurrency must be a positive integer');
  process.exit(2);
}

const db = new Database({ url, max: concurrency + 1, applicationName: 'rayon-migrate' });
const started = performance.now();
const platform = await migratePlatform(db);
console.log(`platform: ${platform.length ? `applied ${platform.join(', ')}` : 'up-to-date'}`);
const results = await migrateAllTenants(db, {
  concurrency,
  ...(values['slug-prefix'] ? { slugPrefix: values['slug-prefix'] } : {}),
  onResult: (r) =>
    console.log(
      `tenant ${r.slug}: ${r.outcome}${r.applied.length ? ` (${r.applied.join(', ')})` : ''}${r.error ? `: ${r.error}` : ''} [${r.ms} ms]`,
    ),
});
await db.close();
const count = (o: string) => results.filter((r) => r.outcome === o).length;
console.log(
  `summary: ${results.length} tenants, ${count('migrated')} migrated, ${count('up-to-date')} up-to-date, ${count('skipped')} skipped, ${count('failed')} failed in ${Math.round(performance.now() - started)} ms`,
);
process.exit(count('failed') > 0 ? 1 : 0);
