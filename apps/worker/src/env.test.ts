import { describe, expect, it } from 'vitest';
import { deliveryOptions, loadEnv } from './env.ts';

const base = {
  RAYON_DATABASE_URL: 'postgres://rayon:secret@127.0.0.1:5432/rayon',
  RAYON_REDIS_URL: 'redis://127.0.0.1:6379',
  RAYON_SECRETS_KEY: 'c2VjcmV0LWtleS1vZi10aGlydHktdHdvLWJ5dGVzLW9r',
};

describe('worker configuration: how long sends are retried', () => {
  it('defaults: backoff capped at 15 min, given up after 72 h, claims of 5 min', () => {
    expect(deliveryOptions(loadEnv(base))).toEqual({
      policy: { baseMs: 2_000, capMs: 900_000, horizonMs: 72 * 3600_000 },
      leaseMs: 300_000,
    });
  });

  it('configurable, and checked at boot naming the variable', () => {
    expect(
      deliveryOptions(
        loadEnv({ ...base, RAYON_DELIVERY_RETRY_CAP_S: '60', RAYON_DELIVERY_GIVE_UP_AFTER_S: '3600' }),
      ).policy,
    ).toEqual({ baseMs: 2_000, capMs: 60_000, horizonMs: 3_600_000 });
    expect(() => loadEnv({ ...base, RAYON_DELIVERY_RETRY_CAP_S: 'quinze' })).toThrow(
      /RAYON_DELIVERY_RETRY_CAP_S/,
    );
    expect(() => loadEnv({ ...base, RAYON_DELIVERY_GIVE_UP_AFTER_S: '0' })).toThrow(
      /RAYON_DELIVERY_GIVE_UP_AFTER_S/,
    );
    expect(() =>
      loadEnv({ ...base, RAYON_DELIVERY_RETRY_CAP_S: '900', RAYON_DELIVERY_GIVE_UP_AFTER_S: '60' }),
    ).toThrow(/RAYON_DELIVERY_GIVE_UP_AFTER_S must be at least RAYON_DELIVERY_RETRY_CAP_S/);
    expect(() => loadEnv({ ...base, RAYON_DELIVERY_LEASE_S: '2' })).toThrow(/RAYON_DELIVERY_LEASE_S/);
  });
});
