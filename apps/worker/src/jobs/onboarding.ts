import { systemContext, type Database } from '@rayon/db';
import { createProvisioning } from '@rayon/onboarding';
import type { Job } from 'bullmq';
import { jobPayload } from '../payloads.ts';
import type { JobData } from '../queue.ts';

/** The job's context: the system actor named `worker`, under the request that asked for it. */
const contextOf = (job: Job<JobData>) => ({
  ...systemContext(job.data.requestId ?? `job:${job.id}`),
  actor: { type: 'system' as const, id: 'worker' },
});

/** tenant.provision: schema, migrations, first site; progress on the job and on the tenant row. */
export function provisionJob(db: Database) {
  const { provisionPractice } = createProvisioning({ db });
  return async (job: Job<JobData>) => {
    await provisionPractice(contextOf(job), jobPayload(job, 'tenant.provision').tenantId, {
      onProgress: (state) => job.updateProgress({ step: state.step, percent: state.percent }),
      lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
    });
  };
}

export function deprovisionJob(db: Database) {
  const { removePractice } = createProvisioning({ db });
  return async (job: Job<JobData>) => {
    await removePractice(contextOf(job), jobPayload(job, 'tenant.deprovision').tenantId);
  };
}
