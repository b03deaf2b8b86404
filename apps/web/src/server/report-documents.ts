import { redirect } from 'next/navigation';
import { apiErrorInfo, createApiClient } from './api.ts';
import { requireSession, SIGN_IN_PATH } from './session.ts';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface StoredReportDocument {
  kind: string;
  mediaType: string;
  sha256: string;
  content: Buffer;
}

export function documentNotFound(): Response {
  return new Response('Document introuvable.', {
    status: 404,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

/**
 * A generated document of a report (PDF/A or CDA) for a route that streams it; null when it does
 * not exist or is not this user's to see. Each fetch is a viewing the API writes to the audit trail.
 */
export async function fetchReportDocument(slug: string, docId: string): Promise<StoredReportDocument | null> {
  const session = await requireSession(); // unauthenticated: to the sign-in page
  if (!UUID_RE.test(docId)) return null;
  const api = createApiClient({ sessionToken: session.apiSessionToken, tenantSlug: slug });
  try {
    const doc = await api.reports.document.query({ id: docId });
    return {
      kind: doc.kind,
      mediaType: doc.mediaType,
      sha256: doc.sha256,
      content: Buffer.from(doc.base64, 'base64'),
    };
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.code === 'UNAUTHORIZED') redirect(`${SIGN_IN_PATH}?session=expiree`);
    if (info?.code === 'NOT_FOUND' || info?.code === 'FORBIDDEN' || info?.code === 'BAD_REQUEST') return null;
    throw error;
  }
}

/** A PDF shown in the browser (inline), never cached. */
export function pdfResponse(content: Uint8Array, fileName: string): Response {
  return new Response(content as Uint8Array<ArrayBuffer>, {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="${fileName}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
