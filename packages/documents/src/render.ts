import { buildReportCda } from './cda/report-cda.ts';
import type { ReportDocument } from './input.ts';
import { renderReportPdf } from './pdf/index.ts';

/** Both documents of a report version: the PDF/A-1b, and the CDA R2 N1 that carries it. */
export async function renderReport(
  doc: ReportDocument,
  o: { producedAt: Date },
): Promise<{ pdf: Uint8Array; cda: string }> {
  const pdf = await renderReportPdf(doc, o);
  return { pdf, cda: buildReportCda(doc, pdf) };
}
