import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '@rayon/domain';

/**
 * Encryption at rest of secrets (organisation private keys, PKCS#12 passphrases) with a key from
 * configuration: AES-256-GCM (NIST SP 800-38D), random 96-bit IV per message, 128-bit tag.
 *
 * Format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url (RFC 4648 §5). The version prefix lets
 * a later format or key rotation coexist with stored values. An optional `context` (e.g. the
 * tenant id) is bound as additional authenticated data: a value sealed for one tenant does not
 * open for another.
 */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export function parseEncryptionKey(base64: string): Buffer {
  const text = base64.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    throw new AppError('BAD_INPUT', 'The encryption key must be base64 (32 random bytes).', {
      field: 'encryptionKey',
    });
  }
  const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== KEY_BYTES) {
    throw new AppError('BAD_INPUT', `The encryption key must be 32 bytes once decoded; got ${key.length}.`, {
      field: 'encryptionKey',
    });
  }
  return key;
}

export function sealSecret(plaintext: Buffer | string, key: Buffer, context?: string): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    VERSION,
    iv.toString('base64url'),
    tag.toString('base64url'),
    ciphertext.toString('base64url'),
  ].join('.');
}

/** Opens a sealed value; a wrong key, a wrong context or any change to the value is refused. */
export function openSecret(sealed: string, key: Buffer, context?: string): Buffer {
  assertKey(key);
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new AppError(
      'INTERNAL',
      `Sealed secret in an unknown format (expected ${VERSION}.<iv>.<tag>.<data>).`,
    );
  }
  const [, ivText = '', tagText = '', dataText = ''] = parts;
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  const data = Buffer.from(dataText, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES || data.toString('base64url') !== dataText) {
    throw new AppError('INTERNAL', 'Sealed secret is malformed.');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    if (context !== undefined) decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch (cause) {
    throw new AppError('INTERNAL', 'Sealed secret cannot be opened: wrong key or altered data.', { cause });
  }
}

function assertKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    throw new AppError('INTERNAL', 'The encryption key must be a 32-byte Buffer (see parseEncryptionKey).');
  }
}
