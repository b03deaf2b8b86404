import {
  documentNotFound,
  fetchReportDocument,
  pdfResponse,
  readReportCda,
} from '../../../../../../../../server/report-documents.ts';

/** The PDF a stored CDA carries in its nonXMLBody (or the stored PDF itself), for the viewer. */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ slug: string; docId: string }> },
): Promise<Response> {
  const { slug, docId } = await params;
  const reading = await readReportCda(slug, docId);
  if (reading?.status === 'not-cda') {
    const doc = await fetchReportDocument(slug, docId);
    return doc?.kind === 'pdf' ? pdfResponse(doc.content, 'compte-rendu.pdf') : documentNotFound();
  }
  if (reading?.status !== 'read') return documentNotFound();
  return pdfResponse(Buffer.from(reading.pdfBase64, 'base64'), 'compte-rendu.pdf');
}
