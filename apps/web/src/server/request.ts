import { addressMatcher, isIpAddress as isAddress } from '@rayon/domain';
import { headers } from 'next/headers';
import { getEnv } from '../env.ts';

/**
 * The address of the person using the portal, read from X-Forwarded-For from the right: entries
 * appended by the portal's own proxies (RAYON_TRUSTED_PROXIES) are skipped, the first other one
 * is the client. Entries further left were written by the client and are never believed.
 *
 * The portal's server (server.ts) appends the TCP peer to X-Forwarded-For, as nginx's
 * `$proxy_add_x_forwarded_for` does, so the rightmost entry is always the peer, which no client
 * can forge; reached directly, that is the client. Behind a reverse proxy, list the proxy in
 * RAYON_TRUSTED_PROXIES and its own appended entry is believed instead. The API, which sees its
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

/** The portal's public origin: AUTH_URL when configured, else the request's host. */
export async function portalOrigin(): Promise<string> {
  const configured = getEnv().AUTH_URL;
  if (configured) return new URL(configured).origin;
  const h = await headers();
  const host = h.get('x-forwarded-host')?.split(',')[0]?.trim() || h.get('host') || 'localhost';
  const proto = h.get('x-forwarded-proto')?.split(',')[0]?.trim() || 'http';
  return `${proto}://${host}`;
}
