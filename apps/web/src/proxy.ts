/**
 * Security headers of every portal answer (Next 16 calls this file "proxy", formerly
 * "middleware"), with a fresh CSP nonce per request: Next reads it from the request's
 * Content-Security-Policy header and puts it on its own scripts; 'strict-dynamic' lets those
 * load the page's chunks. Every page is rendered per request (the root layout reads the headers),
 * so no page is served with scripts lacking the nonce.
 */
import { HSTS, PERMISSIONS_POLICY } from '@rayon/domain';
import { NextResponse, type NextRequest } from 'next/server';
import { getEnv } from './env.ts';

/**
 * Files the portal shows inside its own frames (the report PDF, a copy of an identity document):
 * they may be framed by the portal itself, by nothing else.
 */
const FRAMED_BY_THE_PORTAL = [
  /^\/t\/[^/]+\/comptes-rendus\/documents\/[^/]+\/pdf$/,
  /^\/t\/[^/]+\/patients\/[^/]+\/pieces\/[^/]+$/,
];

export function pagePolicy(
  nonce: string,
  o: { dev: boolean; tls: boolean; formTargets?: readonly string[] },
): string {
  return [
    "default-src 'self'",
    // Next's scripts carry the nonce; what they load is trusted through 'strict-dynamic'.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${o.dev ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' 'nonce-${nonce}'`,
    // style="…" attributes (a few layout tweaks, progress bars): they cannot run code.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    // The report PDF viewer: the portal's own PDF route, or a blob: of a received CDA's PDF.
    "frame-src 'self' blob:",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    // The portal's own forms, and the DMP web-PS page the patient screen posts to (TD0.9).
    ['form-action', "'self'", ...(o.formTargets ?? [])].join(' '),
    "frame-ancestors 'none'",
    ...(o.tls ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/**
 * Served over TLS: the request's own protocol, or X-Forwarded-Proto. The portal runs behind our
 * reverse proxy (or alone, then Next sets the header from the socket), the same trust Auth.js
 * places in X-Forwarded-Host (AUTH_TRUST_HOST).
 */
function overTls(request: NextRequest): boolean {
  if (request.nextUrl.protocol === 'https:') return true;
  const proto = request.headers.get('x-forwarded-proto');
  return proto !== null && proto.split(',').every((p) => p.trim().toLowerCase() === 'https');
}

function dmpWebPsOrigin(): string[] {
  const url = getEnv().RAYON_DMP_WEBPS_URL;
  return url ? [new URL(url).origin] : [];
}

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64');
  const tls = overTls(request);
  const framed = FRAMED_BY_THE_PORTAL.some((p) => p.test(request.nextUrl.pathname));
  const csp = framed
    ? "frame-ancestors 'self'; object-src 'none'; base-uri 'none'"
    : pagePolicy(nonce, {
        dev: getEnv().NODE_ENV === 'development',
        tls,
        formTargets: dmpWebPsOrigin(),
      });

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });

  const h = response.headers;
  h.set('Content-Security-Policy', csp);
  h.set('X-Frame-Options', framed ? 'SAMEORIGIN' : 'DENY');
  h.set('X-Content-Type-Options', 'nosniff');
  // same-origin rather than no-referrer: under no-referrer a form posted before the page's
  // JavaScript runs carries `Origin: null` (Fetch standard), which Next's Server Action check
  // refuses. Toward other sites nothing leaves, not even the origin (reset and invitation links
  // carry their token in the path).
  h.set('Referrer-Policy', 'same-origin');
  h.set('Permissions-Policy', PERMISSIONS_POLICY);
  h.set('Cross-Origin-Opener-Policy', 'same-origin');
  if (tls) h.set('Strict-Transport-Security', HSTS);
  return response;
}

export const config = {
  matcher: [
    // Not the build's static files (immutable, same for everyone); everything else, pages,
    // Server Actions, route handlers and the icon included.
    '/((?!_next/static|_next/image).*)',
  ],
};
