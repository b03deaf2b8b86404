import type { Session } from 'next-auth';
import { notFound, redirect } from 'next/navigation';
import { auth } from '../auth.ts';
import { apiErrorInfo, createApiClient, type ApiClient } from './api.ts';

export const SIGN_IN_PATH = '/connexion';

/** The Auth.js session, or a redirect to the sign-in page. */
export async function requireSession(): Promise<Session> {
  const session = await auth();
  if (!session?.apiSessionToken || !session.portalUser) redirect(SIGN_IN_PATH);
  return session;
}

/** The session of a platform administrator; anyone else goes back to their home. */
export async function requirePlatformAdmin(): Promise<Session> {
  const session = await requireSession();
  if (!session.portalUser.isPlatformAdmin) redirect('/');
  return session;
}

/** A tRPC client acting as the signed-in user, optionally inside one practice. */
export async function apiForSession(options: { tenantSlug?: string } = {}): Promise<ApiClient> {
  const session = await requireSession();
  return createApiClient({ sessionToken: session.apiSessionToken, tenantSlug: options.tenantSlug });
}

/**
 * Turns the API errors every page treats alike into navigation: an expired or revoked session
 * goes to the sign-in page, an unknown or forbidden resource is a 404 (we do not confirm that a
 * practice we will not show exists). Anything else is rethrown.
 */
export function handleApiError(error: unknown): never {
  const info = apiErrorInfo(error);
  if (info?.code === 'UNAUTHORIZED') redirect(`${SIGN_IN_PATH}?session=expiree`);
  if (info?.code === 'NOT_FOUND' || info?.code === 'FORBIDDEN') notFound();
  throw error;
}

/** Runs one API call for a page, mapping UNAUTHORIZED / NOT_FOUND / FORBIDDEN to navigation. */
export async function load<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    handleApiError(error);
  }
}
