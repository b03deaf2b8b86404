import { z } from 'zod';

const schema = z
  .object({
    RAYON_DATABASE_URL: z.url({ message: 'RAYON_DATABASE_URL must be a postgres:// URL' }),
    RAYON_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Address the listeners bind to. */
    RAYON_GATEWAY_HOST: z.string().default('127.0.0.1'),
    /** Open connections accepted at once from one source address, per listener kind (HL7, DICOM). */
    RAYON_GATEWAY_MAX_CONNECTIONS_PER_SOURCE: z.coerce.number().int().min(1).default(16),
    /** The shared HL7 MLLP port, routed by MSH-5 / MSH-6 (0 = no shared port). */
    RAYON_HL7_PORT: z.coerce.number().int().min(0).max(65535).default(4310),
    /** The DICOM port (Modality Worklist C-FIND, C-ECHO, MPPS), routed by called AE title (0 = none). */
    RAYON_DICOM_PORT: z.coerce.number().int().min(0).max(65535).default(11112),
    /**
     * The DICOM TLS port (0 = none): the only door of a modality that registered client
     * certificates. Needs the two files below.
     */
    RAYON_DICOM_TLS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    /** PEM files of the DICOM TLS port's server certificate (with its chain) and private key. */
    RAYON_DICOM_TLS_CERT_FILE: z.string().optional(),
    RAYON_DICOM_TLS_KEY_FILE: z.string().optional(),
    /** A DICOM connection idle this long is closed. */
    RAYON_DICOM_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
    /**
     * The shared MLLP-over-TLS port, routed by MSH-5 / MSH-6 like the shared port (0 = none); the
     * only door of a route that requires a client certificate. Needs the two files below.
     */
    RAYON_HL7_TLS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    /** PEM files of the TLS port's server certificate (with its chain) and private key. */
    RAYON_HL7_TLS_CERT_FILE: z.string().optional(),
    RAYON_HL7_TLS_KEY_FILE: z.string().optional(),
    /**
     * The platform's ceiling for an HL7 message (bytes): a frame above is dropped unread and
     * refused. Each route has its own limit under it (1 MiB unless its practice sets another).
     */
    RAYON_HL7_MAX_MESSAGE_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(10 * 1024 * 1024),
    /** An HL7 connection idle this long is closed. */
    RAYON_HL7_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
  })
  .superRefine((env, ctx) => {
    if (env.RAYON_DICOM_TLS_PORT > 0 && !(env.RAYON_DICOM_TLS_CERT_FILE && env.RAYON_DICOM_TLS_KEY_FILE)) {
      ctx.addIssue({
        code: 'custom',
        path: ['RAYON_DICOM_TLS_PORT'],
        message: 'RAYON_DICOM_TLS_PORT needs RAYON_DICOM_TLS_CERT_FILE and RAYON_DICOM_TLS_KEY_FILE (PEM)',
      });
    }
    if (env.RAYON_HL7_TLS_PORT > 0 && !(env.RAYON_HL7_TLS_CERT_FILE && env.RAYON_HL7_TLS_KEY_FILE)) {
      ctx.addIssue({
        code: 'custom',
        path: ['RAYON_HL7_TLS_PORT'],
        message: 'RAYON_HL7_TLS_PORT needs RAYON_HL7_TLS_CERT_FILE and RAYON_HL7_TLS_KEY_FILE (PEM)',
      });
    }
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
