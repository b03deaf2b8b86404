import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const migrationsRoot = join(dirname(fileURLToPath(import.meta.url)), '../../migrations');
export const platformMigrationsDir = join(migrationsRoot, 'platform');
export const tenantMigrationsDir = join(migrationsRoot, 'tenant');

export interface Migration {
  tag: string;
  hash: string;
  statements: string[];
}

interface Journal {
  entries: { idx: number; tag: string }[];
}

/** Reads the migrations drizzle-kit generated in `dir`, in journal order. */
export function readMigrations(dir: string): Migration[] {
  const journal = JSON.parse(readFileSync(join(dir, 'meta/_journal.json'), 'utf8')) as Journal;
  return [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .map(({ tag }) => {
      const text = readFileSync(join(dir, `${tag}.sql`), 'utf8');
      return {
        tag,
        hash: createHash('sha256').update(text).digest('hex'),
        statements: text
          .split('--> statement-breakpoint')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      };
    });
}

/** Tenant migrations run inside each tenant schema: none may name the public schema. */
export function checkTenantMigrations(dir = tenantMigrationsDir): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .flatMap((file) =>
      readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          line.includes('"public".')
            ? [`${file}:${i + 1}: tenant migration names "public".: ${line.trim()}`]
            : [],
        ),
    );
}
