import type { Mailer } from '@rayon/connectors/mail';
import type { OutboundPolicy } from '@rayon/connectors/outbound';
import type { PscClient } from '@rayon/connectors/psc';
import { audit as auditAs, type Actor, type ControlTx, type Database } from '@rayon/db';
import type { InsiSettings } from '@rayon/identity';
import type { Redis } from 'ioredis';
import { platformContext, useCaseContext } from '../context.ts';
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

/**
 * The API's own (access) services read the request's context at the edge through these; the
 * areas' use cases are handed it explicitly (apps/api/src/context.ts).
 */
export { currentContext } from '../context.ts';

/** Who is acting, for the audit trail. */
export const currentActor = (): Actor => platformContext().actor;

/** The practice the request was authenticated for (BAD_INPUT naming x-rayon-tenant if none). */
export const requireTenant = () => useCaseContext().tenant;

/**
 * An audit event of the request's actor, in the same transaction as the change it records. On a
 * platform transaction, `tenantId` names the practice concerned (a tenant transaction names its own).
 */
export const audit = (
  tx: ControlTx,
  action: string,
  target: string,
  details?: Record<string, unknown>,
  tenantId?: string,
) => auditAs(platformContext(), tx, action, target, details, tenantId);
