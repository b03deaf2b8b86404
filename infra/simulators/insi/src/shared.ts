import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The official INSi files (WSDL, XSDs, CNDA response files) are read from the project's shared
 * conformance folder, never copied: `../shared` beside the checkout, or the folder named by
 * RAYON_SHARED.
 */
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const sharedRoot = process.env.RAYON_SHARED ?? join(repoRoot, '../shared');
export const insiConformance = join(sharedRoot, 'conformance/services/insi');

export function requireInsiConformance(): string {
  if (!existsSync(join(insiConformance, 'wsdl'))) {
    throw new Error(
      `the official INSi files are not at ${insiConformance}: put the shared folder beside the checkout or set RAYON_SHARED`,
    );
  }
  return insiConformance;
}
