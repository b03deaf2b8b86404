// One lint setup for the whole workspace.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import boundaries from './infra/eslint/boundaries.js';

// Files that only run in tests or tooling: a package may use its devDependencies there.
const TEST_FILES = String.raw`(\.test\.ts$|/test/|/e2e/|/test-fixtures\.ts$|/testing\.ts$)`;
const APPS = ['@rayon/api', '@rayon/web', '@rayon/worker', '@rayon/gateway'];

/** The packages every application package may build on. */
const LOWER = [
  '@rayon/domain',
  '@rayon/db',
  '@rayon/connectors',
  '@rayon/documents',
  '@rayon/hl7',
  '@rayon/dicom',
];
/**
 * The application packages, one per business area (docs/architecture.md), and the other areas
 * each may import: onboarding ← identity ← scheduling, onboarding ← delivery ← reporting; the
 * HL7 intake hands messages to identity and scheduling; access (the door) stands on the lower
 * packages alone. No cycle.
 */
const AREA_ARROWS = Object.entries({
  '@rayon/access': [],
  '@rayon/onboarding': [],
  '@rayon/identity': ['@rayon/onboarding'],
  '@rayon/scheduling': ['@rayon/identity', '@rayon/onboarding'],
  '@rayon/delivery': ['@rayon/onboarding'],
  '@rayon/reporting': ['@rayon/delivery', '@rayon/scheduling', '@rayon/identity', '@rayon/onboarding'],
  '@rayon/inbound': ['@rayon/identity', '@rayon/scheduling'],
}).map(([from, areas]) => ({
  from: [from],
  allowOnly: [...LOWER, ...areas],
  scope: '@rayon/*',
  exceptFiles: TEST_FILES,
  message: `${from} builds on ${[...areas, 'the lower packages'].join(', ')}: the arrows between areas go one way (no cycle).`,
}));

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
    // Type-aware rules: a promise nobody awaits loses its error (an unhandled rejection kills the
    // process) and its ordering; a promise where a callback's result is ignored (an event handler,
    // a condition) is never awaited. Each file is type-checked with its package's tsconfig.json.
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: {
      parserOptions: {
        projectService: {
          // The few files no package tsconfig includes: checked with the base options.
          allowDefaultProject: ['vitest.config.ts', 'packages/db/scripts/*.ts'],
          defaultProject: 'tsconfig.base.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // DESIGN.md « The house »: arrows point down, and each package is reached through its name.
    plugins: { boundaries },
    rules: {
      'boundaries/no-relative-cross-package': 'error',
      'boundaries/arrows': [
        'error',
        [
          {
            from: ['@rayon/sim-*', '@rayon/test-pki'],
            forbid: ['@rayon/domain'],
            message:
              'a simulator stands in for a national service and checks with its own code, so a mistake in our rules (INS, RPPS…) cannot hide on both sides.',
          },
          {
            from: ['@rayon/sim-*', '@rayon/test-pki'],
            allowOnly: ['@rayon/sim-*', '@rayon/test-pki'],
            scope: '@rayon/*',
            exceptFiles: TEST_FILES,
            message: 'a simulator runs on its own; only its tests drive it with our clients.',
          },
          {
            from: [
              '@rayon/connectors',
              '@rayon/documents',
              '@rayon/hl7',
              '@rayon/dicom',
              '@rayon/db',
              '@rayon/schemas',
            ],
            allowOnly: ['@rayon/domain'],
            scope: '@rayon/*',
            exceptFiles: TEST_FILES,
            message: 'connectors, documents, hl7, dicom, db and schemas build on domain only.',
          },
          ...AREA_ARROWS,
          {
            from: ['@rayon/*'],
            exceptFrom: APPS,
            forbid: APPS,
            message: 'arrows point down: a package never imports an app.',
          },
        ],
      ],
    },
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
  },
  {
    // The end-to-end tests prepare the stack's database themselves; the portal does not.
    files: ['apps/web/**'],
    ignores: ['apps/web/e2e/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@rayon/db', message: 'The portal talks to the API through tRPC only.' }] },
      ],
    },
  },
);
