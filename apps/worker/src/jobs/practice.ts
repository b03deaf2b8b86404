import {
  findTenantById,
  systemContext,
  toTenantRef,
  type Database,
  type TenantRow,
  type UseCaseContext,
} from '@rayon/db';
import type { Job } from 'bullmq';
import type { JobData } from '../queue.ts';

/**
 * The context a job's use case runs in: the job's practice, if it is still active, and the request
 * that caused the job (else the job's own id, `job:<id>`). Undefined: the practice is gone or not
 * active, and the job is skipped.
 */
export async function jobContext(
  db: Database,
  job: Job<JobData>,
): Promise<{ ctx: UseCaseContext; tenant: TenantRow } | undefined> {
  const tenantId = job.data.tenantId;
  const tenant = tenantId ? await db.platform((tx) => findTenantById(tx, tenantId)) : undefined;
  if (!tenant || tenant.status !== 'active') return undefined;
  return { ctx: systemContext(job.data.requestId ?? `job:${job.id}`, toTenantRef(tenant)), tenant };
}
