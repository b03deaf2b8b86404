import { describe, expect, it } from 'vitest';
import { hashPassword, randomToken, sameHash, sha256, verifyPassword } from './secrets.ts';

describe('password hashing', () => {
  it('verifies the right password only, with a fresh salt each time', async () => {
    const a = await hashPassword('Gwénaëlle-mot-de-passe');
    const b = await hashPassword('Gwénaëlle-mot-de-passe');
    expect(a).not.toBe(b);
    expect(await verifyPassword('Gwénaëlle-mot-de-passe', a)).toBe(true);
    expect(await verifyPassword('gwénaëlle-mot-de-passe', a)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
  });

  it('treats composed and decomposed accents as the same password (NFC)', async () => {
    const stored = await hashPassword('No\u00ebl');
    expect(await verifyPassword('Noe\u0308l', stored)).toBe(true);
  });
});

describe('tokens', () => {
  it('are 256-bit, url-safe and distinct', () => {
    const t = randomToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(t);
  });

  it('compares hashes in constant time and only equal ones match', () => {
    expect(sameHash(sha256('a'), sha256('a'))).toBe(true);
    expect(sameHash(sha256('a'), sha256('b'))).toBe(false);
    expect(sameHash(sha256('a'), 'abcd')).toBe(false);
  });
});
