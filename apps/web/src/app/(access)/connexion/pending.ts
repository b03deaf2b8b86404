import { cookies } from 'next/headers';
import { z } from 'zod';
import { getEnv } from '../../../env.ts';

/**
 * Between the password and the second factor: the API's pending token (good for the code step
 * only, 5 minutes), in an httpOnly cookie limited to /connexion, with where to go afterwards.
 */
const PENDING_COOKIE = 'rayon-signin-pending';
/** The recovery codes, from the enrolment to the page that shows them once (then deleted). */
const CODES_COOKIE = 'rayon-recovery-codes';
const CODES_PATH = '/connexion/codes-de-secours';

const pendingSchema = z.object({
  token: z.string().min(1).max(200),
  step: z.enum(['totp', 'enrol']),
  email: z.string().max(320),
  suite: z.string().max(500).nullable(),
});
export type PendingSignIn = z.infer<typeof pendingSchema>;

const secure = () => (getEnv().AUTH_URL ?? '').startsWith('https:');

export async function setPendingSignIn(p: PendingSignIn, maxAgeSeconds = 5 * 60): Promise<void> {
  (await cookies()).set(PENDING_COOKIE, JSON.stringify(p), {
    httpOnly: true,
    sameSite: 'strict',
    secure: secure(),
    path: '/connexion',
    maxAge: maxAgeSeconds,
  });
}

export async function pendingSignIn(): Promise<PendingSignIn | undefined> {
  const raw = (await cookies()).get(PENDING_COOKIE)?.value;
  if (!raw) return undefined;
  try {
    const parsed = pendingSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function clearPendingSignIn(): Promise<void> {
  (await cookies()).set(PENDING_COOKIE, '', { path: '/connexion', maxAge: 0 });
}

export async function setRecoveryCodes(codes: string[], suite: string | null): Promise<void> {
  (await cookies()).set(CODES_COOKIE, JSON.stringify({ codes, suite }), {
    httpOnly: true,
    sameSite: 'strict',
    secure: secure(),
    path: CODES_PATH,
    maxAge: 10 * 60,
  });
}

export async function recoveryCodesToShow(): Promise<{ codes: string[]; suite: string | null } | undefined> {
  const raw = (await cookies()).get(CODES_COOKIE)?.value;
  if (!raw) return undefined;
  try {
    const v = z
      .object({ codes: z.array(z.string().max(40)).max(20), suite: z.string().max(500).nullable() })
      .safeParse(JSON.parse(raw));
    return v.success ? v.data : undefined;
  } catch {
    return undefined;
  }
}

export async function clearRecoveryCodes(): Promise<void> {
  (await cookies()).set(CODES_COOKIE, '', { path: CODES_PATH, maxAge: 0 });
}
