import {
  documentNotFound,
  fetchReportDocument,
  pdfResponse,
} from '../../../../../../../../server/report-documents.ts';

/**
 * A generated document as stored: the PDF/A shown in the browser, the CDA (XML) downloaded.
 * Each request is a viewing the API audits, so nothing is cached.
 */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ slug: string; docId: string }> },
): Promise<Response> {
  const { slug, docId } = await params;
  const doc = await fetchReportDocument(slug, docId);
  if (!doc) return documentNotFound();
  if (doc.kind === 'pdf') return pdfResponse(doc.content, 'compte-rendu.pdf');
  return new Response(doc.content as Uint8Array<ArrayBuffer>, {
    headers: {
      'Content-Type': 'application/xml; charset=utf-8',
      'Content-Disposition': 'attachment; filename="compte-rendu-cda.xml"',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
