import type { Database } from '@rayon/db';

/** What the scheduling use cases are given once, when the area is built. */
export interface SchedulingDeps {
  db: Database;
}
