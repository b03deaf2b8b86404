/**
 * @rayon/documents: the report's documents, pure (description in, bytes out): the PDF/A-1b and
 * the CDA R2 N1 that carries it, from one JSON description (`input.ts`); and the reader of a CDA
 * R2 N1 (ours or received from elsewhere) for the viewer (`cda/read.ts`).
 */
export * from './input.ts';
export * from './cda/report-cda.ts';
export * from './cda/read.ts';
export * from './render.ts';
export { renderReportPdf, insDataMatrixContent } from './pdf/index.ts';
