import { createHash } from 'node:crypto';

/** Escapes text for an XML attribute or element. */
export function esc(value: string | number): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** XDS DTM in UTC (`YYYYMMDDHHMMSS`, ITI TF-3 4.2.3.1.7). */
export function xdsTime(instant: string | Date): string {
  const d = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(d.getTime())) throw new TypeError('invalid date-time');
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** An RFC 4122 name-based (SHA-1, version 5 layout) UUID: the same name gives the same UUID. */
export function nameUuid(name: string): string {
  const h = createHash('sha1').update(name, 'utf8').digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** An OID under 2.25 (ITU-T X.667) from a UUID. */
export function uuidOid(uuid: string): string {
  return `2.25.${BigInt(`0x${uuid.replace(/-/g, '')}`).toString()}`;
}
