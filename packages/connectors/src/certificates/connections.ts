import { createHash } from 'node:crypto';
import type { OrganisationCertificate } from './organisation-certificate.ts';

/**
 * Kept-alive connections (an HTTPS agent, an SMTP pool) per key, the least recently used closed
 * beyond `max` when it may be (`close` answers false for one with a call in flight: kept).
 */
export function connectionCache<T>(o: {
  max: number;
  close: (entry: T) => boolean;
  closeAll: (entry: T) => void;
}) {
  const entries = new Map<string, T>();
  return {
    get(key: string, create: () => T): T {
      const found = entries.get(key);
      // Most recently used last.
      if (found) entries.delete(key);
      const entry = found ?? create();
      entries.set(key, entry);
      for (const [oldKey, old] of entries) {
        if (entries.size <= o.max) break;
        if (oldKey !== key && o.close(old)) entries.delete(oldKey);
      }
      return entry;
    },
    clear(): void {
      for (const entry of entries.values()) o.closeAll(entry);
      entries.clear();
    },
  };
}

/**
 * The key of a connection: a hash of the certificate (with its key and chain) and of everything
 * else its TLS session depends on, so a renewed certificate never reuses the old one's connections.
 */
export function connectionKey(certificate: OrganisationCertificate, parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of [
    certificate.fingerprintSha256,
    certificate.certPem,
    ...certificate.chainPem,
    certificate.keyPem,
    ...parts,
  ]) {
    hash.update(part).update('\0');
  }
  return hash.digest('hex');
}
