import { z } from 'zod';

const schema = z.object({
  RAYON_DATABASE_URL: z.url({ message: 'RAYON_DATABASE_URL must be a postgres:// URL' }),
  RAYON_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Address the listeners bind to. */
  RAYON_GATEWAY_HOST: z.string().default('127.0.0.1'),
  /** The shared HL7 MLLP port, routed by MSH-5 / MSH-6 (0 = no shared port). */
  RAYON_HL7_PORT: z.coerce.number().int().min(0).max(65535).default(4310),
  /** The DICOM port (Modality Worklist C-FIND, C-ECHO, MPPS), routed by called AE title (0 = none). */
  RAYON_DICOM_PORT: z.coerce.number().int().min(0).max(65535).default(11112),
  /** Largest HL7 message accepted (bytes). */
  RAYON_HL7_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  /** A connection idle this long is closed. */
  RAYON_HL7_IDLE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(5 * 60 * 1000),
});

export type Env = z.infer<typeof schema>;

/** The gateway's configuration, validated once at boot: the only reader of process.env here. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
