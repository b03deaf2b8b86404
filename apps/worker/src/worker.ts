import type { Database } from '@rayon/db';
import { Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { createRelay } from './outbox/relay.ts';
import { REPORT_REMINDER_EVERY_MS, REPORT_REMINDER_JOB } from './jobs/reports.ts';
import { createProcessor, type Handler } from './processor.ts';
import { createJobsQueue, JOBS_QUEUE, type JobData } from './queue.ts';

export interface WorkerTierOptions {
  db: Database;
  connection: ConnectionOptions;
  prefix: string;
  logger: Logger;
  handlers: Record<string, Handler>;
  concurrency?: number;
  relay?: boolean;
}

/** The outbox relay and the job processors of one worker process. */
export async function startWorkerTier(o: WorkerTierOptions) {
  const queue = createJobsQueue(o.connection, o.prefix);
  const relay = createRelay({ db: o.db, queue, logger: o.logger });
  const worker = new Worker<JobData>(JOBS_QUEUE, createProcessor(o.handlers, o.logger), {
    connection: o.connection,
    prefix: o.prefix,
    concurrency: o.concurrency ?? 4,
  });
  worker.on('error', (err) => o.logger.error({ err: err.message }, 'worker error'));
  if (o.relay !== false) await relay.start();
  // Scheduled jobs: one scheduler per name whatever the number of workers.
  if (o.handlers[REPORT_REMINDER_JOB]) {
    await queue.upsertJobScheduler(
      REPORT_REMINDER_JOB,
      { every: REPORT_REMINDER_EVERY_MS },
      { name: REPORT_REMINDER_JOB, data: { outboxId: 0, tenantId: null, requestId: null, payload: {} } },
    );
  }
  return {
    queue,
    /** Stops taking jobs, lets running ones finish, then stops the relay. */
    async stop() {
      await worker.close();
      await relay.stop();
      await queue.close();
    },
  };
}
