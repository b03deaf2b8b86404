import {
  addressMatcher,
  HSTS,
  isIpAddress as isAddress,
  parseCidrList,
  PERMISSIONS_POLICY,
  unmapIpv4,
} from '@rayon/domain';
import type { Context, MiddlewareHandler } from 'hono';
import { peerAddress } from '../auth/client-address.ts';

/**
 * Security headers of every API answer. The API serves data (JSON, documents), never a page:
 * nothing in it may run, load anything, or be framed. HSTS only over TLS: the request came in
 * over https, or a trusted proxy (RAYON_TRUSTED_PROXIES) says so with X-Forwarded-Proto — from
 * anyone else the header is ignored, since a client could claim anything.
 */
export function securityHeaders(trustedProxies: readonly string[] = []): MiddlewareHandler {
  const trusted = addressMatcher(parseCidrList(trustedProxies, 'RAYON_TRUSTED_PROXIES'));
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    h.set('Referrer-Policy', 'no-referrer');
    h.set('Permissions-Policy', PERMISSIONS_POLICY);
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('X-Frame-Options', 'DENY');
    h.set('Cross-Origin-Resource-Policy', 'same-site');
    if (overTls(c, trusted)) h.set('Strict-Transport-Security', HSTS);
  };
}

function overTls(c: Context, trusted: (address: string) => boolean): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  const forwarded = c.req.header('x-forwarded-proto');
  if (!forwarded) return false;
  const peer = peerAddress(c);
  if (!peer || !isAddress(peer) || !trusted(unmapIpv4(peer))) return false;
  // A chain of proxies may list one protocol per hop: https only when every hop says so.
  return forwarded.split(',').every((p) => p.trim().toLowerCase() === 'https');
}
