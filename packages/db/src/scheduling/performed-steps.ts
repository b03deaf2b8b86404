import type { PerformedStepStatus } from '@rayon/domain';
import { arrayContains, eq, sql } from 'drizzle-orm';
import { performedSteps } from '../schema/tenant.ts';
import type { TenantTx } from '../client.ts';

/**
 * Modality Performed Procedure Steps (DICOM MPPS) a modality reported: the SOP instance UID the
 * modality chose at N-CREATE, the exams it performs, and its status (IN PROGRESS, COMPLETED,
 * DISCONTINUED). An N-SET, usually on a later association, finds its exams here.
 */
export type PerformedStepRow = typeof performedSteps.$inferSelect;

/** The step of an N-CREATE; `undefined` when this SOP instance UID is already known. */
export async function insertPerformedStep(
  tx: TenantTx,
  p: { sopInstanceUid: string; modalityId: string; examIds: string[]; status: PerformedStepStatus },
): Promise<PerformedStepRow | undefined> {
  const [row] = await tx.insert(performedSteps).values(p).onConflictDoNothing().returning();
  return row;
}

/** The step of an N-SET, locked for the rest of the transaction when `forUpdate`. */
export async function findPerformedStep(
  tx: TenantTx,
  sopInstanceUid: string,
  o: { forUpdate?: boolean } = {},
): Promise<PerformedStepRow | undefined> {
  const q = tx.select().from(performedSteps).where(eq(performedSteps.sopInstanceUid, sopInstanceUid));
  const [row] = o.forUpdate ? await q.for('update') : await q;
  return row;
}

export async function setPerformedStepStatus(
  tx: TenantTx,
  sopInstanceUid: string,
  status: PerformedStepStatus,
): Promise<void> {
  await tx
    .update(performedSteps)
    .set({ status, updatedAt: sql`now()` })
    .where(eq(performedSteps.sopInstanceUid, sopInstanceUid));
}

/**
 * When an exam was actually performed, from its MPPS: the reception of the first N-CREATE
 * naming it (the modality sends it as the acquisition starts) and of the last N-SET that ended a
 * step (COMPLETED or DISCONTINUED), `null` while none did; `undefined` without any MPPS.
 * Hypothesis: the reception times stand for the modality's Performed Procedure Step Start/End
 * Date/Time (0040,0244/0245, 0040,0250/0251), which performed_steps does not keep (IHE SWF
 * RAD-6/RAD-7 send them as the step starts and ends).
 */
export async function performedTimesOfExam(
  tx: TenantTx,
  examId: string,
): Promise<{ startedAt: Date; endedAt: Date | null } | undefined> {
  const [row] = await tx
    .select({
      startedAt: sql<Date | null>`min(${performedSteps.createdAt})`.mapWith(performedSteps.createdAt),
      endedAt:
        sql<Date | null>`max(${performedSteps.updatedAt}) filter (where ${performedSteps.status} in ('COMPLETED', 'DISCONTINUED'))`.mapWith(
          performedSteps.updatedAt,
        ),
    })
    .from(performedSteps)
    .where(arrayContains(performedSteps.examIds, [examId]));
  if (!row?.startedAt) return undefined;
  return { startedAt: row.startedAt, endedAt: row.endedAt ?? null };
}
