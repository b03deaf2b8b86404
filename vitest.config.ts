import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'infra/simulators/*/src/**/*.test.ts',
            'infra/eslint/**/*.test.js',
          ],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'int',
          include: [
            'packages/*/test/**/*.int.test.ts',
            'apps/*/test/**/*.int.test.ts',
            'packages/*/src/**/*.int.test.ts',
            'infra/simulators/*/test/**/*.int.test.ts',
            'infra/scripts/**/*.int.test.ts',
          ],
          exclude: ['**/node_modules/**'],
          globalSetup: ['infra/scripts/test-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: true,
        },
      },
    ],
  },
});
