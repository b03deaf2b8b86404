import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import {
  decodeFlowCookie,
  encodeFlowCookie,
  PSC_FLOW_COOKIE,
  PSC_FLOW_MAX_AGE_S,
  PSC_START_PATH,
  PSC_UNLINKED_COOKIE,
  PSC_UNLINKED_PATH,
  pscReasonParam,
  type PscFlowCookie,
  type PscPurpose,
} from '../lib/psc.ts';
import { apiErrorInfo, createApiClient } from './api.ts';
import { portalOrigin, signInClient } from './request.ts';
import { SIGN_IN_PATH } from './session.ts';

/** Whether this deployment offers Pro Santé Connect (`auth.psc`); a failing API means no. */
export async function pscEnabled(): Promise<boolean> {
  try {
    return (await createApiClient().auth.psc.query()).enabled;
  } catch {
    return false;
  }
}

/** Cookies marked Secure when the portal is served over TLS (AUTH_URL or X-Forwarded-Proto). */
async function secure(): Promise<boolean> {
  return (await portalOrigin()).startsWith('https:');
}

/** A flow refused by the API at its start: the `?psc=` reason to show. */
export class PscBeginRefused extends Error {
  constructor(readonly reason: string) {
    super(`psc flow refused: ${reason}`);
  }
}

/**
 * Starts a PSC flow (`auth.pscBegin`) and keeps its flow token in an httpOnly cookie limited to
 * /connexion/psc (the callback reads it): SameSite=Lax, since the callback is a top-level
 * navigation coming from PSC's site, which a Strict cookie would not follow. 10 minutes.
 * Returns PSC's authorization URL, where the browser goes next.
 */
export async function beginPscFlow(input: {
  purpose: PscPurpose;
  invitationToken?: string;
  returnTo?: string | null;
  cguAccepted?: boolean;
  /** The signed-in session (required to link an e-CPS to one's account)… */
  sessionToken?: string;
  /** …or the pending token of a password refused because the practice requires PSC. */
  linkToken?: string;
  /** Where a refusal at the callback is shown. */
  back: string;
}): Promise<string> {
  let flow;
  try {
    flow = await createApiClient({
      sessionToken: input.sessionToken,
      ...(await signInClient()),
    }).auth.pscBegin.mutate({
      purpose: input.purpose,
      ...(input.invitationToken ? { invitationToken: input.invitationToken } : {}),
      ...(input.linkToken ? { linkToken: input.linkToken } : {}),
      ...(input.returnTo ? { returnTo: input.returnTo } : {}),
      ...(input.cguAccepted ? { cguAccepted: true } : {}),
    });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (!info) throw error;
    if (info.code === 'NOT_FOUND' && info.field === 'token') throw new PscBeginRefused('invitation_invalid');
    if (info.field === 'cguAccepted') throw new PscBeginRefused('cgu_required');
    const reason = pscReasonParam(info.reason);
    // Linking needs the session: gone meanwhile, sign in again.
    if (info.code === 'UNAUTHORIZED' && reason === 'failed') redirect(`${SIGN_IN_PATH}?session=expiree`);
    if (reason === 'failed') console.error('[psc] flow refused at its start', info.code, info.reason);
    throw new PscBeginRefused(reason === 'failed' ? 'unavailable' : reason);
  }
  const cookie: PscFlowCookie = { flowToken: flow.flowToken, purpose: input.purpose, back: input.back };
  (await cookies()).set(PSC_FLOW_COOKIE, encodeFlowCookie(cookie), {
    httpOnly: true,
    sameSite: 'lax',
    secure: await secure(),
    path: PSC_START_PATH,
    maxAge: PSC_FLOW_MAX_AGE_S,
  });
  return flow.authorizationUrl;
}

/** The flow of this browser, read once: the cookie is deleted whatever comes next. */
export async function takePscFlow(): Promise<PscFlowCookie | undefined> {
  const jar = await cookies();
  const flow = decodeFlowCookie(jar.get(PSC_FLOW_COOKIE)?.value);
  jar.set(PSC_FLOW_COOKIE, '', { path: PSC_START_PATH, maxAge: 0 });
  return flow;
}

/** The name PSC gave for an e-CPS linked to no account, for the page that says what to do. */
export async function rememberUnlinkedProfessional(displayName: string): Promise<void> {
  (await cookies()).set(PSC_UNLINKED_COOKIE, displayName.slice(0, 200), {
    httpOnly: true,
    sameSite: 'lax',
    secure: await secure(),
    path: PSC_UNLINKED_PATH,
    maxAge: 5 * 60,
  });
}

export async function unlinkedProfessional(): Promise<string | undefined> {
  return (await cookies()).get(PSC_UNLINKED_COOKIE)?.value || undefined;
}

/**
 * A right password refused because a practice requires PSC, for an account not linked yet: the
 * API's pending token that allows only the link of an e-CPS (then PSC signs the professional in),
 * kept in an httpOnly cookie of /connexion for the « Lier ma e-CPS » form, 5 minutes.
 */
const LINK_COOKIE = 'rayon-psc-link';

export async function rememberLinkToken(linkToken: string, suite: string | null): Promise<void> {
  (await cookies()).set(LINK_COOKIE, JSON.stringify({ linkToken, suite }), {
    httpOnly: true,
    sameSite: 'strict',
    secure: await secure(),
    path: '/connexion',
    maxAge: 5 * 60,
  });
}

export async function takeLinkToken(): Promise<{ linkToken: string; suite: string | null } | undefined> {
  const jar = await cookies();
  const raw = jar.get(LINK_COOKIE)?.value;
  jar.set(LINK_COOKIE, '', { path: '/connexion', maxAge: 0 });
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    if (typeof v !== 'object' || v === null) return undefined;
    const { linkToken, suite } = v as Record<string, unknown>;
    if (typeof linkToken !== 'string' || !linkToken || linkToken.length > 200) return undefined;
    return { linkToken, suite: typeof suite === 'string' ? suite : null };
  } catch {
    return undefined;
  }
}
