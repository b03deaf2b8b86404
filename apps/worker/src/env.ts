import { parseOutboundAllow } from '@rayon/connectors/outbound';
import { isAppError } from '@rayon/domain';
import { z } from 'zod';

/** `RAYON_OUTBOUND_ALLOW` parsed; an entry that is not a CIDR stops the boot naming it. */
const outboundAllow = z
  .string()
  .optional()
  .transform((v, ctx) => {
    try {
      return parseOutboundAllow(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: isAppError(e) ? `${e.field}: ${e.message}` : String(e) });
      return z.NEVER;
    }
  });

const schema = z
  .object({
    RAYON_DATABASE_URL: z.url({ message: 'RAYON_DATABASE_URL must be a postgres:// URL' }),
    RAYON_REDIS_URL: z.url({ message: 'RAYON_REDIS_URL must be a redis:// URL' }),
    RAYON_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    RAYON_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    /** How often the maintenance job runs (reminders, lost work), and after how long work counts as lost. */
    RAYON_MAINTENANCE_INTERVAL_S: z.coerce.number().int().min(1).default(900),
    RAYON_LOST_JOB_AFTER_S: z.coerce.number().int().min(1).default(600),
    /** Prefix of the BullMQ keys (hash-tagged, so a Redis Cluster keeps a queue on one slot). */
    RAYON_QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:{}_-]+$/)
      .default('{rayon}'),
    /** Same values as the API's: the key sealing private keys, and where INSi is. */
    RAYON_SECRETS_KEY: z
      .string()
      .min(40, 'RAYON_SECRETS_KEY must be 32 random bytes in base64 (openssl rand -base64 32)'),
    RAYON_INSI_URL: z.url().optional(),
    RAYON_INSI_CA_FILE: z.string().optional(),
    RAYON_LPS_IDAM: z.string().default('RAYON-DEV'),
    RAYON_LPS_INSTANCE: z.uuid().default('00000000-0000-4000-8000-000000000000'),
    /** The DMP services (base URL) and the CAs of its server; unset: no DMP on this deployment. */
    RAYON_DMP_URL: z.url().optional(),
    RAYON_DMP_CA_FILE: z.string().optional(),
    RAYON_DMP_HOMOLOGATION: z.string().default('RAYON-TEST'),
    /** The MSSanté operator's SMTP server and its CAs; unset: no MSSanté on this deployment. */
    RAYON_MSSANTE_HOST: z.string().optional(),
    RAYON_MSSANTE_PORT: z.coerce.number().int().min(1).max(65535).default(587),
    RAYON_MSSANTE_SECURITY: z.enum(['starttls', 'tls']).default('starttls'),
    RAYON_MSSANTE_CA_FILE: z.string().optional(),
    /** The operator's IMAP port (same host): DSN/MDN are read from the applicative mailbox. */
    RAYON_MSSANTE_IMAP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    /** X-MSS-NIL: the product's Ségur reference number. */
    RAYON_MSSANTE_NIL: z.string().default('RAYON-TEST'),
    /**
     * Internal ranges (comma-separated CIDRs) a practice's destinations (its PFI) may still reach:
     * loopback, private, link-local and metadata addresses are refused unless listed here.
     */
    RAYON_OUTBOUND_ALLOW: outboundAllow,
    /**
     * Sends that fail in a way a retry can fix (the national service down): retried with a backoff
     * doubling from 2 s up to this cap, for this long after the destination became unavailable,
     * then failed for a person.
     */
    RAYON_DELIVERY_RETRY_CAP_S: z.coerce.number().int().min(1).max(86_400).default(900),
    RAYON_DELIVERY_GIVE_UP_AFTER_S: z.coerce
      .number()
      .int()
      .min(1)
      .default(72 * 3600),
    /** How long a worker's claim on a send lasts: longer than its longest call (DMP: 3 × 30 s). */
    RAYON_DELIVERY_LEASE_S: z.coerce.number().int().min(5).max(3600).default(300),
  })
  .refine((e) => e.RAYON_DELIVERY_GIVE_UP_AFTER_S >= e.RAYON_DELIVERY_RETRY_CAP_S, {
    path: ['RAYON_DELIVERY_GIVE_UP_AFTER_S'],
    message: 'RAYON_DELIVERY_GIVE_UP_AFTER_S must be at least RAYON_DELIVERY_RETRY_CAP_S',
  });

export type Env = z.infer<typeof schema>;

/** The worker's configuration, validated once at boot: the only reader of process.env here. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The retry policy of the sends and the lease of a claim, from the validated configuration. */
export function deliveryOptions(env: Env) {
  return {
    policy: {
      baseMs: Math.min(2_000, env.RAYON_DELIVERY_RETRY_CAP_S * 1000),
      capMs: env.RAYON_DELIVERY_RETRY_CAP_S * 1000,
      horizonMs: env.RAYON_DELIVERY_GIVE_UP_AFTER_S * 1000,
    },
    leaseMs: env.RAYON_DELIVERY_LEASE_S * 1000,
  };
}
