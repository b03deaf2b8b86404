import type { TenantTx } from '@rayon/db';
import { requireTenant, type Deps } from '../deps.ts';

/** What every scheduling use case works with: the request's practice and the service's clock. */
export interface SchedulingScope {
  /** Runs `fn` in one transaction of the request's practice. */
  inTenant: <T>(fn: (tx: TenantTx) => Promise<T>) => Promise<T>;
  clock: () => Date;
}

export const schedulingScope = ({ db }: Deps, clock: () => Date): SchedulingScope => ({
  inTenant: (fn) => db.withTenant(requireTenant(), fn),
  clock,
});
