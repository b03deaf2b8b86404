import { deprovisionTenant, markProvisioningFailed, provisionTenant, type Database } from '@rayon/db';
import type { Job } from 'bullmq';
import { jobPayload } from '../payloads.ts';
import type { JobData } from '../queue.ts';

const SYSTEM = { type: 'system' as const, id: 'worker' };

/** tenant.provision: schema, migrations, first site; progress on the job and on the tenant row. */
export function provisionJob(db: Database) {
  return async (job: Job<JobData>) => {
    const { tenantId } = jobPayload(job, 'tenant.provision');
    try {
      await provisionTenant(db, tenantId, {
        actor: SYSTEM,
        requestId: job.data.requestId,
        onProgress: (state) => job.updateProgress({ step: state.step, percent: state.percent }),
      });
    } catch (err) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        await markProvisioningFailed(db, tenantId, (err as Error).message);
      }
      throw err;
    }
  };
}

export function deprovisionJob(db: Database) {
  return async (job: Job<JobData>) => {
    await deprovisionTenant(db, jobPayload(job, 'tenant.deprovision').tenantId, {
      actor: SYSTEM,
      requestId: job.data.requestId,
    });
  };
}
