import { Queue, type ConnectionOptions } from 'bullmq';

export const JOBS_QUEUE = 'jobs';

/** Every job carries its tenant and the request that caused it, so logs line up across processes. */
export interface JobData {
  outboxId: number;
  tenantId: string | null;
  requestId: string | null;
  payload: Record<string, unknown>;
}

/**
 * Completed and failed jobs are kept for a week: the relay re-adds a row it could not mark as
 * enqueued under the same job id, and BullMQ ignores an add whose id it still holds.
 */
export const KEEP = { age: 7 * 24 * 3600, count: 100_000 };

export function createJobsQueue(connection: ConnectionOptions, prefix: string) {
  return new Queue<JobData>(JOBS_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
      removeOnComplete: KEEP,
      removeOnFail: KEEP,
    },
  });
}
