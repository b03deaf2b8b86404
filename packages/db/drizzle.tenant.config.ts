import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/tenant.ts',
  out: './migrations/tenant',
});
