import { addressMatcher } from '@rayon/domain';
import { headers } from 'next/headers';
import { getEnv } from '../env.ts';

/**
 * The address of the person using the portal, read from X-Forwarded-For from the right: entries
 * appended by the portal's own proxies (RAYON_TRUSTED_PROXIES) are skipped, the first other one
 * is the client. Entries further left were written by the client and are never believed.
 *
 * Hypothesis (Next 16, `next start`): route handlers and server actions get no socket address.
 * Next sets X-Forwarded-For to the socket's address only when the request has none, and keeps a
 * header the client sent. So, reached directly, a client may still name the address the API
 * counts and journals; deployed behind a reverse proxy that appends the peer (nginx
 * `$proxy_add_x_forwarded_for`, a load balancer) with the portal reachable only through it, the
 * rightmost entry is the peer that proxy saw, which no client can forge. The API, which sees its
 * socket, believes the portal's header only because the portal is one of its trusted proxies;
 * per-account throttling never depends on the address.
 */
export function clientIpFrom(h: Headers): string | undefined {
  const trusted = addressMatcher(getEnv().RAYON_TRUSTED_PROXIES);
  const chain = (h.get('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  let client: string | undefined;
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i]!;
    if (!isAddress(hop)) break;
    client = hop;
    if (!trusted(hop)) break;
  }
  return client;
}

/** Who is signing in, for the API's throttle and journal: address and browser. */
export async function signInClient(): Promise<{
  clientIp: string | undefined;
  userAgent: string | undefined;
}> {
  const h = await headers();
  return { clientIp: clientIpFrom(h), userAgent: h.get('user-agent')?.slice(0, 400) || undefined };
}

const isAddress = addressMatcher(['0.0.0.0/0', '::/0']);

/** The portal's public origin: AUTH_URL when configured, else the request's host. */
export async function portalOrigin(): Promise<string> {
  const configured = getEnv().AUTH_URL;
  if (configured) return new URL(configured).origin;
  const h = await headers();
  const host = h.get('x-forwarded-host')?.split(',')[0]?.trim() || h.get('host') || 'localhost';
  const proto = h.get('x-forwarded-proto')?.split(',')[0]?.trim() || 'http';
  return `${proto}://${host}`;
}
