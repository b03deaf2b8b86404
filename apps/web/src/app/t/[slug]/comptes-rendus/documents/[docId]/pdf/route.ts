import { readCda } from '../../../../../../../lib/cda.ts';
import {
  documentNotFound,
  fetchReportDocument,
  pdfResponse,
} from '../../../../../../../server/report-documents.ts';

/** The PDF a stored CDA carries in its nonXMLBody (or the stored PDF itself), for the viewer. */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ slug: string; docId: string }> },
): Promise<Response> {
  const { slug, docId } = await params;
  const doc = await fetchReportDocument(slug, docId);
  if (!doc) return documentNotFound();
  if (doc.kind === 'pdf') return pdfResponse(doc.content, 'compte-rendu.pdf');
  const reading = readCda(doc.content.toString('utf8'));
  if (!reading.ok) return documentNotFound();
  return pdfResponse(Buffer.from(reading.pdfBase64, 'base64'), 'compte-rendu.pdf');
}
