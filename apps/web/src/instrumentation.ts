import { assertEnv } from './env.ts';

/** Runs once when the server starts: refuse to serve with an invalid configuration. */
export function register(): void {
  assertEnv();
}
