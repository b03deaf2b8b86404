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

const schema = z.object({
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
