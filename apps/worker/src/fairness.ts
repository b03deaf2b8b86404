import { DELIVERY_TOPIC, REPORT_DOCUMENTS_TOPIC } from '@rayon/db';
import type { Redis } from 'ioredis';

/**
 * Per-practice fairness of the distribution: a job's queue priority is the number of its
 * practice's documents and sends still outstanding when it is queued (BullMQ runs lower numbers
 * first). A practice that validates 5,000 reports gets priorities 1 to 5,000; another practice's
 * single report gets 1 and passes before all but the first few, for its documents as for its
 * sends. Documents and sends share one count, so a burst's sends follow their documents instead of
 * waiting for the whole burst's documents. Only the topics listed here are prioritised; every
 * other job keeps the plain queue (BullMQ runs those before prioritised ones).
 */
export const FAIR_TOPICS = new Set([REPORT_DOCUMENTS_TOPIC, DELIVERY_TOPIC]);

export function createFairness(redis: Redis, prefix: string) {
  const key = (tenantId: string | null) => `${prefix}:fair:${tenantId ?? 'platform'}`;
  return {
    /** Counts a job in; its priority (1 = the practice's only outstanding send). */
    async priority(tenantId: string | null): Promise<number> {
      return Math.min(await redis.incr(key(tenantId)), 2_097_152);
    },
    /** Counts a finished job out (done, or failed for good). */
    async done(tenantId: string | null): Promise<void> {
      if ((await redis.decr(key(tenantId))) < 0) await redis.set(key(tenantId), '0');
    },
  };
}
export type Fairness = ReturnType<typeof createFairness>;
