/**
 * Per-peer limits shared by the gateway's listeners (HL7 MLLP, DICOM): at most N open
 * connections per source address, so one peer (or one looping interface engine) cannot take
 * every socket of a listener. Idle connections are closed by each listener (60 s by default).
 */
import { unmapIpv4 } from '@rayon/domain';

export interface PeerLimits {
  /** Open connections accepted at once from one source address. */
  maxConnectionsPerSource: number;
  /** A connection that sends nothing for this long is closed. */
  idleTimeoutMs: number;
}

export interface ConnectionLimiter {
  /** Counts a new connection from `address`; false when that source is at its limit (not counted). */
  acquire(address: string): boolean;
  /** Forgets one connection of `address` (call once per successful acquire). */
  release(address: string): void;
  /** Open connections of `address`. */
  count(address: string): number;
}

export function connectionLimiter(maxPerSource: number): ConnectionLimiter {
  const open = new Map<string, number>();
  return {
    acquire(address) {
      const key = unmapIpv4(address);
      const n = open.get(key) ?? 0;
      if (n >= maxPerSource) return false;
      open.set(key, n + 1);
      return true;
    },
    release(address) {
      const key = unmapIpv4(address);
      const n = (open.get(key) ?? 0) - 1;
      if (n > 0) open.set(key, n);
      else open.delete(key);
    },
    count: (address) => open.get(unmapIpv4(address)) ?? 0,
  };
}
