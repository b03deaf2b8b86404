import { randomUUID } from 'node:crypto';
import { AppError } from '@rayon/domain';
import type { Redis } from 'ioredis';

/** Failures an account may have before its attempts are spaced out. */
export const FREE_FAILURES = 3;
/** The longest wait between two attempts on one account. */
export const MAX_DELAY_SECONDS = 15 * 60;
/** An account's failures are forgotten a day after the last one (or at once on success). */
const ACCOUNT_MEMORY_SECONDS = 24 * 60 * 60;
/** Per client address: failures in a fixed window, then refused until the window ends. */
export const ADDRESS_LIMIT = { failures: 30, windowSeconds: 15 * 60 };
/** An attempt holds its account for at most this long (a crashed replica frees it by itself). */
const IN_FLIGHT_MS = 15_000;

/**
 * Seconds an account must wait after its last failure before the next attempt: none for the
 * first {@link FREE_FAILURES}, then 1, 2, 4… doubling, capped at {@link MAX_DELAY_SECONDS}.
 * The owner is slowed down with the attacker, never locked out.
 */
export function accountDelaySeconds(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(2 ** Math.min(failures - FREE_FAILURES, 30), MAX_DELAY_SECONDS);
}

/** Whole seconds left before the next attempt is allowed (0: allowed now). */
export function secondsToWait(failures: number, lastFailureMs: number, nowMs: number): number {
  const until = lastFailureMs + accountDelaySeconds(failures) * 1000;
  return until > nowMs ? Math.ceil((until - nowMs) / 1000) : 0;
}

/** A sign-in refused by the throttle; the portal says when to try again. */
export function rateLimited(retryAfterSeconds: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new AppError('RATE_LIMITED', `too many sign-in attempts; try again in ${seconds} seconds`, {
    reason: 'auth.throttled',
    params: { retryAfterSeconds: seconds },
  });
}

/** One attempt in progress on an account: it ends as a failure, a success, or neither. */
export interface SignInAttempt {
  /** A wrong password or code: counts for the account and the address. */
  fail(): Promise<void>;
  /** Signed in: the account's failures are forgotten. */
  succeed(): Promise<void>;
  /** Neither (the password was right, the second factor is still due): nothing counted. */
  release(): Promise<void>;
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Throttling of password and code attempts, in Redis so that every API replica sees the same
 * counts. Each attempt is counted before the secret is checked, and attempts on one account are
 * taken one at a time (a second concurrent attempt is refused), so neither a tRPC batch nor
 * parallel requests can try more guesses than the rules allow.
 */
export class SignInThrottle {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix = 'signin') {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  #accountKey = (account: string) => `${this.#prefix}:acct:${account}`;
  #busyKey = (account: string) => `${this.#prefix}:busy:${account}`;
  #addressKey = (address: string) => `${this.#prefix}:addr:${address}`;

  /** Starts an attempt, or throws RATE_LIMITED with the seconds to wait. */
  async begin(account: string, address: string | undefined, nowMs = Date.now()): Promise<SignInAttempt> {
    const redis = this.#redis;
    const busyKey = this.#busyKey(account);
    const token = randomUUID();
    if ((await redis.set(busyKey, token, 'PX', IN_FLIGHT_MS, 'NX')) !== 'OK') throw rateLimited(1);
    const unlock = async () => void (await redis.eval(RELEASE, 1, busyKey, token));
    const addressKey = address ? this.#addressKey(address) : undefined;
    try {
      if (addressKey) {
        // Counted now, given back on success: concurrent guesses from one address all count.
        const [[, n], , [, ttl]] = (await redis
          .multi()
          .incr(addressKey)
          .expire(addressKey, ADDRESS_LIMIT.windowSeconds, 'NX')
          .ttl(addressKey)
          .exec()) as [[null, number], unknown, [null, number]];
        if (n > ADDRESS_LIMIT.failures) {
          await redis.decr(addressKey);
          throw rateLimited(ttl > 0 ? ttl : ADDRESS_LIMIT.windowSeconds);
        }
      }
      const [failures, last] = await redis.hmget(this.#accountKey(account), 'n', 'last');
      const wait = secondsToWait(Number(failures ?? 0), Number(last ?? 0), nowMs);
      if (wait > 0) {
        if (addressKey) await redis.decr(addressKey);
        throw rateLimited(wait);
      }
    } catch (e) {
      await unlock();
      throw e;
    }
    const accountKey = this.#accountKey(account);
    let done = false;
    const once = async (fn: () => Promise<unknown>) => {
      if (done) return;
      done = true;
      try {
        await fn();
      } finally {
        await unlock();
      }
    };
    return {
      fail: () =>
        once(() =>
          redis
            .multi()
            .hincrby(accountKey, 'n', 1)
            .hset(accountKey, 'last', String(Date.now()))
            .expire(accountKey, ACCOUNT_MEMORY_SECONDS)
            .exec(),
        ),
      succeed: () =>
        once(async () => {
          await redis.del(accountKey);
          if (addressKey) await redis.decr(addressKey);
        }),
      release: () =>
        once(async () => {
          if (addressKey) await redis.decr(addressKey);
        }),
    };
  }

  /** Forgets an account's failures (a password reset proves the owner). */
  async clearAccount(account: string): Promise<void> {
    await this.#redis.del(this.#accountKey(account));
  }
}

/** The throttle's account key for an e-mail address (case and spaces do not make new accounts). */
export const throttleAccount = (email: string) => email.trim().toLowerCase();

export interface RateLimitRule {
  /** Events allowed per window. */
  limit: number;
  windowSeconds: number;
}

/**
 * Fixed-window counters in Redis, shared by every API replica, for events other than sign-in
 * attempts (e.g. reset e-mails asked for): `hit` counts one; `blocked` tells whether any of the
 * keys is over its limit.
 */
export class RateLimiter {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #rule: RateLimitRule;

  constructor(redis: Redis, prefix: string, rule: RateLimitRule) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#rule = rule;
  }

  async blocked(keys: string[]): Promise<boolean> {
    if (keys.length === 0) return false;
    const counts = await this.#redis.mget(keys.map((k) => `${this.#prefix}:${k}`));
    return counts.some((c) => c !== null && Number(c) >= this.#rule.limit);
  }

  async hit(keys: string[]): Promise<void> {
    const multi = this.#redis.multi();
    for (const k of keys) {
      multi.incr(`${this.#prefix}:${k}`);
      multi.expire(`${this.#prefix}:${k}`, this.#rule.windowSeconds, 'NX');
    }
    await multi.exec();
  }

  async reset(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.#redis.del(...keys.map((k) => `${this.#prefix}:${k}`));
  }
}
