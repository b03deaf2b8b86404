import { describe, expect, it } from 'vitest';
import {
  checkOutboundHost,
  isOutboundRefused,
  outboundPolicy,
  parseOutboundAllow,
  resolveOutbound,
  type Lookup,
} from './outbound.ts';

const fixed =
  (...addresses: string[]): Lookup =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(isOutboundRefused(e), String(e)).toBe(true);
  return e as Error & { field: string };
};

describe('outbound destinations', () => {
  const none = outboundPolicy();

  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '0.0.0.0',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '::1',
    '[::1]',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '::7f00:1',
  ])('%s is refused by default, naming the field', async (host) => {
    const e = await refusal(resolveOutbound(host, none, { field: 'pfi.host' }));
    expect(e.field).toBe('pfi.host');
    expect(e.message).toContain('internal address');
  });

  it('public addresses pass; the address connected to is the one checked', async () => {
    expect(await resolveOutbound('203.0.113.7', none)).toEqual({ address: '203.0.113.7', family: 4 });
    expect(await resolveOutbound('pfi.chu.example', none, { lookup: fixed('198.51.100.2') })).toEqual({
      address: '198.51.100.2',
      family: 4,
    });
  });

  it('a name is refused when any of its addresses is internal', async () => {
    await refusal(resolveOutbound('pfi.example', none, { lookup: fixed('198.51.100.2', '10.1.1.1') }));
    await refusal(resolveOutbound('localhost', none));
  });

  it('RAYON_OUTBOUND_ALLOW lets the platform allow internal ranges', async () => {
    const local = outboundPolicy(parseOutboundAllow(' 127.0.0.1/32, ::1/128 ,10.20.0.0/16'));
    expect(local.allowed).toEqual(['127.0.0.1/32', '::1/128', '10.20.0.0/16']);
    expect((await resolveOutbound('127.0.0.1', local)).address).toBe('127.0.0.1');
    expect((await resolveOutbound('::ffff:127.0.0.1', local)).address).toBe('::ffff:127.0.0.1');
    expect((await resolveOutbound('10.20.3.4', local)).address).toBe('10.20.3.4');
    await refusal(resolveOutbound('10.21.0.1', local));
    await refusal(resolveOutbound('169.254.169.254', local));
    expect(parseOutboundAllow(undefined)).toEqual([]);
    expect(parseOutboundAllow('')).toEqual([]);
  });

  it('a malformed RAYON_OUTBOUND_ALLOW is refused naming the entry', () => {
    expect(() => parseOutboundAllow('127.0.0.1/32,localhost')).toThrow(/localhost/);
    try {
      parseOutboundAllow('127.0.0.1/32,10.0.0.1/8');
    } catch (e) {
      expect((e as { field: string }).field).toBe('RAYON_OUTBOUND_ALLOW[1]');
    }
  });

  it('at save time, a name that does not resolve now is accepted (checked again at each send)', async () => {
    const nowhere: Lookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    await expect(checkOutboundHost('pfi.invalid', none, 'pfi.host', { lookup: nowhere })).resolves.toBe(
      undefined,
    );
    await refusal(checkOutboundHost('pfi.example', none, 'pfi.host', { lookup: fixed('127.0.0.1') }));
  });
});
