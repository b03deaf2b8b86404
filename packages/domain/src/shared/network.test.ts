import { describe, expect, it } from 'vitest';
import {
  addressMatcher,
  isInternalAddress,
  normaliseAeTitle,
  normaliseFingerprint,
  parseCidr,
  parseCidrList,
} from './network.ts';

describe('parseCidr', () => {
  it('reads IPv4 and IPv6 ranges and bare addresses', () => {
    expect(parseCidr('10.1.2.0/24')).toMatchObject({ text: '10.1.2.0/24', prefix: 24, family: 'ipv4' });
    expect(parseCidr(' 192.0.2.7 ')).toMatchObject({ text: '192.0.2.7/32', prefix: 32 });
    expect(parseCidr('2001:DB8::/32')).toMatchObject({ text: '2001:db8::/32', family: 'ipv6' });
    expect(parseCidr('::ffff:10.0.0.0/104')).toMatchObject({ prefix: 104 });
  });

  it('refuses what is not a range, naming the field', () => {
    for (const bad of [
      '',
      'example.org',
      '10.0.0.0/33',
      '10.0.0.0/-1',
      '10.0.0.0/8/1',
      '300.1.1.1',
      '::1/129',
    ]) {
      expect(() => parseCidr(bad, 'allowedSources[0]'), bad).toThrow(
        expect.objectContaining({ code: 'BAD_INPUT', field: 'allowedSources[0]' }),
      );
    }
  });

  it('refuses host bits past the prefix', () => {
    expect(() => parseCidr('10.0.0.1/8')).toThrow(/first address/);
    expect(() => parseCidr('2001:db8::1/64')).toThrow(/first address/);
    expect(parseCidr('0.0.0.0/0').prefix).toBe(0);
  });

  it('names the entry at fault in a list and drops duplicates', () => {
    expect(parseCidrList(['10.0.0.0/8', '10.0.0.0/8 '])).toHaveLength(1);
    expect(() => parseCidrList(['10.0.0.0/8', 'nope'])).toThrow(
      expect.objectContaining({ field: 'allowedSources[1]' }),
    );
  });
});

describe('addressMatcher', () => {
  it('matches addresses in the ranges only, IPv4-mapped peers as IPv4', () => {
    const allowed = addressMatcher(['10.1.2.0/24', '2001:db8::/32']);
    expect(allowed('10.1.2.200')).toBe(true);
    expect(allowed('::ffff:10.1.2.9')).toBe(true);
    expect(allowed('10.1.3.1')).toBe(false);
    expect(allowed('2001:db8::42')).toBe(true);
    expect(allowed('2001:db9::1')).toBe(false);
    expect(allowed('not an address')).toBe(false);
    expect(addressMatcher([])('127.0.0.1')).toBe(false);
  });
});

describe('isInternalAddress', () => {
  it('flags loopback, private, link-local (cloud metadata) and their IPv6 kin', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.5',
      '172.20.1.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '100.64.0.1',
      '::1',
      '::ffff:127.0.0.1',
      'fd00::1',
      'fe80::1',
      '::',
    ]) {
      expect(isInternalAddress(a), a).toBe(true);
    }
  });
  it('lets public addresses through', () => {
    for (const a of ['8.8.8.8', '193.51.24.1', '2a01:cb00::1', '172.32.0.1']) {
      expect(isInternalAddress(a), a).toBe(false);
    }
  });
});

describe('normaliseFingerprint', () => {
  const hex = 'ab'.repeat(32);
  it('accepts openssl and bare forms and writes them one way', () => {
    const expected = 'AB:'.repeat(31) + 'AB';
    expect(normaliseFingerprint(hex)).toBe(expected);
    expect(normaliseFingerprint(`SHA256 Fingerprint=${expected.toLowerCase()}`)).toBe(expected);
  });
  it('refuses anything else', () => {
    expect(() => normaliseFingerprint('ab'.repeat(20), 'fp')).toThrow(
      expect.objectContaining({ field: 'fp' }),
    );
  });
});

it('normalises AE titles: trimmed, upper case', () => {
  expect(normaliseAeTitle(' rayon_ct1 ')).toBe('RAYON_CT1');
});

describe('address parsing', () => {
  it('reads the IPv6 text forms and refuses malformed ones', () => {
    const any6 = addressMatcher(['::/0']);
    for (const a of [
      '::',
      '::1',
      '2001:db8::1',
      '2001:db8:0:0:0:0:0:1',
      'fe80::1%eth0',
      '::ffff:1.2.3.4',
      '1::',
    ]) {
      expect(any6(a) || addressMatcher(['0.0.0.0/0'])(a), a).toBe(true);
    }
    for (const a of [
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '12345::',
      'g::1',
      '1.2.3',
      '01.2.3.4',
      '1.2.3.4.5',
      ':::',
    ]) {
      expect(any6(a) || addressMatcher(['0.0.0.0/0'])(a), a).toBe(false);
    }
  });
  it('matches a range written as IPv4-mapped IPv6 against IPv4 peers', () => {
    expect(addressMatcher(['::ffff:10.0.0.0/104'])('10.9.8.7')).toBe(true);
    expect(addressMatcher(['::ffff:10.0.0.0/104'])('11.0.0.1')).toBe(false);
  });
});
