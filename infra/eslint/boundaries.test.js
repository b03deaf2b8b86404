// The boundary rules on real places of this repository (the rules read the package.json files).
import path from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import boundaries from './boundaries.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const repo = path.resolve(import.meta.dirname, '../..');
const at = (file) => path.join(repo, file);
const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
});

tester.run('no-relative-cross-package', boundaries.rules['no-relative-cross-package'], {
  valid: [
    { filename: at('apps/web/e2e/stack.ts'), code: "import { x } from './support/sign-in.ts';" },
    {
      filename: at('packages/db/src/repositories/x.ts'),
      code: "import { y } from '../../scripts/generate.ts';",
    },
    { filename: at('apps/web/e2e/stack.ts'), code: "import { Database } from '@rayon/db';" },
    // A folder of the root package (infra/scripts) reaching another folder of the root package.
    { filename: at('infra/bench/hl7.ts'), code: "import { repoRoot } from '../scripts/services.ts';" },
  ],
  invalid: [
    {
      filename: at('apps/web/e2e/stack.ts'),
      code: "import { Database } from '../../../packages/db/src/index.ts';",
      errors: [
        {
          messageId: 'crossPackage',
          data: {
            specifier: '../../../packages/db/src/index.ts',
            target: 'packages/db',
            source: 'apps/web',
            targetName: '@rayon/db',
          },
        },
      ],
    },
    {
      filename: at('apps/web/e2e/account.spec.ts'),
      code: "export { hashPassword } from '../../api/src/auth/secrets.ts';",
      errors: [{ messageId: 'crossPackage' }],
    },
    {
      filename: at('infra/bench/hl7.ts'),
      code: "const m = await import('../simulators/test-pki/src/index.ts');",
      errors: [
        {
          messageId: 'crossPackage',
          data: {
            specifier: '../simulators/test-pki/src/index.ts',
            target: 'infra/simulators/test-pki',
            source: 'the root package',
            targetName: '@rayon/test-pki',
          },
        },
      ],
    },
    {
      // A folder import into another package counts too.
      filename: at('packages/connectors/src/index.ts'),
      code: "export * from '../../documents';",
      errors: [{ messageId: 'crossPackage' }],
    },
  ],
});

const arrows = [
  { from: ['@rayon/sim-*'], forbid: ['@rayon/domain'], message: 'simulators check with their own code.' },
  {
    from: ['@rayon/*'],
    exceptFrom: ['@rayon/api', '@rayon/worker'],
    forbid: ['@rayon/api'],
    message: 'no app.',
  },
  {
    from: ['@rayon/db'],
    allowOnly: ['@rayon/domain'],
    scope: '@rayon/*',
    exceptFiles: '\\.test\\.ts$',
    message: 'db imports only domain.',
  },
];

tester.run('arrows', boundaries.rules.arrows, {
  valid: [
    {
      filename: at('infra/simulators/dmp/src/web-ps.ts'),
      options: [arrows],
      code: "import { x } from '@rayon/test-pki';",
    },
    {
      filename: at('packages/db/src/index.ts'),
      options: [arrows],
      code: "import { x } from '@rayon/domain'; import y from 'drizzle-orm';",
    },
    // Its own name is always allowed; the exception for tests applies.
    {
      filename: at('packages/db/src/index.ts'),
      options: [arrows],
      code: "import { x } from '@rayon/db/testing';",
    },
    {
      filename: at('packages/db/src/x.test.ts'),
      options: [arrows],
      code: "import { x } from '@rayon/connectors';",
    },
    // An app may import another app's test harness.
    {
      filename: at('apps/worker/test/x.int.test.ts'),
      options: [arrows],
      code: "import { x } from '@rayon/api/test-harness';",
    },
  ],
  invalid: [
    {
      filename: at('infra/simulators/mssante/src/checks.ts'),
      options: [arrows],
      code: "import { checkMatricule } from '@rayon/domain';",
      errors: [
        {
          messageId: 'arrow',
          data: {
            specifier: '@rayon/domain',
            target: '@rayon/domain',
            source: '@rayon/sim-mssante',
            message: 'simulators check with their own code.',
          },
        },
      ],
    },
    {
      // By relative path as well as by name.
      filename: at('infra/simulators/mssante/src/checks.ts'),
      options: [arrows],
      code: "import { checkMatricule } from '../../../../packages/domain/src/index.ts';",
      errors: [{ messageId: 'arrow' }],
    },
    {
      filename: at('packages/db/src/index.ts'),
      options: [arrows],
      code: "import type { AppRouter } from '@rayon/api/sub';",
      errors: [
        {
          messageId: 'arrow',
          data: {
            specifier: '@rayon/api/sub',
            target: '@rayon/api',
            source: '@rayon/db',
            message: 'no app.',
          },
        },
      ],
    },
    {
      // By relative path as well.
      filename: at('packages/reporting/src/x.ts'),
      options: [arrows],
      code: "import { x } from '../../../apps/api/src/index.ts';",
      errors: [
        {
          messageId: 'arrow',
          data: {
            specifier: '../../../apps/api/src/index.ts',
            target: '@rayon/api',
            source: '@rayon/reporting',
            message: 'no app.',
          },
        },
      ],
    },
  ],
});
