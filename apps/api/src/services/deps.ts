import type { Mailer } from '@rayon/connectors/mail';
import type { OutboundPolicy } from '@rayon/connectors/outbound';
import type { PscClient } from '@rayon/connectors/psc';
import type { Database } from '@rayon/db';
import type { InsiSettings } from '@rayon/identity';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { Hl7Platform } from '@rayon/onboarding';

export interface Deps {
  db: Database;
  redis: Redis;
  logger: Logger;
  portalUrl: string;
  /** Key sealing private keys at rest (32 bytes). */
  secretsKey: Buffer;
  /** Unset: INSi is not configured on this deployment. */
  insi?: InsiSettings | undefined;
  /** HL7 port range, service ports and size ceiling; unset: the env defaults (DEFAULT_HL7_PLATFORM). */
  hl7Platform?: Hl7Platform | undefined;
  /** Where practices' own destinations (the PFI) may be (RAYON_OUTBOUND_ALLOW); unset: nothing internal. */
  outbound?: OutboundPolicy | undefined;
  /** The SMTP relay for invitations and password resets (RAYON_SMTP_URL); unset: no e-mail. */
  mailer?: Mailer | undefined;
  /**
   * Proxies (CIDRs, RAYON_TRUSTED_PROXIES) whose X-Forwarded-For is believed; from any other
   * peer the client address is the peer's own.
   */
  trustedProxies?: string[] | undefined;
  /** Pro Santé Connect (RAYON_PSC_ISSUER…); unset: PSC sign-in is not offered. */
  psc?: PscClient | undefined;
}
