/** In-process API on the real test PostgreSQL and Redis (see infra/scripts/test-setup.ts). */
import { randomBytes } from 'node:crypto';
import {
  Database,
  toTenantRef,
  upsertMembership,
  upsertUser,
  upsertUserProfile,
  type TenantRef,
} from '@rayon/db';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { Redis } from 'ioredis';
import pino from 'pino';
import { inject } from 'vitest';
import { createApp } from '../src/app.ts';
import { hashPassword } from '../src/auth/secrets.ts';
import type { InsiSettings } from '@rayon/identity';
import type { AppRouter } from '../src/trpc/router.ts';

export type Harness = Awaited<ReturnType<typeof createHarness>>;

export async function createHarness(
  o: {
    databaseUrl?: string;
    /** Outside Vitest (a benchmark), where Redis is; default the test run's. */
    redisUrl?: string;
    insi?: InsiSettings;
    logger?: Parameters<typeof createApp>[0]['logger'];
    hl7Platform?: Parameters<typeof createApp>[0]['hl7Platform'];
    /** RAYON_OUTBOUND_ALLOW of this API (default: nothing internal allowed). */
    outbound?: Parameters<typeof createApp>[0]['outbound'];
  } = {},
) {
  const db = new Database({ url: o.databaseUrl ?? inject('databaseUrl'), max: 10 });
  const redis = new Redis(o.redisUrl ?? inject('redisUrl'), { maxRetriesPerRequest: 2 });
  const secretsKey = randomBytes(32);
  const app = createApp({
    db,
    redis,
    logger: o.logger ?? pino({ level: 'silent' }),
    portalUrl: 'http://portal.test',
    secretsKey,
    insi: o.insi,
    hl7Platform: o.hl7Platform,
    outbound: o.outbound,
  });
  const fetchApp = async (input: string | URL | Request, init?: RequestInit) =>
    app.fetch(new Request(input, init));

  /** A typed tRPC client speaking HTTP to the in-process app. */
  const trpc = (o: { token?: string; tenant?: string; ip?: string; requestId?: string } = {}) =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: 'http://api.test/trpc',
          fetch: fetchApp,
          headers: () => ({
            ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
            ...(o.tenant ? { 'x-rayon-tenant': o.tenant } : {}),
            ...(o.ip ? { 'x-forwarded-for': o.ip } : {}),
            ...(o.requestId ? { 'x-request-id': o.requestId } : {}),
          }),
        }),
      ],
    });

  const rest = (path: string, init: RequestInit & { key?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.key) headers.set('authorization', `Bearer ${init.key}`);
    if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return app.request(`/api/v1${path}`, { ...init, headers });
  };

  /** A user with a password, optionally platform admin, with memberships. Returns a session token. */
  async function signedInUser(o: {
    email: string;
    platformAdmin?: boolean;
    memberships?: { tenant: TenantRef; roles: string[] }[];
  }) {
    const password = 'correct horse battery staple';
    const user = await db.platform(async (tx) => {
      const u = await upsertUser(tx, {
        email: o.email,
        displayName: o.email.split('@')[0]!,
        passwordHash: await hashPassword(password),
        isPlatformAdmin: o.platformAdmin ?? false,
      });
      for (const m of o.memberships ?? []) await upsertMembership(tx, u.id, m.tenant.id, m.roles);
      return u;
    });
    for (const m of o.memberships ?? []) {
      await db.withTenant(toTenantRef(m.tenant), (tx) =>
        upsertUserProfile(tx, { userId: user.id, displayName: user.displayName }),
      );
    }
    const { sessionToken } = await trpc().auth.login.mutate({ email: o.email, password });
    return { user, password, token: sessionToken };
  }

  return {
    db,
    redis,
    app,
    trpc,
    rest,
    secretsKey,
    signedInUser,
    async close() {
      await db.close();
      redis.disconnect();
    },
  };
}

/** The tRPC error code (data.code) and our code (data.appCode) of a failed call. */
export async function trpcError(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (e instanceof TRPCClientError) {
      const data = e.data as {
        code: string;
        appCode: string | null;
        field: string | null;
        httpStatus: number;
      };
      return {
        code: data.code,
        appCode: data.appCode,
        field: data.field,
        httpStatus: data.httpStatus,
        message: e.message,
      };
    }
    throw e;
  }
  throw new Error('expected the call to fail');
}

export const uniqueEmail = (name: string) => `${name}-${Math.random().toString(36).slice(2, 10)}@test.rayon`;
