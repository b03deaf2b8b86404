/**
 * The second factor: TOTP (RFC 6238) as authenticator apps speak it — HMAC-SHA-1, 30-second
 * steps, 6 digits — on otplib. A code is accepted one step either side of now (clock drift),
 * and only for a step after the last one the account used (a code is never taken twice).
 */
import { createHash, randomBytes } from 'node:crypto';
import { openSecret, sealSecret } from '@rayon/connectors/certificates';
import { generate, generateSecret, generateURI, verify } from 'otplib';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
const ISSUER = 'Rayon';
/** ±1 step. */
const TOLERANCE_SECONDS = TOTP_PERIOD_SECONDS;

/** A new secret: 20 random bytes (160 bits, RFC 4226 §4), base32. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secretBase32: string, account: string): string {
  return generateURI({
    issuer: ISSUER,
    label: account,
    secret: secretBase32,
    algorithm: 'sha1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });
}

/** The time step a moment falls in. */
export const totpStep = (atMs: number) => Math.floor(atMs / 1000 / TOTP_PERIOD_SECONDS);

/** The code of a step (tests and the demo's documentation compute codes with it). */
export function totpCode(secretBase32: string, step: number): Promise<string> {
  return generate({
    secret: secretBase32,
    algorithm: 'sha1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    epoch: step * TOTP_PERIOD_SECONDS,
  });
}

/**
 * Checks a code: the step it belongs to, or undefined when it is wrong, out of the window, or of
 * a step not after `afterStep` (already used).
 */
export async function checkTotp(
  secretBase32: string,
  code: string,
  o: { afterStep?: number | undefined; nowMs?: number } = {},
): Promise<number | undefined> {
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code)) return undefined;
  const result = await verify({
    secret: secretBase32,
    token: code,
    algorithm: 'sha1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    epoch: Math.floor((o.nowMs ?? Date.now()) / 1000),
    epochTolerance: TOLERANCE_SECONDS,
    ...(o.afterStep !== undefined ? { afterTimeStep: o.afterStep } : {}),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

/** Sealed with the platform secrets key, bound to the account (a copied value opens for no other). */
export const sealTotpSecret = (secretBase32: string, key: Buffer, userId: string) =>
  sealSecret(secretBase32, key, `totp:${userId}`);
export const openTotpSecret = (sealed: string, key: Buffer, userId: string) =>
  openSecret(sealed, key, `totp:${userId}`).toString('utf8');

export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz023456789'; // 32: no bias from the modulo

/** Ten one-time codes like `k7m2-p9xq-4tzn` (about 70 bits each), shown once. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(12);
    const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]!).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
  });
}

/** What a typed recovery code is compared as: lower case, no spaces nor dashes. */
export function recoveryCodeHash(input: string): string {
  const normal = input.toLowerCase().replace(/[\s-]/g, '');
  return createHash('sha256').update(normal).digest('hex');
}

/** A code that looks like a recovery code rather than a TOTP code. */
export const looksLikeRecoveryCode = (input: string) =>
  /^[a-z0-9]{4}-?[a-z0-9]{4}-?[a-z0-9]{4}$/i.test(input.replace(/\s/g, ''));
