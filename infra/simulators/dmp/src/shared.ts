import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared folder beside the checkout, or the one RAYON_SHARED names. */
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const sharedRoot = process.env.RAYON_SHARED ?? join(repoRoot, '../shared');

/** Path of validate-cda, or undefined when the tool is missing. */
export function validateCdaToolPath(): string | undefined {
  const tool = join(sharedRoot, 'tools/validate-cda');
  return existsSync(tool) ? tool : undefined;
}
