import { DELIVERY_TOPIC, loggableError, REPORT_DOCUMENTS_TOPIC, type Database } from '@rayon/db';
import type { Destination, RetryPolicy } from '@rayon/domain';
import type { DeliverySender, MailboxReader } from '@rayon/delivery';
import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { insiAutoJob, type IdentityJobSettings } from './jobs/identity.ts';
import { deliverySendJob } from './jobs/delivery.ts';
import { REPORT_REMINDER_JOB, reportDocumentsJob, reportRemindersJob } from './jobs/reporting.ts';
import { MAILBOX_JOB, mailboxJob } from './jobs/mailbox.ts';
import { deprovisionJob, provisionJob } from './jobs/onboarding.ts';
import { jobData } from './payloads.ts';
import type { JobData } from './queue.ts';

/** A job's handler; `token` is the worker's lock on the job (to put it back delayed). */
export type Handler = (job: Job<JobData>, token?: string) => Promise<unknown>;

export function defaultHandlers(
  db: Database,
  identity: IdentityJobSettings,
  logger: Logger,
  /** The senders of the destinations this deployment reaches (DMP, MSSanté, PFI). */
  senders: Partial<Record<Destination, DeliverySender>> = {},
  o: {
    /** The reader of the practices' MSSanté mailboxes (DSN/MDN), when this deployment sends mails. */
    mailbox?: MailboxReader | undefined;
    /** After how long a pending send or missing documents count as lost (default 10 min). */
    lostAfterMs?: number | undefined;
    /** How long sends are retried (backoff cap, horizon) and the lease of a send's claim. */
    delivery?: { policy?: RetryPolicy | undefined; leaseMs?: number | undefined } | undefined;
  } = {},
): Record<string, Handler> {
  return {
    'tenant.provision': provisionJob(db),
    'tenant.deprovision': deprovisionJob(db),
    'identity.insi-auto': insiAutoJob(db, identity, logger),
    [REPORT_DOCUMENTS_TOPIC]: reportDocumentsJob(db),
    [REPORT_REMINDER_JOB]: reportRemindersJob(db, { lostAfterMs: o.lostAfterMs }),
    [DELIVERY_TOPIC]: deliverySendJob(db, senders, o.delivery),
    ...(o.mailbox ? { [MAILBOX_JOB]: mailboxJob(db, o.mailbox, logger) } : {}),
  };
}

/** Routes a job to its handler by name, with the job's tenant and request ids in every log line. */
export function createProcessor(handlers: Record<string, Handler>, logger: Logger) {
  return async (job: Job<JobData>, token?: string) => {
    const log = logger.child({
      jobId: job.id,
      job: job.name,
      tenantId: job.data.tenantId,
      requestId: job.data.requestId,
    });
    const handler = handlers[job.name];
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    log.info({ attempt: job.attemptsMade + 1 }, 'job started');
    try {
      jobData(job);
      const result = await handler(job, token);
      log.info('job done');
      return result;
    } catch (err) {
      if (err instanceof DelayedError) {
        log.info('job delayed');
        throw err;
      }
      log.warn({ err: loggableError(err) }, 'job failed');
      throw err;
    }
  };
}
