import { headers } from 'next/headers';
import { getEnv } from '../env.ts';

/**
 * The address of the person using the portal, as seen by the nearest hop: the last entry of
 * X-Forwarded-For (appended by our reverse proxy, or set by Next from the socket when the
 * portal is reached directly). Earlier entries are client-controlled and not trusted.
 */
export function clientIpFrom(h: Headers): string | undefined {
  const chain = h.get('x-forwarded-for');
  if (chain) {
    const last = chain
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .at(-1);
    if (last) return last;
  }
  return h.get('x-real-ip')?.trim() || undefined;
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
