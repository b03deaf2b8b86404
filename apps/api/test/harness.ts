/** In-process API on the real test PostgreSQL and Redis (see infra/scripts/test-setup.ts). */
import type { TenantRole } from '@rayon/domain';
import { randomBytes } from 'node:crypto';
import {
  Database,
  systemContext,
  toTenantRef,
  type PlatformContext,
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
import { createServices, type Deps, type Services } from '../src/services/index.ts';
import { hashPassword } from '@rayon/access/secrets';
import { totpCode, totpStep } from '@rayon/access/totp';
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
    /** RAYON_TRUSTED_PROXIES of this API (default: loopback, where the harness's requests come from). */
    trustedProxies?: string[];
    /** The platform mailer (e.g. to a mail catcher); default none. */
    mailer?: Parameters<typeof createApp>[0]['mailer'];
    /** Pro Santé Connect client (e.g. against the PSC simulator); default none. */
    psc?: Parameters<typeof createApp>[0]['psc'];
    /** Called with each statement the API sends (e.g. to count a use case's reads). */
    onQuery?: (query: string) => void;
  } = {},
) {
  const db = new Database({
    url: o.databaseUrl ?? inject('databaseUrl'),
    max: 10,
    ...(o.onQuery ? { onQuery: o.onQuery } : {}),
  });
  const redis = new Redis(o.redisUrl ?? inject('redisUrl'), { maxRetriesPerRequest: 2 });
  const secretsKey = randomBytes(32);
  const deps: Deps = {
    db,
    redis,
    logger: o.logger ?? pino({ level: 'silent' }),
    portalUrl: 'http://portal.test',
    secretsKey,
    insi: o.insi,
    hl7Platform: o.hl7Platform,
    outbound: o.outbound,
    trustedProxies: o.trustedProxies ?? ['127.0.0.1/32', '::1/128'],
    mailer: o.mailer,
    psc: o.psc,
  };
  const app = createApp(deps);
  /**
   * The use cases of the same deployment, for what no route exposes (e.g. the PSC access token
   * handed to downstream calls), called with a platform context of their own.
   */
  const services = createServices(deps);
  const direct = <T>(fn: (s: Services, ctx: PlatformContext) => Promise<T>) =>
    fn(services, systemContext(`test-${randomBytes(4).toString('hex')}`));
  /**
   * Requests as Hono on Node receives them: `env.incoming.socket` is the TCP peer (`peer`,
   * default loopback like the portal on the same machine).
   */
  const fetchApp =
    (peer = '127.0.0.1') =>
    async (input: string | URL | Request, init?: RequestInit) =>
      app.fetch(new Request(input, init), {
        incoming: {
          socket: {
            remoteAddress: peer,
            remotePort: 40000,
            remoteFamily: peer.includes(':') ? 'IPv6' : 'IPv4',
          },
        },
      });

  /**
   * A typed tRPC client speaking HTTP to the in-process app. `ip`: the X-Forwarded-For header
   * (believed only from a trusted `peer`); `peer`: the TCP peer's address.
   */
  const trpc = (
    o: {
      token?: string;
      tenant?: string;
      ip?: string;
      peer?: string;
      userAgent?: string;
      requestId?: string;
      /** More request headers. */
      headers?: Record<string, string>;
    } = {},
  ) =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: 'http://api.test/trpc',
          fetch: fetchApp(o.peer),
          headers: () => ({
            ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
            ...(o.tenant ? { 'x-rayon-tenant': o.tenant } : {}),
            ...(o.ip ? { 'x-forwarded-for': o.ip } : {}),
            ...(o.userAgent ? { 'user-agent': o.userAgent } : {}),
            ...(o.requestId ? { 'x-request-id': o.requestId } : {}),
            ...o.headers,
          }),
        }),
      ],
    });

  /** TOTP secrets the harness enrolled, and the last step it used for each (codes are single use). */
  const totpSecrets = new Map<string, string>();
  const usedSteps = new Map<string, number>();

  /** A code not used before for this account: this step's, else the next one's (waiting for it if need be). */
  async function freshTotpCode(email: string, secret: string) {
    const last = usedSteps.get(email) ?? -1;
    let now = totpStep(Date.now());
    let step = Math.max(now, last + 1);
    while (step > now + 1) {
      await new Promise((r) => setTimeout(r, 1000));
      now = totpStep(Date.now());
      step = Math.max(now, last + 1);
    }
    usedSteps.set(email, step);
    return totpCode(secret, step);
  }

  /**
   * Signs in through `auth.login`, then the second factor when one is due: enrolment (the harness
   * keeps the secret) or a code of the secret it enrolled. Returns the session token.
   */
  async function signIn(email: string, password: string, client: Parameters<typeof trpc>[0] = {}) {
    const api = trpc(client);
    const first = await api.auth.login.mutate({ email, password });
    if (first.status === 'signed_in') return first.sessionToken;
    if (first.status === 'totp_enrolment_required') {
      const { secretBase32 } = await api.auth.totpEnrolment.mutate({ pendingToken: first.pendingToken });
      totpSecrets.set(email.toLowerCase(), secretBase32);
      const code = await freshTotpCode(email.toLowerCase(), secretBase32);
      const done = await api.auth.confirmTotpEnrolment.mutate({ pendingToken: first.pendingToken, code });
      return done.session.sessionToken;
    }
    const secret = totpSecrets.get(email.toLowerCase());
    if (!secret) throw new Error(`harness: ${email} has a second factor the harness did not enrol`);
    const code = await freshTotpCode(email.toLowerCase(), secret);
    return (await api.auth.verifyTotp.mutate({ pendingToken: first.pendingToken, code })).sessionToken;
  }

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
    memberships?: { tenant: TenantRef; roles: TenantRole[] }[];
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
    const token = await signIn(o.email, password);
    return { user, password, token, totpSecret: totpSecrets.get(o.email.toLowerCase()) };
  }

  return {
    db,
    redis,
    app,
    direct,
    trpc,
    rest,
    secretsKey,
    signedInUser,
    signIn,
    freshTotpCode,
    totpSecrets,
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
        reason?: string | null;
        params?: Record<string, unknown> | null;
        details?: Record<string, unknown> | null;
      };
      return {
        code: data.code,
        appCode: data.appCode,
        field: data.field,
        httpStatus: data.httpStatus,
        reason: data.reason ?? null,
        params: data.params ?? null,
        details: data.details ?? null,
        message: e.message,
      };
    }
    throw e;
  }
  throw new Error('expected the call to fail');
}

export const uniqueEmail = (name: string) => `${name}-${Math.random().toString(36).slice(2, 10)}@test.rayon`;
