/**
 * What the portal specs share about the e2e stack (apps/web/e2e-setup via infra/scripts/stack.ts):
 * its port base, the demo practice, its database, and free loopback ports.
 */
import { createServer } from 'node:net';
import { Database, findTenantBySlug, toTenantRef, type TenantTx } from '@rayon/db';

export const E2E_PORT_BASE = Number(process.env.RAYON_E2E_PORT_BASE ?? 4500);
export const PRACTICE = 'imagerie-demo';

/** The demo stack's database, as the e2e setup made it. */
export function stackDatabase(): Database {
  return new Database({
    url: `postgres://rayon_app:rayon-local-app@127.0.0.1:${E2E_PORT_BASE + 2}/rayon`,
    max: 1,
  });
}

/** Runs `fn` in the demo practice's schema of the stack's database. */
export async function inPractice<T>(fn: (tx: TenantTx) => Promise<T>): Promise<T> {
  const db = stackDatabase();
  try {
    const tenant = (await db.platform((tx) => findTenantBySlug(tx, PRACTICE)))!;
    return await db.withTenant(toTenantRef(tenant), fn);
  } finally {
    await db.close();
  }
}

/** A loopback TCP port where nothing listens (taken, then given back). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
