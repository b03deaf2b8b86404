/** The copies of the official INSi files are unchanged (SHA-256 listed in conformance/SOURCES.md). */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../conformance/', import.meta.url));
const listed = new Map(
  [
    ...readFileSync(join(root, 'SOURCES.md'), 'utf8').matchAll(
      /^\|\s*`([^`]+)`\s*\|\s*`[^`]+`\s*\|\s*`([0-9a-f]{64})`\s*\|$/gm,
    ),
  ].map((m) => [m[1] as string, m[2] as string]),
);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [relative(root, join(dir, e.name)).split('\\').join('/')],
  );
}

describe('conformance copies', () => {
  it('lists every copied file', () => {
    expect([...listed.keys()].sort()).toEqual(
      files(root)
        .filter((f) => f !== 'SOURCES.md')
        .sort(),
    );
    expect(listed.size).toBe(19);
  });

  it.each([...listed])('%s is unchanged', (file, sha256) => {
    expect(
      createHash('sha256')
        .update(readFileSync(join(root, file)))
        .digest('hex'),
    ).toBe(sha256);
  });
});
