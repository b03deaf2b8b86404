import { findTenantById, toTenantRef, type Database } from '@rayon/db';
import { isAppError } from '@rayon/domain';
import { callInsiForPatient, type InsiSettings } from '@rayon/identity';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { jobPayload } from '../payloads.ts';
import type { JobData } from '../queue.ts';

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
  return async (job: Job<JobData>) => {
    const { patientId, version } = jobPayload(job, 'identity.insi-auto');
    const tenant = job.data.tenantId
      ? await db.platform((tx) => findTenantById(tx, job.data.tenantId!))
      : undefined;
    if (!tenant || tenant.status !== 'active') return { skipped: 'practice not active' };
    try {
      const { code, result } = await callInsiForPatient(db, toTenantRef(tenant), patientId, {
        ...settings,
        mode: 'auto',
        actor: { type: 'system', id: 'insi-auto' },
        requestId: job.data.requestId,
        expectedVersion: version,
      });
      return { code, outcome: result.outcome };
    } catch (e) {
      if (isAppError(e) && e.code !== 'UNAVAILABLE' && e.code !== 'INTERNAL') {
        logger.info({ jobId: job.id, reason: e.code }, 'unattended INSi call not made');
        return { skipped: e.code };
      }
      throw e;
    }
  };
}
