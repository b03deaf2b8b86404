/**
 * `pnpm bench:documents`: report documents rendered per second on one core (this process, one
 * render at a time), for a 1-page and a 5-page report (the examples of @rayon/documents), and
 * the split of the time between the PDF/A-1b and the CDA R2 N1 that carries it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildReportCda, parseReportDocument, renderReportPdf } from '@rayon/documents';
import { repoRoot } from '../scripts/services.ts';
import { describeSetting, machine, saveResults, type Figure } from './results.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const WARM_UP = 10;

const figures: Record<string, Figure> = {};

async function bench(name: string, key: string, example: string) {
  const doc = parseReportDocument(
    JSON.parse(readFileSync(join(repoRoot, 'packages/documents/examples', example), 'utf8')),
  );
  const producedAt = new Date(doc.validatedAt);
  let pdfMs = 0;
  let cdaMs = 0;
  let pages = 0;
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    const t0 = performance.now();
    const pdf = await renderReportPdf(doc, { producedAt });
    const t1 = performance.now();
    buildReportCda(doc, pdf);
    const t2 = performance.now();
    if (i >= WARM_UP) {
      pdfMs += t1 - t0;
      cdaMs += t2 - t1;
    }
    pages = (
      Buffer.from(pdf)
        .toString('latin1')
        .match(/\/Type\s*\/Page[^s]/g) ?? []
    ).length;
  }
  const total = pdfMs + cdaMs;
  figures[key] = {
    value: RUNS / (total / 1000),
    unit: 'reports/s',
    ...(key === 'onePage' && { goal: '≥ 100' }),
  };
  figures[`${key}PdfShare`] = { value: pdfMs / total, unit: 'fraction' };
  console.log(
    `  ${name.padEnd(16)} ${String(pages).padStart(2)} page(s)   ${(RUNS / (total / 1000)).toFixed(1).padStart(6)} reports/s   ` +
      `${(total / RUNS).toFixed(1).padStart(6)} ms each: PDF ${((100 * pdfMs) / total).toFixed(0)} %, CDA ${((100 * cdaMs) / total).toFixed(0)} %`,
  );
}

const host = machine();
console.log(
  `Rayon report documents (${describeSetting(host)}; one core, ${RUNS} renders each after ${WARM_UP})`,
);
await bench('1-page report', 'onePage', 'qualified-ins.json');
await bench('5-page report', 'fivePages', 'five-page-report.json');
console.log(
  `results: ${saveResults('documents', { machine: host, parameters: { runs: RUNS, warmUp: WARM_UP }, figures })}`,
);
