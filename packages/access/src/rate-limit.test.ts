import { describe, expect, it } from 'vitest';
import { accountDelaySeconds, MAX_DELAY_SECONDS, rateLimited, secondsToWait } from './rate-limit.ts';

describe('growing delay of an account', () => {
  it('is free for 3 failures, then 1, 2, 4… seconds, capped at 15 minutes', () => {
    expect([0, 1, 2].map(accountDelaySeconds)).toEqual([0, 0, 0]);
    expect([3, 4, 5, 6, 12].map(accountDelaySeconds)).toEqual([1, 2, 4, 8, 512]);
    expect(accountDelaySeconds(13)).toBe(MAX_DELAY_SECONDS);
    expect(accountDelaySeconds(1000)).toBe(MAX_DELAY_SECONDS);
  });

  it('counts from the last failure, in whole seconds rounded up', () => {
    const last = 1_000_000;
    expect(secondsToWait(2, last, last)).toBe(0);
    expect(secondsToWait(3, last, last)).toBe(1);
    expect(secondsToWait(3, last, last + 999)).toBe(1);
    expect(secondsToWait(3, last, last + 1000)).toBe(0);
    expect(secondsToWait(5, last, last + 1500)).toBe(3);
  });

  it('tells the client when to come back', () => {
    expect(rateLimited(2.2)).toMatchObject({
      code: 'RATE_LIMITED',
      reasonKey: 'auth.throttled',
      params: { retryAfterSeconds: 3 },
    });
    expect(rateLimited(0)).toMatchObject({ params: { retryAfterSeconds: 1 } });
  });
});
