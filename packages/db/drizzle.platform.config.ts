import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/platform.ts',
  out: './migrations/platform',
  schemaFilter: ['platform'],
});
