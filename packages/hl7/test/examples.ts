import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The shared conformance material sits next to the repository checkout (`../shared`). To point
 * elsewhere, set RAYON_SHARED to the folder that holds `conformance/`.
 */
export const SHARED = process.env.RAYON_SHARED ?? join(import.meta.dirname, '../../../../shared');
export const HL7_EXAMPLES = join(SHARED, 'conformance/hl7v2');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export interface Example {
  /** Path relative to conformance/hl7v2. */
  name: string;
  bytes: Buffer;
}

/** Every ER7 example (`.er7`, `.hl7`) under conformance/hl7v2, sorted by path. */
export function hl7Examples(): Example[] {
  return walk(HL7_EXAMPLES)
    .filter((p) => p.endsWith('.er7') || p.endsWith('.hl7'))
    .sort()
    .map((p) => ({ name: relative(HL7_EXAMPLES, p), bytes: readFileSync(p) }));
}

/** The ANS PAM-FR ADT examples. */
export function adtExamples(): Example[] {
  return hl7Examples().filter((e) => e.name.includes('pamfr'));
}
