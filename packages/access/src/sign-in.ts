/**
 * Sign-in, in one or two steps: the password, then (when due) a TOTP code or a recovery code,
 * or the enrolment of an authenticator app. Every attempt goes through the throttle and into the
 * sign-in journal (platform.sign_in_events: never a password nor a code).
 */
import {
  deletePendingSession,
  enableTotp,
  findPendingSessionUser,
  findUserByEmail,
  insertSignInEvent,
  insertSignInSession,
  insertPscSession,
  markSignedIn,
  pscRequiringPractices,
  recordAudit,
  toTenantRef,
  userIdsWithRpps,
  replaceRecoveryCodes,
  secondFactorPolicy,
  setPendingTotpSecret,
  useRecoveryCode,
  type PlatformContext,
  type SignInOutcome,
  type UserRow,
} from '@rayon/db';
import { AppError, isAppError } from '@rayon/domain';
import type { AccessDeps } from './deps.ts';
import { SignInThrottle, throttleAccount, type SignInAttempt } from './rate-limit.ts';
import { hashPassword, randomToken, sha256, verifyPassword } from './secrets.ts';
import { toSessionUser, type SessionUser } from './sessions.ts';
import {
  checkTotp,
  looksLikeRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  openTotpSecret,
  recoveryCodeHash,
  sealTotpSecret,
  TOTP_PERIOD_SECONDS,
  totpUri,
} from './totp.ts';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** A password checked, the second factor still due: this long to give it. */
export const PENDING_TTL_MS = 5 * 60 * 1000;
/** A hash of nothing, compared against when the account does not exist, to keep timing flat. */
const DUMMY_HASH = hashPassword('rayon-timing-equaliser');

/** Who is signing in, as the edge saw them (the address resolved from trusted proxies only). */
export interface SignInClient {
  ip: string | undefined;
  userAgent: string | undefined;
}

export interface SignedIn {
  status: 'signed_in';
  sessionToken: string;
  expiresAt: string;
  user: SessionUser;
}

/** What a session opened through Pro Santé Connect keeps. */
export interface PscSessionData {
  sid: string | null;
  /** Access, refresh and id tokens, sealed with the platform secrets key. */
  sealedTokens: string;
  acr: string;
}

export type LoginResult =
  SignedIn | { status: 'totp_required' | 'totp_enrolment_required'; pendingToken: string; expiresAt: string };

const wrongCredentials = () => new AppError('UNAUTHENTICATED', 'wrong email or password');
const pendingGone = () =>
  new AppError('UNAUTHENTICATED', 'the sign-in has expired or was completed; enter the password again', {
    reason: 'auth.pending_expired',
  });

/** Keeps the last TOTP step each account used: a code is never accepted twice. */
const MARK_STEP = `local cur = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > cur then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) return 1 end
return 0`;

export function createSignInFlow(deps: AccessDeps) {
  const { db, redis } = deps;
  const throttle = new SignInThrottle(redis);
  const lastStepKey = (userId: string) => `signin:totp-step:${userId}`;

  async function journal(
    user: Pick<UserRow, 'id'> | undefined,
    email: string,
    outcome: SignInOutcome,
    client: SignInClient,
  ) {
    await db.platform((tx) =>
      insertSignInEvent(tx, {
        userId: user?.id ?? null,
        email,
        outcome,
        clientIp: client.ip ?? null,
        userAgent: client.userAgent?.slice(0, 400) ?? null,
      }),
    );
  }

  /** Starts a throttled attempt; a refusal is journaled as `throttled`. */
  async function attempt(email: string, user: UserRow | undefined, client: SignInClient) {
    try {
      return await throttle.begin(throttleAccount(email), client.ip);
    } catch (e) {
      if (isAppError(e) && e.code === 'RATE_LIMITED') await journal(user, email, 'throttled', client);
      throw e;
    }
  }

  async function secondFactorDue(user: UserRow): Promise<'none' | 'totp' | 'enrol'> {
    if (user.totpEnabledAt && user.totpSecret) return 'totp';
    if (user.isPlatformAdmin) return 'enrol';
    const policy = await db.platform((tx) => secondFactorPolicy(tx, user.id));
    return policy.practiceAdmin || policy.practiceRequires ? 'enrol' : 'none';
  }

  /** A full session; through Pro Santé Connect it keeps the provider's `sid` and sealed tokens. */
  async function openSession(
    ctx: PlatformContext,
    user: UserRow,
    client: SignInClient,
    outcome: SignInOutcome,
    psc?: PscSessionData,
  ): Promise<SignedIn> {
    const sessionToken = randomToken();
    const expiresAt = new Date(ctx.now().getTime() + SESSION_TTL_MS);
    const seen = { clientIp: client.ip ?? null, userAgent: client.userAgent?.slice(0, 400) ?? null };
    await db.platform(async (tx) => {
      const session = { tokenHash: sha256(sessionToken), userId: user.id, expiresAt, ...seen };
      if (psc) await insertPscSession(tx, { ...session, pscSid: psc.sid, pscTokens: psc.sealedTokens });
      else await insertSignInSession(tx, { ...session, mfaPending: false });
      await markSignedIn(tx, user.id);
      await insertSignInEvent(tx, {
        userId: user.id,
        email: user.email,
        outcome,
        acr: psc?.acr ?? null,
        ...seen,
      });
      await recordAudit(tx, {
        actor: { type: 'user', id: user.id },
        action: 'auth.login',
        requestId: ctx.requestId,
        ...(psc ? { details: { method: 'psc', acr: psc.acr } } : {}),
      });
    });
    return {
      status: 'signed_in',
      sessionToken,
      expiresAt: expiresAt.toISOString(),
      user: toSessionUser(user),
    };
  }

  /**
   * A password checked, a step still due (the second factor, or the link of an e-CPS): a pending
   * session that serves that step only, for PENDING_TTL_MS.
   */
  async function pendingSession(ctx: PlatformContext, user: UserRow, client: SignInClient): Promise<string> {
    const pendingToken = randomToken();
    await db.platform((tx) =>
      insertSignInSession(tx, {
        tokenHash: sha256(pendingToken),
        userId: user.id,
        expiresAt: new Date(ctx.now().getTime() + PENDING_TTL_MS),
        mfaPending: true,
        clientIp: client.ip ?? null,
        userAgent: client.userAgent?.slice(0, 400) ?? null,
      }),
    );
    return pendingToken;
  }

  /** The account behind a pending token; the pending session is consumed only on success. */
  async function pendingUser(pendingToken: string): Promise<UserRow> {
    const user = await db.platform((tx) => findPendingSessionUser(tx, sha256(pendingToken)));
    if (!user) throw pendingGone();
    return user;
  }

  /** Replaces the pending session by a full one (once: a concurrent second success loses). */
  async function completePending(
    ctx: PlatformContext,
    pendingToken: string,
    user: UserRow,
    client: SignInClient,
    outcome: SignInOutcome,
  ): Promise<SignedIn> {
    const consumed = await db.platform((tx) => deletePendingSession(tx, sha256(pendingToken)));
    if (!consumed) throw pendingGone();
    // A pending session made for the link of an e-CPS never becomes a password session.
    if (await pscRequiredFor(user.id)) {
      throw new AppError(
        'FORBIDDEN',
        'a practice of this account requires Pro Santé Connect: sign in with it',
        {
          reason: 'auth.psc_required',
        },
      );
    }
    return openSession(ctx, user, client, outcome);
  }

  /** A code of the account's secret for a step not used before; marks the step used. */
  async function acceptTotp(user: UserRow, code: string): Promise<boolean> {
    if (!user.totpSecret) return false;
    const secret = openTotpSecret(user.totpSecret, deps.secretsKey, user.id);
    const last = await redis.get(lastStepKey(user.id));
    const step = await checkTotp(secret, code, { afterStep: last === null ? undefined : Number(last) });
    if (step === undefined) return false;
    // Atomic: of two requests with the same code, one only wins.
    const won = await redis.eval(
      MARK_STEP,
      1,
      lastStepKey(user.id),
      String(step),
      String(4 * TOTP_PERIOD_SECONDS),
    );
    return won === 1;
  }

  /** Checks a code under the throttle; a wrong one counts and is journaled. */
  async function withCode<T>(
    user: UserRow,
    client: SignInClient,
    check: () => Promise<boolean>,
    onSuccess: (a: SignInAttempt) => Promise<T>,
  ): Promise<T> {
    const a = await attempt(user.email, user, client);
    try {
      if (!(await check())) {
        await a.fail();
        await journal(user, user.email, 'totp_failed', client);
        throw new AppError('UNAUTHENTICATED', 'wrong or already used code', {
          field: 'code',
          reason: 'auth.totp_wrong',
        });
      }
      const result = await onSuccess(a);
      await a.succeed();
      return result;
    } finally {
      await a.release();
    }
  }

  /**
   * A practice of the account requires Pro Santé Connect and records an RPPS number for it: the
   * account is a health professional there and signs in through PSC only.
   */
  async function pscRequiredFor(userId: string): Promise<boolean> {
    const practices = await db.platform((tx) => pscRequiringPractices(tx, userId));
    for (const practice of practices) {
      const withRpps = await db.withTenant(toTenantRef(practice), (tx) => userIdsWithRpps(tx, [userId]));
      if (withRpps.length > 0) return true;
    }
    return false;
  }

  return {
    openSession,
    pscRequiredFor,
    pendingUser,
    /** Consumes a pending session (false when already used or expired). */
    consumePending: (pendingToken: string) =>
      db.platform((tx) => deletePendingSession(tx, sha256(pendingToken))),

    async login(
      ctx: PlatformContext,
      input: { email: string; password: string },
      client: SignInClient,
    ): Promise<LoginResult> {
      const email = input.email.trim().toLowerCase();
      const user = await db.platform((tx) => findUserByEmail(tx, email));
      const a = await attempt(email, user, client);
      try {
        const ok = user?.passwordHash
          ? await verifyPassword(input.password, user.passwordHash)
          : (await verifyPassword(input.password, await DUMMY_HASH), false);
        if (!user || !ok || user.disabledAt) {
          await a.fail();
          await journal(user, email, !user ? 'unknown_account' : !ok ? 'wrong_password' : 'disabled', client);
          throw wrongCredentials();
        }
        // Said only once the password is right: it tells nothing to someone guessing.
        if (await pscRequiredFor(user.id)) {
          await journal(user, email, 'psc_required', client);
          // Not linked yet: the password opens no session, only the link of the e-CPS (a
          // pending token for `auth.pscBegin`), after which the professional is signed in by PSC.
          const linkToken = user.pscSubject ? undefined : await pendingSession(ctx, user, client);
          throw new AppError(
            'FORBIDDEN',
            'a practice of this account requires Pro Santé Connect: sign in with it',
            {
              reason: 'auth.psc_required',
              ...(linkToken ? { details: { linkToken } } : {}),
            },
          );
        }
        const due = await secondFactorDue(user);
        if (due === 'none') {
          const session = await openSession(ctx, user, client, 'success');
          await a.succeed();
          return session;
        }
        // The password is right but the account's failures stay until the second factor is
        // given: knowing the password must not reset the count of wrong codes.
        const pendingToken = await pendingSession(ctx, user, client);
        return {
          status: due === 'totp' ? 'totp_required' : 'totp_enrolment_required',
          pendingToken,
          expiresAt: new Date(ctx.now().getTime() + PENDING_TTL_MS).toISOString(),
        };
      } finally {
        await a.release();
      }
    },

    /** Second step: a TOTP code, or one of the recovery codes (each once). */
    async verifyTotp(
      ctx: PlatformContext,
      input: { pendingToken: string; code: string },
      client: SignInClient,
    ): Promise<SignedIn> {
      const user = await pendingUser(input.pendingToken);
      if (!user.totpEnabledAt) {
        throw new AppError('CONFLICT', 'no authenticator app is enrolled yet: enrol one first', {
          reason: 'auth.totp_enrolment_required',
        });
      }
      const code = input.code.replace(/\s/g, '');
      const recovery = looksLikeRecoveryCode(code) && !/^\d+$/.test(code);
      return withCode(
        user,
        client,
        () =>
          recovery
            ? db.platform((tx) => useRecoveryCode(tx, user.id, recoveryCodeHash(code)))
            : acceptTotp(user, code),
        () =>
          completePending(ctx, input.pendingToken, user, client, recovery ? 'recovery_code' : 'totp_success'),
      );
    },

    /** Enrolment, first half: a new secret for the account (the QR code and the text form). */
    async totpEnrolment(_ctx: PlatformContext, input: { pendingToken: string }) {
      const user = await pendingUser(input.pendingToken);
      if (user.totpEnabledAt) {
        throw new AppError('CONFLICT', 'an authenticator app is already enrolled: give its code', {
          reason: 'auth.totp_already_enrolled',
        });
      }
      const secretBase32 = newTotpSecret();
      await db.platform((tx) =>
        setPendingTotpSecret(tx, user.id, sealTotpSecret(secretBase32, deps.secretsKey, user.id)),
      );
      return { otpauthUri: totpUri(secretBase32, user.email), secretBase32 };
    },

    /** Enrolment, second half: a first code proves the app; the recovery codes are shown once. */
    async confirmTotpEnrolment(
      ctx: PlatformContext,
      input: { pendingToken: string; code: string },
      client: SignInClient,
    ) {
      const user = await pendingUser(input.pendingToken);
      if (user.totpEnabledAt) {
        throw new AppError('CONFLICT', 'an authenticator app is already enrolled: give its code', {
          reason: 'auth.totp_already_enrolled',
        });
      }
      if (!user.totpSecret) {
        throw new AppError('CONFLICT', 'ask for the enrolment (QR code) first', {
          reason: 'auth.totp_enrolment_required',
        });
      }
      const code = input.code.replace(/\s/g, '');
      return withCode(
        user,
        client,
        () => acceptTotp(user, code),
        async () => {
          const recoveryCodes = newRecoveryCodes();
          await db.platform(async (tx) => {
            await enableTotp(tx, user.id);
            await replaceRecoveryCodes(tx, user.id, recoveryCodes.map(recoveryCodeHash));
            await recordAudit(tx, {
              actor: { type: 'user', id: user.id },
              action: 'auth.totp_enrolled',
              requestId: ctx.requestId,
            });
          });
          const session = await completePending(ctx, input.pendingToken, user, client, 'totp_success');
          return { session, recoveryCodes };
        },
      );
    },

    /** Forgets an account's failed attempts (after a password reset: the owner proved itself). */
    async clearThrottle(email: string) {
      await throttle.clearAccount(throttleAccount(email));
    },
  };
}
