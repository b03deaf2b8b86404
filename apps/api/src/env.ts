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
