// One lint setup for the whole workspace.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/.next/**',
      '**/dist/**',
      '.tools/**',
      '.rayon/**',
      '**/next-env.d.ts',
      '**/test-results/**',
      '**/playwright-report/**',
      'packages/db/migrations/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration in the app’s env.ts (validated with zod at boot).',
        },
      ],
    },
  },
  {
    // Configuration readers, command-line entry points, scripts, tests and tooling may read the environment.
    files: [
      '**/env.ts',
      '**/cli.ts',
      'infra/**',
      '**/test/**',
      '**/e2e/**',
      '**/scripts/**',
      '**/*.config.ts',
      '**/*.test.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['packages/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@rayon/*', 'node:*'],
              message: 'domain is pure: it imports nothing of ours and no I/O.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/web/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@rayon/db', message: 'The portal talks to the API through tRPC only.' }] },
      ],
    },
  },
);
