/**
 * Network facts the doors share: source address ranges (CIDR) that a route or a modality accepts,
 * the ranges a practice's outbound destinations may never reach, TLS certificate fingerprints.
 * Pure TypeScript (no `node:net`), so the portal's browser bundles can import the domain too:
 * addresses are read as integers (IPv4 32 bits, IPv6 128 bits) and ranges compared by prefix.
 */
import { badInput } from './errors.ts';

export interface Cidr {
  /** Canonical text, e.g. `192.168.10.0/24`, `2001:db8::/32`. */
  text: string;
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

interface Address {
  family: 'ipv4' | 'ipv6';
  value: bigint;
}

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function parseIpv4(text: string): bigint | undefined {
  if (!IPV4.test(text)) return undefined;
  return text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(octet), 0n);
}

/** RFC 4291 text forms: eight groups, one `::`, an IPv4 tail; a zone (`%eth0`) is ignored. */
function parseIpv6(input: string): bigint | undefined {
  const text = input.replace(/%[\w.-]+$/, '');
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string, last: boolean): bigint[] | undefined => {
    if (part === '') return [];
    const out: bigint[] = [];
    const pieces = part.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (last && i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) out.push(BigInt(`0x${piece}`));
      else return undefined;
    }
    return out;
  };
  const head = groupsOf(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1]!, true) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<bigint>(halves.length === 2 ? missing : 0).fill(0n), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** An address as the doors compare it: an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is IPv4. */
function parseAddress(text: string): Address | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 'ipv4', value: v4 };
  const v6 = parseIpv6(text);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { family: 'ipv4', value: v6 & 0xffffffffn };
  return { family: 'ipv6', value: v6 };
}

const bitsOf = (family: Address['family']) => (family === 'ipv4' ? 32 : 128);

/**
 * Parses `a.b.c.d/n`, `x:y::/n` or a bare address (a /32 or /128). Refuses host bits set beyond
 * the prefix (`10.0.0.1/8`): such an entry is almost always a typo of the range meant.
 */
export function parseCidr(input: string, field = 'cidr'): Cidr {
  const raw = input.trim();
  const [address = '', prefixText, extra] = raw.split('/');
  const v4 = parseIpv4(address);
  const value = v4 ?? parseIpv6(address);
  if (extra !== undefined || value === undefined) {
    throw badInput(field, `« ${raw} » is not an address range (CIDR), e.g. 10.1.2.0/24`);
  }
  const family = v4 !== undefined ? 'ipv4' : 'ipv6';
  const max = bitsOf(family);
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) {
    throw badInput(field, `« ${raw} »: the prefix length must be 0 to ${max}`);
  }
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) throw badInput(field, `« ${raw} »: the prefix length must be 0 to ${max}`);
  const hostBits = BigInt(max - prefix);
  if (value & ((1n << hostBits) - 1n)) {
    throw badInput(field, `« ${raw} » has bits set past /${prefix}: write the range's first address`);
  }
  return { text: `${address.toLowerCase()}/${prefix}`, address: address.toLowerCase(), prefix, family };
}

/** Parses and de-duplicates a list of ranges, naming the entry at fault (`field[2]`). */
export function parseCidrList(inputs: readonly string[], field = 'allowedSources'): Cidr[] {
  const seen = new Map<string, Cidr>();
  inputs.forEach((input, i) => {
    const cidr = parseCidr(input, `${field}[${i}]`);
    seen.set(cidr.text, cidr);
  });
  return [...seen.values()];
}

/**
 * A comma-separated list of ranges from the environment (`RAYON_TRUSTED_PROXIES`), normalised;
 * a bad entry is an AppError naming `field[i]`.
 */
export function parseCidrCsv(value: string, field: string): string[] {
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return parseCidrList(entries, field).map((c) => c.text);
}

/** A matcher over ranges; an IPv4-mapped IPv6 peer (`::ffff:10.0.0.1`) matches its IPv4 range. */
export function addressMatcher(cidrs: readonly (string | Cidr)[]): (address: string) => boolean {
  const ranges = cidrs.map((c) => {
    const cidr = typeof c === 'string' ? parseCidr(c) : c;
    // A range written as IPv4-mapped IPv6 (::ffff:10.0.0.0/104) is the IPv4 range it maps.
    const network = parseAddress(cidr.address)!;
    const prefix =
      network.family === 'ipv4' && cidr.family === 'ipv6' ? Math.max(0, cidr.prefix - 96) : cidr.prefix;
    const shift = BigInt(bitsOf(network.family) - prefix);
    return { family: network.family, shift, start: network.value >> shift };
  });
  return (text: string) => {
    const address = parseAddress(text);
    if (!address) return false;
    return ranges.some((r) => r.family === address.family && address.value >> r.shift === r.start);
  };
}

/** Any IPv4 or IPv6 address (what a forwarded entry must be to be read at all). */
export const isIpAddress = addressMatcher(['0.0.0.0/0', '::/0']);

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

/** Normalises and de-duplicates a list of fingerprints, naming the entry at fault (`field[2]`). */
export function normaliseFingerprintList(
  inputs: readonly string[],
  field = 'clientCertFingerprints',
): string[] {
  return [...new Set(inputs.map((f, i) => normaliseFingerprint(f, `${field}[${i}]`)))];
}

/** DICOM AE titles compare trimmed and in upper case: ' rayon_ct1' is RAYON_CT1. */
export function normaliseAeTitle(input: string): string {
  return input.trim().toUpperCase();
}
