import { redirect } from 'next/navigation';
import { cdaRefusal, type CdaHeader } from '../lib/cda-display.ts';
import { apiErrorInfo, createApiClient, type ApiClient, type ApiErrorInfo } from './api.ts';
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
 * One call about a generated document of a report, for a page or a route that shows it; null when
 * the document does not exist or is not this user's to see (errors handed to `refused` first).
 */
async function callForDocument<T>(
  slug: string,
  docId: string,
  call: (api: ApiClient, id: string) => Promise<T>,
  refused: (info: ApiErrorInfo) => T | undefined = () => undefined,
): Promise<T | null> {
  const session = await requireSession(); // unauthenticated: to the sign-in page
  if (!UUID_RE.test(docId)) return null;
  const api = createApiClient({ sessionToken: session.apiSessionToken, tenantSlug: slug });
  try {
    return await call(api, docId);
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.code === 'UNAUTHORIZED') redirect(`${SIGN_IN_PATH}?session=expiree`);
    const answer = info ? refused(info) : undefined;
    if (answer !== undefined) return answer;
    if (info?.code === 'NOT_FOUND' || info?.code === 'FORBIDDEN' || info?.code === 'BAD_REQUEST') return null;
    throw error;
  }
}

/**
 * A generated document of a report (PDF/A or CDA) for a route that streams it; null when it does
 * not exist or is not this user's to see. Each fetch is a viewing the API writes to the audit trail.
 */
export function fetchReportDocument(slug: string, docId: string): Promise<StoredReportDocument | null> {
  return callForDocument(slug, docId, async (api, id) => {
    const doc = await api.reporting.document.query({ id });
    return {
      kind: doc.kind,
      mediaType: doc.mediaType,
      sha256: doc.sha256,
      content: Buffer.from(doc.base64, 'base64'),
    };
  });
}

export type StoredCdaReading =
  | { status: 'read'; sha256: string; size: number; header: CdaHeader; pdfBase64: string }
  /** The document is a PDF/A, not a CDA. */
  | { status: 'not-cda' }
  /** A CDA the API could not read, and why in French. */
  | { status: 'refused'; error: string };

/**
 * A generated CDA read by the API (header and the PDF it carries), for the viewer; null when it
 * does not exist or is not this user's to see. Each reading is a viewing written to the audit trail.
 */
export function readReportCda(slug: string, docId: string): Promise<StoredCdaReading | null> {
  return callForDocument<StoredCdaReading>(
    slug,
    docId,
    async (api, id) => ({ status: 'read' as const, ...(await api.reporting.readDocument.query({ id })) }),
    (info) => {
      if (info.reason === 'documents.cda.not_cda' && info.field === 'id') {
        return { status: 'not-cda' as const };
      }
      const error = cdaRefusal(info);
      return error ? { status: 'refused' as const, error } : undefined;
    },
  );
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
