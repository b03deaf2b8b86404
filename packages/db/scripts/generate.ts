/**
 * `pnpm db:generate [name]`: drizzle-kit generates the platform and tenant migrations from the
 * schema files; tenant migrations are then made schema-neutral (drizzle-kit qualifies foreign
 * keys with "public"., which would point every tenant at the public schema), and checked.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkTenantMigrations, platformMigrationsDir, tenantMigrationsDir } from '../src/migrate/files.ts';

const name = process.argv[2] ?? 'change';
for (const config of ['drizzle.platform.config.ts', 'drizzle.tenant.config.ts']) {
  execFileSync('drizzle-kit', ['generate', '--config', config, '--name', name], { stdio: 'inherit' });
}
// The platform ledger lives in the platform schema, created before the first migration runs.
for (const file of readdirSync(platformMigrationsDir).filter((f) => f.endsWith('.sql'))) {
  const path = join(platformMigrationsDir, file);
  const sql = readFileSync(path, 'utf8');
  const idempotent = sql.replace(/^CREATE SCHEMA "platform";/m, 'CREATE SCHEMA IF NOT EXISTS "platform";');
  if (idempotent !== sql) writeFileSync(path, idempotent);
}
for (const file of readdirSync(tenantMigrationsDir).filter((f) => f.endsWith('.sql'))) {
  const path = join(tenantMigrationsDir, file);
  const sql = readFileSync(path, 'utf8');
  const neutral = sql.replaceAll('"public".', '');
  if (neutral !== sql) writeFileSync(path, neutral);
}
const problems = checkTenantMigrations();
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
