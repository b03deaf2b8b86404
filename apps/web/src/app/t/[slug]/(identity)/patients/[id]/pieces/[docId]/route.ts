import { apiErrorInfo, createApiClient } from '../../../../../../../../server/api.ts';
import { requireSession, SIGN_IN_PATH } from '../../../../../../../../server/session.ts';
import { redirect } from 'next/navigation';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'application/pdf': 'pdf',
};

function notFoundResponse(): Response {
  return new Response('Document introuvable.', {
    status: 404,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

/**
 * A copy of an identity document, shown in the browser. Each request is a viewing the API
 * writes to the audit trail (`documentCopies.view` is a mutation), so nothing is cached.
 */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ slug: string; id: string; docId: string }> },
): Promise<Response> {
  const { slug, docId } = await params;
  const session = await requireSession(); // unauthenticated: to the sign-in page
  if (!UUID_RE.test(docId)) return notFoundResponse();
  const api = createApiClient({ sessionToken: session.apiSessionToken, tenantSlug: slug });
  let doc: { contentType: string; contentBase64: string };
  try {
    doc = await api.identity.documentCopies.view.mutate({ id: docId });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.code === 'UNAUTHORIZED') redirect(`${SIGN_IN_PATH}?session=expiree`);
    if (info?.code === 'NOT_FOUND' || info?.code === 'FORBIDDEN') return notFoundResponse();
    throw error;
  }
  const extension = EXTENSIONS[doc.contentType] ?? 'bin';
  return new Response(Buffer.from(doc.contentBase64, 'base64'), {
    headers: {
      'Content-Type': doc.contentType,
      'Content-Disposition': `inline; filename="piece-identite.${extension}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
