import type { Mailer } from '@rayon/connectors/mail';
import type { PscClient } from '@rayon/connectors/psc';
import type { Database } from '@rayon/db';
import type { Redis } from 'ioredis';

/** Where the access use cases log (pino's shape); ids only, never a password, a code or a token. */
export interface AccessLogger {
  warn(objOrMessage: object | string, message?: string): void;
  error(obj: object, message?: string): void;
}

/** What the access use cases are given, once, by the process that composes them. */
export interface AccessDeps {
  db: Database;
  /** Throttles, rate limits, TOTP steps used and PSC logout tokens seen, shared by every replica. */
  redis: Redis;
  logger: AccessLogger;
  /** The portal's address, for the links mailed (invitations, password resets). */
  portalUrl: string;
  /** Key sealing TOTP secrets and PSC tokens at rest (32 bytes). */
  secretsKey: Buffer;
  /** The SMTP relay for invitations and password resets; unset: no e-mail. */
  mailer?: Mailer | undefined;
  /** Pro Santé Connect; unset: PSC sign-in is not offered. */
  psc?: PscClient | undefined;
}
