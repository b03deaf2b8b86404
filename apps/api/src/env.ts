import { z } from 'zod';

const schema = z.object({
  RAYON_DATABASE_URL: z.url({ message: 'RAYON_DATABASE_URL must be a postgres:// URL' }),
  RAYON_REDIS_URL: z.url({ message: 'RAYON_REDIS_URL must be a redis:// URL' }),
  RAYON_API_PORT: z.coerce.number().int().min(1).max(65535).default(4301),
  RAYON_API_HOST: z.string().default('127.0.0.1'),
  RAYON_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RAYON_DB_POOL: z.coerce.number().int().min(1).max(200).default(10),
  /** Public URL of the portal, used to build invitation links. */
  RAYON_PORTAL_URL: z.url().default('http://127.0.0.1:4300'),
  /** 32 random bytes, base64: seals the practices' private keys at rest. Keep it secret and backed up. */
  RAYON_SECRETS_KEY: z
    .string()
    .min(40, 'RAYON_SECRETS_KEY must be 32 random bytes in base64 (openssl rand -base64 32)'),
  /** INSi endpoint (mutual TLS with the practice's certificate); unset: INSi calls are refused. */
  RAYON_INSI_URL: z.url().optional(),
  /** PEM file of the CA(s) that issued the INSi server certificate. */
  RAYON_INSI_CA_FILE: z.string().optional(),
  /** The software's CNDA authorisation number (IDAM) and this installation's id, for the LPS context. */
  RAYON_LPS_IDAM: z.string().default('RAYON-DEV'),
  RAYON_LPS_INSTANCE: z.uuid().default('00000000-0000-4000-8000-000000000000'),
});

export type Env = z.infer<typeof schema>;

/** The API's configuration, validated once at boot: the only reader of process.env in this app. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
