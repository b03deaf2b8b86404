import { eq, sql } from 'drizzle-orm';
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
  p: { sopInstanceUid: string; modalityId: string; examIds: string[]; status: string },
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
  status: string,
): Promise<void> {
  await tx
    .update(performedSteps)
    .set({ status, updatedAt: sql`now()` })
    .where(eq(performedSteps.sopInstanceUid, sopInstanceUid));
}
