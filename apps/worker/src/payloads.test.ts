import { UnrecoverableError, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { jobData, jobPayload } from './payloads.ts';
import type { JobData } from './queue.ts';

const ID = '0b9c1d6e-3f55-4a8e-9d2c-6f1e2a3b4c5d';
const job = (name: string, data: unknown) => ({ id: 'outbox-7', name, data }) as Job<JobData>;
const envelope = (payload: unknown) => ({ outboxId: 7, tenantId: ID, requestId: 'req-1', payload });

/** The error a call throws (the test fails when it throws none). */
function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe('job data, parsed where the worker reads it', () => {
  it('each topic reads the payload its producers write', () => {
    expect(jobPayload(job('delivery.send', envelope({ deliveryId: ID })), 'delivery.send')).toEqual({
      deliveryId: ID,
    });
    // The relay and the maintenance write more than the job needs: kept out, not refused.
    expect(
      jobPayload(job('report.documents', envelope({ reportId: ID, versionId: ID })), 'report.documents'),
    ).toEqual({ versionId: ID });
    expect(
      jobPayload(job('identity.insi-auto', envelope({ patientId: ID, version: 3 })), 'identity.insi-auto'),
    ).toEqual({ patientId: ID, version: 3 });
    expect(jobPayload(job('tenant.provision', envelope({ tenantId: ID })), 'tenant.provision')).toEqual({
      tenantId: ID,
    });
    expect(
      jobData(job('reports.remind', { outboxId: 0, tenantId: null, requestId: null, payload: {} })),
    ).toEqual({ outboxId: 0, tenantId: null, requestId: null, payload: {} });
  });

  it('a malformed payload fails for good (no retry), naming the job and the field', () => {
    const missing = errorOf(() => jobPayload(job('delivery.send', envelope({})), 'delivery.send'));
    expect(missing).toBeInstanceOf(UnrecoverableError);
    expect(missing.message).toMatch(/^job delivery\.send \(outbox-7\): payload is malformed: deliveryId: /);
    const wrong = errorOf(() =>
      jobPayload(job('identity.insi-auto', envelope({ patientId: 'x', version: '2' })), 'identity.insi-auto'),
    );
    expect(wrong).toBeInstanceOf(UnrecoverableError);
    expect(wrong.message).toMatch(/patientId: .*; version: /);
    expect(
      errorOf(() => jobPayload(job('tenant.deprovision', envelope({ tenantId: 42 })), 'tenant.deprovision')),
    ).toHaveProperty('message', expect.stringMatching(/payload is malformed: tenantId: /));
  });

  it('a malformed envelope fails for good, naming the field', () => {
    const e = errorOf(() => jobData(job('delivery.send', { outboxId: 7, tenantId: 'cabinet', payload: {} })));
    expect(e).toBeInstanceOf(UnrecoverableError);
    expect(e.message).toMatch(
      /^job delivery\.send \(outbox-7\): data is malformed: tenantId: .*; requestId: /,
    );
  });
});
