/**
 * `pnpm bench:documents`: report documents rendered per second on one core (this process, one
 * render at a time), for a 1-page and a 5-page report (the examples of @rayon/documents), and
 * the split of the time between the PDF/A-1b and the CDA R2 N1 that carries it. Anchor, measured
 * in the same run the same number of times: a naive pdf-lib page (one A4 page, DejaVu Sans
 * embedded as a subset, a few lines of text), with the pdf-lib and fontkit of @rayon/documents.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildReportCda, parseReportDocument, renderReportPdf } from '@rayon/documents';
import { repoRoot } from '../scripts/services.ts';
import { describeSetting, machine, saveResults, type Figure } from './results.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const WARM_UP = 10;

const figures: Record<string, Figure> = {};
const ratios: Record<string, number> = {};

/** The part of pdf-lib's API the anchor uses. */
interface PdfLib {
  PDFDocument: {
    create(): Promise<{
      registerFontkit(fontkit: unknown): void;
      embedFont(bytes: Uint8Array, o: { subset: boolean }): Promise<unknown>;
      addPage(size: [number, number]): {
        drawText(text: string, o: { x: number; y: number; size: number; font: unknown }): void;
      };
      save(): Promise<Uint8Array>;
    }>;
  };
}
// the very pdf-lib and fontkit @rayon/documents renders with (the root package does not depend on them)
const fromDocuments = createRequire(join(repoRoot, 'packages/documents/package.json'));
const { PDFDocument } = fromDocuments('pdf-lib') as PdfLib;
const fontkit = fromDocuments('@pdf-lib/fontkit') as unknown;
const fontBytes = readFileSync(
  join(process.env.RAYON_FONT_DIR ?? '/usr/share/fonts/truetype/dejavu', 'DejaVuSans.ttf'),
);
const ANCHOR_LINES = [
  'Compte rendu d’imagerie médicale',
  'Patient : PAT-TROIS DOMINIQUE, née le 28/03/1979',
  'IRM du genou droit, réalisée le 22/11/2026 à 10:05',
  'Conclusion : fissure horizontale de la corne postérieure du ménisque médial droit.',
  'Compte rendu validé le 22/11/2026 à 10:42 par Dr Jacques BIDEAULT',
];

async function naivePage(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(fontBytes, { subset: true });
  const page = pdf.addPage([595.28, 841.89]);
  ANCHOR_LINES.forEach((text, i) => page.drawText(text, { x: 56.7, y: 780 - 16 * i, size: 10, font }));
  return pdf.save();
}

/** The anchor: naive pdf-lib pages per second, as many renders as each report figure. */
async function anchor(): Promise<number> {
  let ms = 0;
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    const t0 = performance.now();
    await naivePage();
    if (i >= WARM_UP) ms += performance.now() - t0;
  }
  const perSecond = RUNS / (ms / 1000);
  console.log(
    `  ${'anchor'.padEnd(16)}  1 page(s)   ${perSecond.toFixed(1).padStart(6)} pages/s     ${(ms / RUNS).toFixed(1).padStart(6)} ms each (naive pdf-lib page, subset font)`,
  );
  return perSecond;
}

async function bench(name: string, key: string, example: string, anchorPerSecond: number) {
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
  const perSecond = RUNS / (total / 1000);
  figures[key] = { value: perSecond, unit: 'reports/s', ...(key === 'onePage' && { goal: '≥ 100' }) };
  figures[`${key}PdfShare`] = { value: pdfMs / total, unit: 'fraction' };
  ratios[`${key}VsAnchor`] = perSecond / anchorPerSecond;
  console.log(
    `  ${name.padEnd(16)} ${String(pages).padStart(2)} page(s)   ${perSecond.toFixed(1).padStart(6)} reports/s   ` +
      `${(total / RUNS).toFixed(1).padStart(6)} ms each: PDF ${((100 * pdfMs) / total).toFixed(0)} %, CDA ${((100 * cdaMs) / total).toFixed(0)} %; ` +
      `×${(perSecond / anchorPerSecond).toFixed(2)} the anchor`,
  );
}

const host = machine();
console.log(
  `Rayon report documents (${describeSetting(host)}; one core, ${RUNS} renders each after ${WARM_UP})`,
);
const anchorPerSecond = await anchor();
figures.anchor = { value: anchorPerSecond, unit: 'pages/s' };
await bench('1-page report', 'onePage', 'qualified-ins.json', anchorPerSecond);
await bench('5-page report', 'fivePages', 'five-page-report.json', anchorPerSecond);
console.log(
  `results: ${saveResults('documents', { machine: host, parameters: { runs: RUNS, warmUp: WARM_UP }, figures, ratios })}`,
);
