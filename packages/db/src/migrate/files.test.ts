import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTenantMigrations, readMigrations, tenantMigrationsDir } from './files.ts';

describe('tenant migration check', () => {
  it('passes on the committed tenant migrations', () => {
    expect(checkTenantMigrations()).toEqual([]);
    expect(readMigrations(tenantMigrationsDir).length).toBeGreaterThan(0);
  });

  it('fails on a migration that names "public".', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rayon-mig-'));
    mkdirSync(join(dir, 'meta'));
    writeFileSync(
      join(dir, '0001_fk.sql'),
      'ALTER TABLE "a" ADD CONSTRAINT "f" FOREIGN KEY ("b") REFERENCES "public"."b"("id");',
    );
    const problems = checkTenantMigrations(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('0001_fk.sql:1');
  });
});
