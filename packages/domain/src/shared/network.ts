/**
 * Network facts the doors share: source address ranges (CIDR) that a route or a modality accepts,
 * the ranges a practice's outbound destinations may never reach, TLS certificate fingerprints.
 * Pure: `node:net`'s BlockList does the address arithmetic (IPv4, IPv6, IPv4-mapped IPv6).
 */
import { BlockList, isIP } from 'node:net';
import { badInput } from './errors.ts';

export interface Cidr {
  /** Canonical text, e.g. `192.168.10.0/24`, `2001:db8::/32`. */
  text: string;
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/**
 * Parses `a.b.c.d/n`, `x:y::/n` or a bare address (a /32 or /128). Refuses host bits set beyond
 * the prefix (`10.0.0.1/8`): such an entry is almost always a typo of the range meant.
 */
export function parseCidr(input: string, field = 'cidr'): Cidr {
  const raw = input.trim();
  const [address = '', prefixText, extra] = raw.split('/');
  const version = isIP(address);
  if (extra !== undefined || version === 0) {
    throw badInput(field, `« ${raw} » is not an address range (CIDR), e.g. 10.1.2.0/24`);
  }
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max) {
    throw badInput(field, `« ${raw} »: the prefix length must be 0 to ${max}`);
  }
  const network = new BlockList();
  network.addSubnet(address, prefix, family);
  // Host bits set: the first address of the range differs from the one written.
  if (prefix < max && !sameNetworkStart(address, prefix, version === 4 ? 4 : 6)) {
    throw badInput(field, `« ${raw} » has bits set past /${prefix}: write the range's first address`);
  }
  return { text: `${address.toLowerCase()}/${prefix}`, address: address.toLowerCase(), prefix, family };
}

function sameNetworkStart(address: string, prefix: number, version: 4 | 6): boolean {
  const bits = version === 4 ? ipv4Bits(address) : ipv6Bits(address);
  return bits.slice(prefix).every((b) => b === 0);
}

function ipv4Bits(address: string): number[] {
  return address.split('.').flatMap((octet) => byteBits(Number(octet)));
}

function ipv6Bits(address: string): number[] {
  let text = address.toLowerCase();
  // An embedded IPv4 tail (::ffff:10.0.0.1) is two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [...byteBits(n >> 8), ...byteBits(n & 0xff)];
  });
}

const byteBits = (n: number) => Array.from({ length: 8 }, (_, i) => (n >> (7 - i)) & 1);

/** Parses and de-duplicates a list of ranges, naming the entry at fault (`field[2]`). */
export function parseCidrList(inputs: readonly string[], field = 'allowedSources'): Cidr[] {
  const seen = new Map<string, Cidr>();
  inputs.forEach((input, i) => {
    const cidr = parseCidr(input, `${field}[${i}]`);
    seen.set(cidr.text, cidr);
  });
  return [...seen.values()];
}

/** A matcher over ranges; an IPv4-mapped IPv6 peer (`::ffff:10.0.0.1`) matches its IPv4 range. */
export function addressMatcher(cidrs: readonly (string | Cidr)[]): (address: string) => boolean {
  const list = new BlockList();
  for (const c of cidrs) {
    const cidr = typeof c === 'string' ? parseCidr(c) : c;
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return (address: string) => {
    const plain = unmapIpv4(address);
    const version = isIP(plain);
    if (version === 0) return false;
    return list.check(plain, version === 4 ? 'ipv4' : 'ipv6');
  };
}

/** `::ffff:192.0.2.1` → `192.0.2.1`; any other address unchanged. */
export function unmapIpv4(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

/**
 * Ranges a practice's outbound destination may not reach unless the platform allows them:
 * loopback, "this network", private (RFC 1918), carrier-grade NAT, link-local (cloud metadata
 * 169.254.169.254 included), benchmarking, multicast and reserved ranges; their IPv6 kin
 * (loopback, unique local, link-local, site-local, multicast, IPv4-mapped, NAT64 of the above is
 * left to the IPv4 check after unmapping).
 */
export const INTERNAL_RANGES: readonly string[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
  'fec0::/10',
  'ff00::/8',
  '64:ff9b::/96',
];

const isInternalRange = addressMatcher(INTERNAL_RANGES);

/** Whether an address (as resolved, IPv4 or IPv6) lies in one of the internal ranges. */
export function isInternalAddress(address: string): boolean {
  return isInternalRange(unmapIpv4(address));
}

/**
 * A certificate's SHA-256 fingerprint as written by `openssl x509 -fingerprint -sha256` and
 * Node's `X509Certificate.fingerprint256`: 32 bytes in upper-case hex separated by colons.
 * Accepts it with or without colons, any case, with an optional `SHA256 Fingerprint=` prefix.
 */
export function normaliseFingerprint(input: string, field = 'fingerprint'): string {
  const hex = input
    .trim()
    .replace(/^sha-?256\s*fingerprint\s*=\s*/i, '')
    .replaceAll(':', '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw badInput(field, 'a SHA-256 fingerprint has 64 hexadecimal digits (colons allowed)');
  }
  return hex.match(/../g)!.join(':');
}

/** DICOM AE titles compare trimmed and in upper case: ' rayon_ct1' is RAYON_CT1. */
export function normaliseAeTitle(input: string): string {
  return input.trim().toUpperCase();
}
