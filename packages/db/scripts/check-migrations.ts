/** `pnpm db:check`: fails when a tenant migration names the public schema. */
import { checkTenantMigrations } from '../src/migrate/files.ts';

const problems = checkTenantMigrations();
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('tenant migrations: no "public". reference');
