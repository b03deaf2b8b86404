import { expect, it } from 'vitest';
import { connectionLimiter } from './peers.ts';

it('counts connections per source address, IPv4-mapped peers as their IPv4 address', () => {
  const limiter = connectionLimiter(2);
  expect(limiter.acquire('10.0.0.1')).toBe(true);
  expect(limiter.acquire('::ffff:10.0.0.1')).toBe(true);
  expect(limiter.acquire('10.0.0.1')).toBe(false);
  expect(limiter.acquire('10.0.0.2')).toBe(true);
  limiter.release('10.0.0.1');
  expect(limiter.count('10.0.0.1')).toBe(1);
  expect(limiter.acquire('10.0.0.1')).toBe(true);
  limiter.release('10.0.0.1');
  limiter.release('10.0.0.1');
  expect(limiter.count('10.0.0.1')).toBe(0);
});
