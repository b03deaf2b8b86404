import { parseOutboundAllow } from '@rayon/connectors/outbound';
import { isAppError, parseCidrCsv } from '@rayon/domain';
import { z } from 'zod';

const schema = z
  .object({
    RAYON_DATABASE_URL: z.url({ message: 'RAYON_DATABASE_URL must be a postgres:// URL' }),
    RAYON_REDIS_URL: z.url({ message: 'RAYON_REDIS_URL must be a redis:// URL' }),
    RAYON_API_PORT: z.coerce.number().int().min(1).max(65535).default(4301),
    RAYON_API_HOST: z.string().default('127.0.0.1'),
    RAYON_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    RAYON_DB_POOL: z.coerce.number().int().min(1).max(200).default(10),
    /** SMTP relay for invitations and password resets (smtp:// or smtps://, credentials in the URL). */
    RAYON_SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/\S+$/, 'RAYON_SMTP_URL must be an smtp:// or smtps:// URL')
      .optional(),
    RAYON_MAIL_FROM: z.string().default('Rayon <no-reply@rayon.local>'),
    /** Comma-separated CIDRs of the reverse proxies (the portal) whose X-Forwarded-For is believed. */
    RAYON_TRUSTED_PROXIES: z
      .string()
      .default('127.0.0.1/32,::1/128')
      .transform((v, ctx) => {
        try {
          return parseCidrCsv(v, 'RAYON_TRUSTED_PROXIES');
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: isAppError(e) ? `${e.field}: ${e.message}` : String(e) });
          return z.NEVER;
        }
      }),
    /** Public URL of the portal, used to build invitation links. */
    RAYON_PORTAL_URL: z.url().default('http://127.0.0.1:4300'),
    /** 32 random bytes, base64: seals the practices' private keys at rest. Keep it secret and backed up. */
    RAYON_SECRETS_KEY: z
      .string()
      .min(40, 'RAYON_SECRETS_KEY must be 32 random bytes in base64 (openssl rand -base64 32)'),
    /**
     * Pro Santé Connect: the issuer (bac à sable
     * https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet, production
     * https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet); unset: PSC sign-in is not offered.
     * Registered with PSC: redirect <portal>/connexion/psc/retour, post-logout
     * <portal>/connexion?deconnexion=psc, back-channel logout <api>/auth/psc/backchannel-logout.
     */
    RAYON_PSC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
    RAYON_PSC_CLIENT_ID: z.string().min(1).optional(),
    /** client_secret_basic (default), private_key_jwt or tls_client_auth (mutual TLS, RFC 8705). */
    RAYON_PSC_CLIENT_AUTH: z
      .enum(['client_secret_basic', 'private_key_jwt', 'tls_client_auth'])
      .default('client_secret_basic'),
    RAYON_PSC_CLIENT_SECRET: z.string().min(1).optional(),
    /** PEM private key: signs the client assertion (private_key_jwt) or is the TLS client key. */
    RAYON_PSC_CLIENT_KEY_FILE: z.string().min(1).optional(),
    /** The key's `kid` registered with PSC (private_key_jwt). */
    RAYON_PSC_CLIENT_KEY_ID: z.string().min(1).optional(),
    /** PEM client certificate (tls_client_auth). */
    RAYON_PSC_CLIENT_CERT_FILE: z.string().min(1).optional(),
    /** PEM of the CA(s) of PSC's TLS certificate, when not a public CA (a local simulator). */
    RAYON_PSC_CA_FILE: z.string().min(1).optional(),
    /** Tolerance on the tokens' time claims, seconds (bounded: 0 to 120). */
    RAYON_PSC_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(120).default(30),
    /** Registered with `userinfo_signed_response_alg` (e.g. RS256): userinfo comes as a signed JWT. */
    RAYON_PSC_USERINFO_SIGNED_ALG: z.enum(['RS256', 'PS256', 'ES256']).optional(),
    /** INSi endpoint (mutual TLS with the practice's certificate); unset: INSi calls are refused. */
    RAYON_INSI_URL: z.url().optional(),
    /** PEM file of the CA(s) that issued the INSi server certificate. */
    RAYON_INSI_CA_FILE: z.string().optional(),
    /** The software's CNDA authorisation number (IDAM) and this installation's id, for the LPS context. */
    RAYON_LPS_IDAM: z.string().default('RAYON-DEV'),
    RAYON_LPS_INSTANCE: z.uuid().default('00000000-0000-4000-8000-000000000000'),
    /**
     * HL7: the range dedicated ports are assigned from ("from-to"), by the platform administrator
     * only; it may not hold a service port below. The gateway's ports are read here too, so the
     * API refuses them by name.
     */
    RAYON_HL7_PORT_RANGE: z
      .string()
      .regex(/^\d{4,5}-\d{4,5}$/, 'RAYON_HL7_PORT_RANGE must be "from-to", e.g. 4320-4339')
      .default('4320-4339')
      .transform((v) => {
        const [from, to] = v.split('-').map(Number) as [number, number];
        return { from, to };
      })
      .refine((r) => r.from >= 1024 && r.to <= 65535 && r.from <= r.to, {
        message: 'RAYON_HL7_PORT_RANGE must be within 1024-65535, the first port not above the last',
      }),
    /** The gateway's shared HL7 port (plain MLLP), its shared MLLP-over-TLS port (0 = none), its DICOM port. */
    RAYON_HL7_PORT: z.coerce.number().int().min(0).max(65535).default(4310),
    RAYON_HL7_TLS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    RAYON_DICOM_PORT: z.coerce.number().int().min(0).max(65535).default(11112),
    /** The largest HL7 message a route may accept (bytes): the ceiling of a route's own limit. */
    RAYON_HL7_MAX_MESSAGE_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(10 * 1024 * 1024),
    /**
     * Internal ranges (comma-separated CIDRs) a practice's destinations (its PFI) may still be
     * saved with: loopback, private, link-local and metadata addresses are refused otherwise.
     */
    RAYON_OUTBOUND_ALLOW: z
      .string()
      .optional()
      .transform((v, ctx) => {
        try {
          return parseOutboundAllow(v);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: isAppError(e) ? `${e.field}: ${e.message}` : String(e) });
          return z.NEVER;
        }
      }),
  })
  .superRefine((env, ctx) => {
    if (env.RAYON_PSC_ISSUER) {
      const need = (name: keyof typeof env, why: string) => {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: `${name} is required ${why}` });
      };
      need('RAYON_PSC_CLIENT_ID', 'with RAYON_PSC_ISSUER');
      if (env.RAYON_PSC_CLIENT_AUTH === 'client_secret_basic')
        need('RAYON_PSC_CLIENT_SECRET', 'for client_secret_basic');
      if (env.RAYON_PSC_CLIENT_AUTH !== 'client_secret_basic')
        need('RAYON_PSC_CLIENT_KEY_FILE', `for ${env.RAYON_PSC_CLIENT_AUTH}`);
      if (env.RAYON_PSC_CLIENT_AUTH === 'tls_client_auth')
        need('RAYON_PSC_CLIENT_CERT_FILE', 'for tls_client_auth');
    }
    const { from, to } = env.RAYON_HL7_PORT_RANGE;
    for (const name of [
      'RAYON_API_PORT',
      'RAYON_HL7_PORT',
      'RAYON_HL7_TLS_PORT',
      'RAYON_DICOM_PORT',
    ] as const) {
      const port = env[name];
      if (port >= from && port <= to) {
        ctx.addIssue({
          code: 'custom',
          path: ['RAYON_HL7_PORT_RANGE'],
          message: `RAYON_HL7_PORT_RANGE ${from}-${to} holds ${name} (${port}): choose a range without service ports`,
        });
      }
    }
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
