import { describe, expect, it } from 'vitest';
import {
  checkTotp,
  looksLikeRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  openTotpSecret,
  recoveryCodeHash,
  sealTotpSecret,
  totpCode,
  totpStep,
  totpUri,
} from './totp.ts';

/** RFC 6238 appendix B: the SHA-1 seed "12345678901234567890", base32. */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP (RFC 6238, SHA-1, 30 s, 6 digits)', () => {
  it('gives the RFC 6238 test vectors (last 6 digits of the 8-digit values)', async () => {
    for (const [time, eight] of [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
    ] as const) {
      expect(await totpCode(RFC_SECRET, totpStep(time * 1000))).toBe(eight.slice(2));
    }
  });

  it('accepts one step either side, not two, and never a step already used', async () => {
    const now = 1_800_000_000_000;
    const step = totpStep(now);
    for (const d of [-1, 0, 1]) {
      expect(await checkTotp(RFC_SECRET, await totpCode(RFC_SECRET, step + d), { nowMs: now })).toBe(
        step + d,
      );
    }
    for (const d of [-2, 2]) {
      expect(
        await checkTotp(RFC_SECRET, await totpCode(RFC_SECRET, step + d), { nowMs: now }),
      ).toBeUndefined();
    }
    const code = await totpCode(RFC_SECRET, step);
    expect(await checkTotp(RFC_SECRET, code, { nowMs: now, afterStep: step })).toBeUndefined();
    expect(await checkTotp(RFC_SECRET, code, { nowMs: now, afterStep: step - 1 })).toBe(step);
    expect(await checkTotp(RFC_SECRET, '12345', { nowMs: now })).toBeUndefined();
    expect(await checkTotp(RFC_SECRET, 'abcdef', { nowMs: now })).toBeUndefined();
  });

  it('makes 160-bit secrets and the otpauth URI of authenticator apps', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(totpUri(secret, 'cabinet@rayon.local'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Rayon:cabinet@rayon.local');
    expect(uri.searchParams.get('secret')).toBe(secret);
  });

  it('seals the secret for one account only', () => {
    const key = Buffer.alloc(32, 7);
    const sealed = sealTotpSecret(RFC_SECRET, key, 'user-a');
    expect(sealed).not.toContain(RFC_SECRET);
    expect(openTotpSecret(sealed, key, 'user-a')).toBe(RFC_SECRET);
    expect(() => openTotpSecret(sealed, key, 'user-b')).toThrow();
  });

  it('recovery codes: ten distinct, compared without case, spaces nor dashes', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) {
      expect(c).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);
      expect(looksLikeRecoveryCode(c)).toBe(true);
      expect(recoveryCodeHash(` ${c.toUpperCase().replace(/-/g, ' ')} `)).toBe(recoveryCodeHash(c));
    }
    expect(looksLikeRecoveryCode('123456')).toBe(false);
  });
});
