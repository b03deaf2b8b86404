import type { Redis } from 'ioredis';

export interface RateLimitRule {
  /** Attempts allowed per window. */
  limit: number;
  windowSeconds: number;
}

/**
 * Fixed-window failure counters in Redis, shared by every API replica. `hit` counts a failure;
 * `blocked` tells whether any of the keys is over its limit.
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
