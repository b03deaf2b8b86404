import { randomBytes } from 'node:crypto';
import { AppError } from '@rayon/domain';
import { describe, expect, it } from 'vitest';
import { openSecret, parseEncryptionKey, sealSecret } from './secrets.ts';

const key = randomBytes(32);

describe('sealSecret / openSecret', () => {
  it('round-trips strings and bytes, with a fresh IV each time', () => {
    const a = sealSecret('-----BEGIN PRIVATE KEY-----\nabc\n', key);
    const b = sealSecret('-----BEGIN PRIVATE KEY-----\nabc\n', key);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('PRIVATE');
    expect(openSecret(a, key).toString('utf8')).toBe('-----BEGIN PRIVATE KEY-----\nabc\n');
    const bytes = randomBytes(100);
    expect(openSecret(sealSecret(bytes, key), key).equals(bytes)).toBe(true);
  });

  it('detects tampering of the ciphertext, the tag or the IV', () => {
    const sealed = sealSecret('secret passphrase', key);
    const [v, iv, tag, data] = sealed.split('.') as [string, string, string, string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const altered of [
      [v, iv, tag, flip(data)],
      [v, iv, flip(tag), data],
      [v, flip(iv), tag, data],
    ]) {
      expect(() => openSecret(altered.join('.'), key)).toThrow(/wrong key or altered data/);
    }
  });

  it('refuses another key, another context, or an unknown format', () => {
    const sealed = sealSecret('x', key, 'tenant:a');
    expect(openSecret(sealed, key, 'tenant:a').toString()).toBe('x');
    expect(() => openSecret(sealed, randomBytes(32), 'tenant:a')).toThrow(AppError);
    expect(() => openSecret(sealed, key, 'tenant:b')).toThrow(/wrong key or altered data/);
    expect(() => openSecret(sealed, key)).toThrow(/wrong key or altered data/);
    expect(() => openSecret(sealed.replace(/^v1/, 'v9'), key)).toThrow(/unknown format/);
    expect(() => openSecret('v1.a.b', key)).toThrow(/unknown format/);
    expect(() => sealSecret('x', Buffer.alloc(16))).toThrow(/32-byte/);
  });
});

describe('parseEncryptionKey', () => {
  it('accepts 32 bytes in base64 or base64url', () => {
    const raw = randomBytes(32);
    expect(parseEncryptionKey(raw.toString('base64')).equals(raw)).toBe(true);
    expect(parseEncryptionKey(` ${raw.toString('base64url')}\n`).equals(raw)).toBe(true);
  });

  it('refuses other lengths and non-base64 text, naming the field', () => {
    for (const bad of [randomBytes(16).toString('base64'), 'not base64 at all!', '']) {
      try {
        parseEncryptionKey(bad);
        throw new Error('expected an error');
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        expect((e as AppError).field).toBe('encryptionKey');
      }
    }
  });
});
