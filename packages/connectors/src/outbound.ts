/**
 * Where a practice may make Rayon connect: the one guard of every destination a practice sets
 * itself (the PFI's host today, webhooks later). A destination whose address is internal —
 * loopback, private ranges, link-local (cloud metadata 169.254.169.254 included), "this network",
 * IPv6 unique/link-local… (`INTERNAL_RANGES` of @rayon/domain) — is refused, unless the platform
 * allows its range with `RAYON_OUTBOUND_ALLOW` (comma-separated CIDRs; the quick start allows its
 * local simulators).
 *
 * Checked twice: when the practice saves the destination (a clear error naming the field) and at
 * each connection (`resolveOutbound`): the name is resolved once, every address it resolves to
 * must pass, and the caller connects to the address checked, never to the name again — a DNS
 * answer that changes between the check and the connection (DNS rebinding) cannot slip through.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AppError, addressMatcher, isInternalAddress, parseCidrList, unmapIpv4 } from '@rayon/domain';

/** What the platform allows beyond the public Internet. */
export interface OutboundPolicy {
  /** The allowed internal ranges, canonical text (for logs and boot messages). */
  readonly allowed: readonly string[];
  /** Whether a connection to `address` (an IP address) is allowed. */
  permits(address: string): boolean;
}

/**
 * IPv6 forms that carry an IPv4 address Node would reach: IPv4-mapped written in hex
 * (`::ffff:7f00:1`, the dotted form is unmapped first) and the deprecated IPv4-compatible
 * (`::7f00:1`). Judged internal rather than decoded: no PFI is configured that way.
 */
const EMBEDDED_IPV4 = addressMatcher(['::ffff:0:0/96', '::/96']);

/** Whether `address` (IPv4 or IPv6) lies in a range no practice destination may reach by default. */
export function isRefusedByDefault(address: string): boolean {
  const plain = unmapIpv4(address);
  return isInternalAddress(plain) || (isIP(plain) === 6 && EMBEDDED_IPV4(plain));
}

/** The policy allowing `cidrs` (already parsed, or texts: `parseCidr` names the faulty entry). */
export function outboundPolicy(cidrs: readonly string[] = []): OutboundPolicy {
  const list = parseCidrList(cidrs, 'RAYON_OUTBOUND_ALLOW');
  const allowed = addressMatcher(list);
  return {
    allowed: list.map((c) => c.text),
    permits: (address) => !isRefusedByDefault(address) || allowed(unmapIpv4(address)),
  };
}

/**
 * `RAYON_OUTBOUND_ALLOW` as an app's env.ts reads it: comma-separated CIDRs (or bare addresses),
 * spaces allowed, empty = nothing internal allowed. Throws AppError BAD_INPUT naming the entry.
 */
export function parseOutboundAllow(text: string | undefined): string[] {
  const entries = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return parseCidrList(entries, 'RAYON_OUTBOUND_ALLOW').map((c) => c.text);
}

/** A destination the platform does not let practices reach. */
export class OutboundRefusedError extends AppError {
  readonly host: string;
  constructor(host: string, field: string) {
    super(
      'BAD_INPUT',
      `${field}: ${host} is or resolves to an internal address (loopback, private network, link-local or cloud metadata): not allowed as a destination`,
      { field, reason: 'delivery.address.internal', params: { host } },
    );
    this.name = 'OutboundRefusedError';
    this.host = host;
  }
}

export function isOutboundRefused(e: unknown): e is OutboundRefusedError {
  return e instanceof OutboundRefusedError;
}

export type Lookup = (host: string) => Promise<{ address: string; family: number }[]>;

const systemLookup: Lookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/** `[::1]` → `::1`: hosts may be written as in a URL. */
const bare = (host: string) => host.trim().replace(/^\[(.*)\]$/, '$1');

export interface ResolvedDestination {
  /** The address to connect to (checked). */
  address: string;
  family: 4 | 6;
}

/**
 * Resolves `host` once (every address of the name) and returns the address to connect to.
 * Throws {@link OutboundRefusedError} when any address is refused (a name with one public and
 * one internal address is refused: which one the connection would use is not ours to choose),
 * and the resolver's own error (ENOTFOUND, EAI_AGAIN…) when the name does not resolve.
 */
export async function resolveOutbound(
  host: string,
  policy: OutboundPolicy,
  o: { field?: string; lookup?: Lookup } = {},
): Promise<ResolvedDestination> {
  const field = o.field ?? 'host';
  const name = bare(host);
  const literal = isIP(name);
  const addresses = literal ? [{ address: name, family: literal }] : await (o.lookup ?? systemLookup)(name);
  if (addresses.length === 0) {
    throw Object.assign(new Error(`${name} has no address`), { code: 'ENOTFOUND' });
  }
  if (addresses.some((a) => !policy.permits(a.address))) throw new OutboundRefusedError(host, field);
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/**
 * The check when a practice saves a destination: refused (BAD_INPUT naming `field`) when the
 * host is or resolves to a refused address. A name that does not resolve now is accepted — the
 * connection checks again, and a split-horizon name may resolve only where the worker runs.
 */
export async function checkOutboundHost(
  host: string,
  policy: OutboundPolicy,
  field: string,
  o: { lookup?: Lookup } = {},
): Promise<void> {
  try {
    await resolveOutbound(host, policy, { field, ...o });
  } catch (e) {
    if (isOutboundRefused(e)) throw e;
    // Not resolvable (yet): the send will say so.
  }
}
