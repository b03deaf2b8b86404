import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { cookies } from 'next/headers';
import { getEnv } from '../env.ts';
import type { AppRouter } from '@rayon/api';

export type { AppRouter };

export interface ApiClientOptions {
  /** The API session token (kept inside the encrypted Auth.js cookie). */
  sessionToken?: string | undefined;
  /** Slug of the practice for tenant-scoped procedures (`x-rayon-tenant`). */
  tenantSlug?: string | undefined;
  /** Address of the person using the portal, forwarded for rate limiting and audit. */
  clientIp?: string | undefined;
  /** The browser's User-Agent, forwarded so that sessions and the sign-in journal name it. */
  userAgent?: string | undefined;
}

/**
 * A tRPC client for apps/api, used on the server only (server components, server actions,
 * Auth.js `authorize`). Plain JSON: dates arrive as ISO strings.
 */
export function createApiClient(options: ApiClientOptions = {}) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${getEnv().RAYON_API_URL}/trpc`,
        async headers() {
          const headers: Record<string, string> = {};
          if (await unattended()) headers['x-rayon-unattended'] = '1';
          if (options.sessionToken) headers.authorization = `Bearer ${options.sessionToken}`;
          if (options.tenantSlug) headers['x-rayon-tenant'] = options.tenantSlug;
          if (options.clientIp) headers['x-forwarded-for'] = options.clientIp;
          if (options.userAgent) headers['user-agent'] = options.userAgent.slice(0, 400);
          return headers;
        },
        // Never let Next cache an API answer: every call is per user and per request.
        fetch: (input, init) => fetch(input, { ...init, cache: 'no-store' }),
      }),
    ],
  });
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** Set by <AutoRefresh> while nobody touches the page: its refreshes are no activity. */
export const UNATTENDED_COOKIE = 'rayon-unattended';

async function unattended(): Promise<boolean> {
  try {
    return (await cookies()).get(UNATTENDED_COOKIE)?.value === '1';
  } catch {
    // Outside a request (nothing to read): an ordinary call.
    return false;
  }
}

/** What the portal needs to know about an API error. */
export interface ApiErrorInfo {
  /** tRPC code: UNAUTHORIZED, NOT_FOUND, BAD_REQUEST, TOO_MANY_REQUESTS, ... */
  code: string | undefined;
  /** Rayon's own code: BAD_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, RATE_LIMITED, ... */
  appCode: string | undefined;
  /** Dotted path of the offending input field, when the error is about one field. */
  field: string | null;
  /** The refusal's stable reason key and its parameters (lib/api-messages.ts translates them). */
  reason: string | null;
  params: Record<string, unknown> | null;
  /** Other facts about the refusal, when the API gave them (e.g. the password policy's). */
  details: Record<string, unknown> | null;
  message: string;
}

const objectOrNull = (v: unknown) =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;

export function apiErrorInfo(error: unknown): ApiErrorInfo | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    code: str(record.code),
    appCode: str(record.appCode),
    field: str(record.field) ?? null,
    reason: str(record.reason) ?? null,
    params: objectOrNull(record.params),
    details: objectOrNull(record.details),
    message: error.message,
  };
}

export function isApiError(error: unknown, code: string): boolean {
  return apiErrorInfo(error)?.code === code;
}
