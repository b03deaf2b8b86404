import { getConnInfo } from '@hono/node-server/conninfo';
import { addressMatcher, isIpAddress as isAddress, parseCidrList, unmapIpv4 } from '@rayon/domain';
import type { Context } from 'hono';

/**
 * The TCP peer's address (Hono on Node: the incoming socket). Undefined without a socket (a
 * request made in-process, e.g. `app.request()` without `env.incoming`): then nothing forwarded
 * is believed and the client address is unknown.
 */
export function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/**
 * Who is at the other end of a request. The TCP peer is the truth; X-Forwarded-For is read only
 * when that peer is one of our own proxies (the portal, a load balancer), and then from the right:
 * each entry appended by a trusted hop is skipped, and the first address not of ours is the
 * client. Entries left of it were written by the client and are never believed.
 *
 * `trustedProxies` are CIDRs (RAYON_TRUSTED_PROXIES, validated at boot). Without a known peer (no
 * socket, e.g. a request made in-process) nothing is trusted and the address is unknown.
 */
export function clientAddressResolver(trustedProxies: readonly string[] = []) {
  const trusted = addressMatcher(parseCidrList(trustedProxies, 'RAYON_TRUSTED_PROXIES'));
  return (peer: string | undefined, forwardedFor: string | null | undefined): string | undefined => {
    if (!peer || !isAddress(peer)) return undefined;
    let client = unmapIpv4(peer);
    if (!trusted(client) || !forwardedFor) return client;
    const chain = forwardedFor
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (let i = chain.length - 1; i >= 0; i--) {
      const hop = chain[i]!;
      // A malformed entry: what is left of it cannot be attributed; keep the last trusted hop.
      if (!isAddress(hop)) return client;
      client = unmapIpv4(hop);
      if (!trusted(client)) return client;
    }
    return client;
  };
}
