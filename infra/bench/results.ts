/**
 * What every benchmark states and keeps: the machine it ran on, PostgreSQL's durability as the
 * server itself reports it, and its figures (each beside its anchor measured in the same run),
 * written to bench-results/<name>.json for the README's tables.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { repoRoot } from '../scripts/services.ts';

/** The settings that decide whether a commit survives a crash of the machine. */
const DURABILITY_SETTINGS = ['fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method'];

export interface Machine {
  date: string;
  cores: number;
  cpu: string;
  memoryGiB: number;
  kernel: string;
  node: string;
}

export function machine(): Machine {
  return {
    date: new Date().toISOString(),
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
  };
}

/** PostgreSQL's durability settings, read from the server the benchmark uses. */
export async function postgresDurability(url: string): Promise<Record<string, string>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ name: string; setting: string }[]>`
      select name, setting from pg_settings where name in ${sql(DURABILITY_SETTINGS)} order by name`;
    return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
  } finally {
    await sql.end();
  }
}

/** One line for the benchmark's header: "2 cores (…), 24 GiB, Node v24…; PostgreSQL fsync=on …". */
export function describeSetting(m: Machine, durability?: Record<string, string>): string {
  const pg = durability
    ? `; PostgreSQL ${Object.entries(durability)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`
    : '';
  return `${m.date.slice(0, 10)}, ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}${pg}`;
}

export interface Figure {
  value: number;
  unit: string;
  /** The issue's goal for this figure on a 2-core machine, as text ("≥ 1500"). */
  goal?: string;
}

export interface Results {
  machine: Machine;
  postgres?: Record<string, string>;
  parameters: Record<string, number | string>;
  figures: Record<string, Figure>;
  /** Figure ÷ its anchor, both measured in this run. */
  ratios?: Record<string, number>;
}

/** Writes bench-results/<name>.json (BENCH_RESULTS_DIR elsewhere) and returns its path. */
export function saveResults(name: string, results: Results): string {
  const dir = process.env.BENCH_RESULTS_DIR ?? join(repoRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ benchmark: name, ...results }, null, 2) + '\n');
  return path;
}
