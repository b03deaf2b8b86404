import { isAppError, parseCidrCsv } from '@rayon/domain';
import { z } from 'zod';

/**
 * The portal's configuration, validated with zod. This is the only module that reads
 * `process.env`. Validation is lazy (first use, or `assertEnv()` at server boot from
 * instrumentation.ts) so that `next build` needs no runtime secrets.
 */
const booleanString = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z.object({
  /** Base URL of apps/api, e.g. http://127.0.0.1:4301 (the portal calls `${RAYON_API_URL}/trpc`). */
  RAYON_API_URL: z.url().transform((u) => u.replace(/\/+$/, '')),
  /** Encrypts the Auth.js session cookie (a JWE holding the API session token). */
  AUTH_SECRET: z.string().min(32, 'AUTH_SECRET must be at least 32 characters'),
  /** Public URL of the portal; when unset, the request's host is used. */
  AUTH_URL: z.url().optional(),
  /** Trust the Host / X-Forwarded-Host headers (behind a reverse proxy, or self-hosted). */
  AUTH_TRUST_HOST: booleanString.default(true),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** The portal's listener (server.ts): its port, and its address (unset: every interface). */
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  RAYON_PORTAL_HOST: z.string().min(1).optional(),
  /**
   * DMP web-PS contextual access (TD0.9): the URL the patient screen's « DMP » form posts to, in
   * the professional's browser (the quick start points it at the DMP simulator's /web-ps). Unset:
   * the DMP section is not shown. The URL is Rayon's hypothesis pending GI DMP §TD0.9.
   */
  RAYON_DMP_WEBPS_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Comma-separated CIDRs of the reverse proxies in front of the portal, whose X-Forwarded-For
   * entries are skipped to find the client (see server/request.ts). Empty: no proxy.
   */
  RAYON_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v, ctx) => {
      try {
        return parseCidrCsv(v, 'RAYON_TRUSTED_PROXIES');
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: isAppError(e) ? `${e.field}: ${e.message}` : String(e) });
        return z.NEVER;
      }
    }),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse({
    RAYON_API_URL: process.env.RAYON_API_URL,
    AUTH_SECRET: process.env.AUTH_SECRET,
    AUTH_URL: process.env.AUTH_URL || undefined,
    AUTH_TRUST_HOST: process.env.AUTH_TRUST_HOST || undefined,
    NODE_ENV: process.env.NODE_ENV,
    PORT: process.env.PORT || undefined,
    RAYON_PORTAL_HOST: process.env.RAYON_PORTAL_HOST || undefined,
    RAYON_DMP_WEBPS_URL: process.env.RAYON_DMP_WEBPS_URL || undefined,
    RAYON_TRUSTED_PROXIES: process.env.RAYON_TRUSTED_PROXIES || undefined,
  });
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid portal environment: ${detail}`);
  }
  cached = parsed.data;
  return cached;
}

/** True while `next build` runs (no runtime configuration is available then). */
export function isBuildPhase(): boolean {
  return process.env.NEXT_PHASE === 'phase-production-build';
}

/** Fails fast at server boot when the configuration is wrong. */
export function assertEnv(): void {
  if (!isBuildPhase()) getEnv();
}
