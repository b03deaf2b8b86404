import { describe, expect, it } from 'vitest';
import { clientAddressResolver } from './client-address.ts';

describe('client address', () => {
  const resolve = clientAddressResolver(['127.0.0.1/32', '::1/128', '10.0.0.0/8']);

  it('is the TCP peer when the peer is not a trusted proxy, whatever X-Forwarded-For says', () => {
    expect(resolve('203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
    expect(resolve('::ffff:203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
  });

  it('from a trusted proxy: the first address from the right that is not ours', () => {
    expect(resolve('127.0.0.1', '198.51.100.1')).toBe('198.51.100.1');
    expect(resolve('127.0.0.1', 'forged, 198.51.100.1, 10.1.2.3')).toBe('198.51.100.1');
    expect(resolve('::1', ' 2001:db8::5 ')).toBe('2001:db8::5');
    expect(resolve('127.0.0.1', undefined)).toBe('127.0.0.1');
    expect(resolve('127.0.0.1', '10.1.1.1, 10.2.2.2')).toBe('10.1.1.1');
  });

  it('stops at a malformed entry, keeping the last trusted hop', () => {
    expect(resolve('127.0.0.1', 'not-an-address')).toBe('127.0.0.1');
    expect(resolve('127.0.0.1', 'junk, 10.3.3.3')).toBe('10.3.3.3');
  });

  it('is unknown without a peer (no socket): nothing forwarded is believed', () => {
    expect(resolve(undefined, '198.51.100.1')).toBeUndefined();
  });

  it('refuses a bad RAYON_TRUSTED_PROXIES entry by name', () => {
    expect(() => clientAddressResolver(['127.0.0.1/32', '10.0.0.1/8'])).toThrow(/10\.0\.0\.1\/8/);
  });
});
