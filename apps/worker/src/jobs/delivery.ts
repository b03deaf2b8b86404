import { DELIVERY_TOPIC, type Database } from '@rayon/db';
import { createDelivery, type DeliverySender } from '@rayon/delivery';
import type { Destination, RetryPolicy } from '@rayon/domain';
import { DelayedError, type Job } from 'bullmq';
import { jobPayload } from '../payloads.ts';
import type { JobData } from '../queue.ts';
import { jobContext } from './practice.ts';

/**
 * delivery.send: one attempt of one send (DMP, MSSanté, PFI), claimed, called outside any
 * transaction, recorded (see attemptDelivery in @rayon/delivery). A send that must wait (its
 * circuit open, its next attempt later, another worker's claim) puts its job back, delayed until
 * then, without spending one of the queue's attempts; the maintenance hands back any due send
 * whose job was lost.
 */
export function deliverySendJob(
  db: Database,
  senders: Partial<Record<Destination, DeliverySender>>,
  o: { policy?: RetryPolicy | undefined; leaseMs?: number | undefined } = {},
) {
  const useCases = createDelivery({ db, senders, policy: o.policy, leaseMs: o.leaseMs });
  return async (job: Job<JobData>, token?: string) => {
    const { deliveryId } = jobPayload(job, DELIVERY_TOPIC);
    const practice = await jobContext(db, job);
    if (!practice) return { skipped: 'practice not active' };
    const result = await useCases.send(practice.ctx, deliveryId);
    if (result.retryAt && token) {
      // Back in the queue until its turn, without spending an attempt of the queue.
      await job.moveToDelayed(result.retryAt.getTime(), token);
      throw new DelayedError();
    }
    return result;
  };
}
