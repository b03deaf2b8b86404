import type { Database } from '@rayon/db';
import { createIdentity, type InsiSettings } from '@rayon/identity';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { jobPayload } from '../payloads.ts';
import type { JobData } from '../queue.ts';
import { jobContext } from './practice.ts';

export interface IdentityJobSettings {
  insi: InsiSettings | undefined;
  secretsKey: Buffer;
}

/**
 * identity.insi-auto: the unattended INSi call (INSI-AUTO certificate) made after an identity is
 * created at the desk or through the API. Only the answer to the identity as it was created is
 * applied: changed meanwhile, the call is dropped (a person can call INSi from the portal).
 * INSi unreachable: retried with backoff. Refused for a reason a retry cannot fix: logged, done.
 */
export function insiAutoJob(db: Database, settings: IdentityJobSettings, logger: Logger) {
  const identity = createIdentity({ db, ...settings });
  return async (job: Job<JobData>) => {
    const { patientId, version } = jobPayload(job, 'identity.insi-auto');
    const practice = await jobContext(db, job);
    if (!practice) return { skipped: 'practice not active' };
    const ctx = { ...practice.ctx, actor: { type: 'system' as const, id: 'insi-auto' } };
    const outcome = await identity.callInsiAuto(ctx, patientId, version);
    if ('skipped' in outcome)
      logger.info({ jobId: job.id, reason: outcome.skipped }, 'unattended INSi call not made');
    return outcome;
  };
}
