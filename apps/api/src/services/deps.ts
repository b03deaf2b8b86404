import type { Mailer } from '@rayon/connectors/mail';
import type { OutboundPolicy } from '@rayon/connectors/outbound';
import type { PscClient } from '@rayon/connectors/psc';
import { recordAudit, type ControlTx, type Database } from '@rayon/db';
import type { InsiSettings } from '@rayon/identity';
import type { Redis } from 'ioredis';
import type { Actor } from '@rayon/db';
import { AppError } from '@rayon/domain';
import { requestContext, type RequestContext } from '../context.ts';
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

export function currentContext(): RequestContext {
  const ctx = requestContext.getStore();
  if (!ctx) throw new Error('no request context');
  return ctx;
}

/** Who is acting, for the audit trail. */
export function currentActor(): Actor {
  const ctx = requestContext.getStore();
  if (ctx?.user) return { type: 'user', id: ctx.user.id };
  if (ctx?.apiKeyId) return { type: 'api_key', id: ctx.apiKeyId };
  return { type: 'system', id: null };
}

export function requireTenant() {
  const tenant = currentContext().tenant;
  if (!tenant)
    throw new AppError('BAD_INPUT', 'this call needs a tenant (x-rayon-tenant header)', {
      field: 'x-rayon-tenant',
    });
  return tenant;
}

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
) =>
  recordAudit(tx, {
    actor: currentActor(),
    action,
    target,
    requestId: currentContext().requestId,
    ...(details ? { details } : {}),
    ...(tenantId ? { tenantId } : {}),
  });
