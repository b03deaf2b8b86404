import type { Database } from '@rayon/db';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { createFairness, FAIR_TOPICS } from './fairness.ts';
import type { Logger } from 'pino';
import { createRelay } from './outbox/relay.ts';
import { MAILBOX_EVERY_MS, MAILBOX_JOB } from './jobs/mailbox.ts';
import { REPORT_REMINDER_EVERY_MS, REPORT_REMINDER_JOB } from './jobs/reporting.ts';
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
  /** How often the maintenance job runs (reminders, lost work; default every 15 minutes). */
  maintenanceEveryMs?: number | undefined;
  /** How often the MSSanté mailboxes are read (default every minute). */
  mailboxEveryMs?: number | undefined;
}

const redisUrlOf = (c: ConnectionOptions) =>
  'url' in c && typeof c.url === 'string' ? c.url : 'redis://127.0.0.1:6379';

/** The outbox relay and the job processors of one worker process. */
export async function startWorkerTier(o: WorkerTierOptions) {
  const queue = createJobsQueue(o.connection, o.prefix);
  const counters = new Redis(redisUrlOf(o.connection), { maxRetriesPerRequest: null });
  const fairness = createFairness(counters, o.prefix);
  const relay = createRelay({ db: o.db, queue, logger: o.logger, fairness });
  const worker = new Worker<JobData>(JOBS_QUEUE, createProcessor(o.handlers, o.logger), {
    connection: o.connection,
    prefix: o.prefix,
    concurrency: o.concurrency ?? 4,
  });
  // Redis unreachable (restarting): said once per connection, then the clients reconnect by themselves.
  let redisDown = false;
  const onRedisError = (err: Error) => {
    if (!redisDown) o.logger.error({ err: err.message }, 'Redis unreachable; reconnecting');
    redisDown = true;
  };
  counters.on('error', onRedisError);
  counters.on('ready', () => (redisDown = false));
  queue.on('error', onRedisError);
  worker.on('error', (err) => o.logger.error({ err: err.message }, 'worker error'));
  // A prioritised send leaves its practice's count when it is done or failed for good.
  const countOut = (job: Job<JobData> | undefined, final: boolean) => {
    if (job && final && FAIR_TOPICS.has(job.name)) void fairness.done(job.data.tenantId).catch(() => {});
  };
  worker.on('completed', (job) => countOut(job, true));
  // Failed for good: its attempts spent, or refused at once (malformed data, see payloads.ts).
  worker.on('failed', (job, err) =>
    countOut(
      job,
      !!job && (err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1)),
    ),
  );
  if (o.relay !== false) await relay.start();
  // Scheduled jobs: one scheduler per name whatever the number of workers. Upserted again every
  // minute: a Redis that restarted without its data has lost them, and they are what finds the
  // work it lost.
  const schedules: [string, number][] = [
    [REPORT_REMINDER_JOB, o.maintenanceEveryMs ?? REPORT_REMINDER_EVERY_MS],
    [MAILBOX_JOB, o.mailboxEveryMs ?? MAILBOX_EVERY_MS],
  ];
  const schedule = async () => {
    for (const [name, every] of schedules) {
      if (!o.handlers[name]) continue;
      await queue.upsertJobScheduler(
        name,
        { every },
        { name, data: { outboxId: 0, tenantId: null, requestId: null, payload: {} } },
      );
    }
  };
  await schedule();
  const rescheduling = setInterval(
    () => void schedule().catch((err) => o.logger.warn({ err: err.message }, 'schedules not renewed')),
    Math.min(60_000, ...schedules.map(([, every]) => every)),
  );
  return {
    queue,
    /** Stops taking jobs, lets running ones finish, then stops the relay. */
    async stop() {
      clearInterval(rescheduling);
      await worker.close();
      await relay.stop();
      await queue.close();
      counters.disconnect();
    },
  };
}
