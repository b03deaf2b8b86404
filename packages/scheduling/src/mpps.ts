import {
  audit,
  findExam,
  findExamByStepId,
  findPerformedStep,
  insertPerformedStep,
  setExamStatus,
  setPerformedStepStatus,
  type ExamRow,
  type TenantTx,
  type UseCaseContext,
} from '@rayon/db';
import type { MppsEvent, MppsResult, MppsStatus } from '@rayon/dicom';
import { AppError, nextExamStatus, type ExamStatus } from '@rayon/domain';
import type { SchedulingDeps } from './deps.ts';

const MPPS_STATUS: Record<MppsStatus, ExamStatus> = {
  'IN PROGRESS': 'in_progress',
  COMPLETED: 'completed',
  DISCONTINUED: 'discontinued',
};

/** An MPPS message that does not apply in the current state: the transaction is rolled back. */
class MppsRefused extends Error {}
/** An N-CREATE that lost the race to a concurrent N-CREATE of the same SOP instance. */
class MppsDuplicate extends Error {}

/** Steps an N-CREATE referenced, and how many of them are this practice's (for the gateway's log). */
export interface UnknownSteps {
  referenced: number;
  found: number;
}

/** What an MPPS message did, and the steps of an N-CREATE the practice does not know, if any. */
export interface PerformedStepOutcome {
  result: MppsResult;
  unknownSteps?: UnknownSteps;
}

/**
 * Moves the exams of a performed step to `target` and audits each change. Every transition is
 * checked before anything is written; an exam already there stays as it is (several performed
 * steps may share an exam).
 */
async function moveExams(
  ctx: UseCaseContext,
  tx: TenantTx,
  exams: ExamRow[],
  target: ExamStatus,
  sopInstanceUid: string,
) {
  const moves: ExamRow[] = [];
  for (const exam of exams) {
    if (exam.status === target) continue;
    try {
      nextExamStatus(exam.status, target);
    } catch (e) {
      if (e instanceof AppError) throw new MppsRefused(`exam is ${exam.status}`);
      throw e;
    }
    moves.push(exam);
  }
  for (const exam of moves) {
    await setExamStatus(tx, exam.id, target);
    await audit(ctx, tx, `exam.${target}`, exam.id, { mpps: sopInstanceUid });
  }
}

/**
 * N-CREATE: the exams behind the referenced steps (Scheduled Procedure Step ID, else Requested
 * Procedure ID: both are the exam's step id in our worklist) go in progress, and the performed
 * step is kept for the N-SETs to come. A step that is not one of this practice's (unscheduled
 * procedure, another system's id) moves nothing; it is told in `unknown`.
 */
async function mppsCreated(
  ctx: UseCaseContext,
  tx: TenantTx,
  modalityId: string,
  event: Extract<MppsEvent, { kind: 'create' }>,
  unknown: (steps: UnknownSteps) => void,
): Promise<MppsResult> {
  if (await findPerformedStep(tx, event.sopInstanceUid)) return 'duplicate';
  // Locks taken in step id order, as the N-SET of the same step will take them.
  const ids = [
    ...new Set(event.steps.map((s) => s.stepId ?? s.requestedProcedureId).filter((x) => x !== undefined)),
  ].sort();
  const exams: ExamRow[] = [];
  for (const stepId of ids) {
    const exam = await findExamByStepId(tx, stepId);
    if (exam && !exams.some((e) => e.id === exam.id)) exams.push(exam);
  }
  if (ids.length === 0 || exams.length < ids.length) unknown({ referenced: ids.length, found: exams.length });
  await moveExams(ctx, tx, exams, 'in_progress', event.sopInstanceUid);
  const row = await insertPerformedStep(tx, {
    sopInstanceUid: event.sopInstanceUid,
    modalityId,
    examIds: exams.map((e) => e.id),
    status: event.status,
  });
  // Created meanwhile by a concurrent N-CREATE: undo the exam changes too.
  if (!row) throw new MppsDuplicate();
  return 'accepted';
}

/**
 * N-SET: found by its SOP instance UID; only the modality that created the step may update it
 * (a step of before migration 0009 has no recorded modality: any modality of the practice, as
 * then); a completed or discontinued step is final.
 */
async function mppsSet(
  ctx: UseCaseContext,
  tx: TenantTx,
  modalityId: string,
  event: Extract<MppsEvent, { kind: 'set' }>,
): Promise<MppsResult> {
  const step = await findPerformedStep(tx, event.sopInstanceUid, { forUpdate: true });
  if (!step) return 'unknown';
  if (step.modalityId && step.modalityId !== modalityId) {
    // Processing failure (0110), the N-SET failure PS3.4 F.7.2.2 gives MPPS SCUs; nothing changes.
    return { outcome: 'refused', comment: 'performed procedure step of another modality' };
  }
  if (step.status !== 'IN PROGRESS') {
    return { outcome: 'refused', comment: `performed procedure step is ${step.status}` };
  }
  if (event.status && event.status !== 'IN PROGRESS') {
    const exams: ExamRow[] = [];
    for (const id of step.examIds) {
      const exam = await findExam(tx, id, { forUpdate: true });
      if (exam) exams.push(exam);
    }
    await moveExams(ctx, tx, exams, MPPS_STATUS[event.status], event.sopInstanceUid);
  }
  await setPerformedStepStatus(tx, event.sopInstanceUid, event.status ?? step.status);
  return 'accepted';
}

/**
 * Modality Performed Procedure Steps: what a modality's N-CREATE and N-SET do to the practice's
 * exams. Performed steps live in the practice's `performed_steps` table with the modality that
 * created them, so an N-SET finds its exams whatever happened to the gateway since the N-CREATE.
 */
export function mppsUseCases({ db }: SchedulingDeps) {
  return {
    /** An MPPS N-CREATE or N-SET of the modality `modalityId`, in one transaction of its practice. */
    performedStep: async (
      ctx: UseCaseContext,
      modalityId: string,
      event: MppsEvent,
    ): Promise<PerformedStepOutcome> => {
      let unknownSteps: UnknownSteps | undefined;
      const outcome = (result: MppsResult): PerformedStepOutcome => ({
        result,
        ...(unknownSteps ? { unknownSteps } : {}),
      });
      try {
        return outcome(
          await db.withTenant(ctx.tenant, (tx) =>
            event.kind === 'create'
              ? mppsCreated(ctx, tx, modalityId, event, (steps) => (unknownSteps = steps))
              : mppsSet(ctx, tx, modalityId, event),
          ),
        );
      } catch (e) {
        if (e instanceof MppsDuplicate) return outcome('duplicate');
        if (e instanceof MppsRefused) return outcome({ outcome: 'refused', comment: e.message });
        throw e;
      }
    },
  };
}
