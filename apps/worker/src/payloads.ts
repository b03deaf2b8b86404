/**
 * What each job carries, parsed where the worker reads it: the envelope (outbox row id, tenant,
 * request) and each topic's payload as its producers write it. A job whose data does not parse
 * can never succeed: it fails at once (UnrecoverableError, no retry), its reason naming the
 * malformed field, and stays in the failed jobs for a person to look at.
 */
import { DELIVERY_TOPIC, malformed, REPORT_DOCUMENTS_TOPIC, type OutboxTopic } from '@rayon/db';
import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import type { JobData } from './queue.ts';

export const JOB_DATA = z.object({
  outboxId: z.number().int().nonnegative(),
  tenantId: z.uuid().nullable(),
  requestId: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
});

/** The payload of each outbox topic (every topic the outbox's CHECK allows has one). */
export const JOB_PAYLOADS = {
  'tenant.provision': z.object({ tenantId: z.uuid() }),
  'tenant.deprovision': z.object({ tenantId: z.uuid() }),
  'identity.insi-auto': z.object({ patientId: z.uuid(), version: z.number().int().positive() }),
  [REPORT_DOCUMENTS_TOPIC]: z.object({ versionId: z.uuid() }),
  [DELIVERY_TOPIC]: z.object({ deliveryId: z.uuid() }),
} satisfies Record<OutboxTopic, z.ZodType>;
type Topic = keyof typeof JOB_PAYLOADS;
type Payload<T extends Topic> = z.output<(typeof JOB_PAYLOADS)[T]>;
/** The same, indexed so that a topic's schema keeps its payload's type. */
const PAYLOADS: { [T in Topic]: z.ZodType<Payload<T>> } = JOB_PAYLOADS;

function parsed<T>(job: Job, schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new UnrecoverableError(malformed(`job ${job.name} (${job.id}): ${what}`, result.error));
  return result.data;
}

/** The job's envelope, checked before anything reads it. */
export const jobData = (job: Job<JobData>): JobData => parsed(job, JOB_DATA, job.data, 'data');

/** The job's payload as its topic defines it. */
export const jobPayload = <T extends Topic>(job: Job<JobData>, topic: T): Payload<T> =>
  parsed(job, PAYLOADS[topic], job.data.payload, 'payload');
