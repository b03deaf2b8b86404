export {
  renderReportPdf,
  PDF_CREATOR_TOOL,
  PDF_PRODUCER,
  type RenderReportPdfOptions,
} from './report-pdf.ts';
export { insDataMatrixContent, InsDataMatrixError, INS_DATAMATRIX_HEADER } from './ins-datamatrix.ts';
export type { PdfAssetPaths } from './env.ts';
