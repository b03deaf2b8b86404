import { describe, expect, it } from 'vitest';
import {
  accessionNumber,
  EXAM_STATUSES,
  examDoneElsewhere,
  FINAL_EXAM_STATUSES,
  FINAL_ORDER_STATUSES,
  FINAL_STATUS_REASON,
  isValidAeTitle,
  keepFinalExamStatus,
  nextExamStatus,
  nextOrderStatus,
  ORDER_STATUSES,
  uuidToDicomUid,
} from './scheduling.ts';

describe('scheduling rules', () => {
  it('an exam done at the placer site is completed, unless it was cancelled, missed or stopped', () => {
    for (const s of ['requested', 'scheduled', 'arrived', 'in_progress', 'completed'] as const) {
      expect(examDoneElsewhere(s)).toBe('completed');
    }
    for (const s of ['cancelled', 'no_show', 'discontinued'] as const) {
      expect(() => examDoneElsewhere(s)).toThrow(new RegExp(`from ${s} to completed`));
    }
  });

  it('follows scheduled → arrived → in progress → completed and refuses the rest', () => {
    expect(nextExamStatus('scheduled', 'arrived')).toBe('arrived');
    expect(nextExamStatus('arrived', 'in_progress')).toBe('in_progress');
    expect(nextExamStatus('in_progress', 'completed')).toBe('completed');
    expect(nextExamStatus('scheduled', 'no_show')).toBe('no_show');
    expect(() => nextExamStatus('completed', 'scheduled')).toThrow(/completed to scheduled/);
    expect(() => nextExamStatus('cancelled', 'arrived')).toThrow();
    expect(() => nextExamStatus('in_progress', 'cancelled')).toThrow();
  });

  it('no exam leaves a final status (completed, discontinued, cancelled), by any door', () => {
    for (const final of FINAL_EXAM_STATUSES) {
      for (const next of EXAM_STATUSES.filter((s) => s !== final)) {
        expect(() => nextExamStatus(final, next)).toThrow(`an exam cannot go from ${final} to ${next}`);
        expect(() => keepFinalExamStatus(final, next)).toThrow(
          expect.objectContaining({
            code: 'CONFLICT',
            reasonKey: FINAL_STATUS_REASON,
          }),
        );
      }
      expect(() => keepFinalExamStatus(final, final)).not.toThrow();
    }
    // A no-show is not final: the patient is booked again.
    expect(() => keepFinalExamStatus('no_show', 'scheduled')).not.toThrow();
    expect(nextExamStatus('no_show', 'scheduled')).toBe('scheduled');
  });

  it('no order leaves a final status (completed, cancelled); staying there is no move', () => {
    for (const final of FINAL_ORDER_STATUSES) {
      for (const next of ORDER_STATUSES.filter((s) => s !== final)) {
        expect(() => nextOrderStatus(final, next)).toThrow(
          expect.objectContaining({
            code: 'CONFLICT',
            message: `an order cannot go from ${final} to ${next}`,
            reasonKey: FINAL_STATUS_REASON,
          }),
        );
      }
      expect(nextOrderStatus(final, final)).toBe(final);
    }
    expect(nextOrderStatus('requested', 'scheduled')).toBe('scheduled');
    expect(nextOrderStatus('scheduled', 'completed')).toBe('completed');
    expect(nextOrderStatus('requested', 'cancelled')).toBe('cancelled');
  });

  it('checks AE titles', () => {
    expect(isValidAeTitle('CT_SALLE1')).toBe(true);
    expect(isValidAeTitle('A'.repeat(17))).toBe(false);
    expect(isValidAeTitle('BAD\\AE')).toBe(false);
    expect(isValidAeTitle('   ')).toBe(false);
  });

  it('makes 2.25 UIDs and accession numbers that fit DICOM', () => {
    const uid = uuidToDicomUid('00000000-0000-4000-8000-000000000001');
    expect(uid).toBe(`2.25.${BigInt('0x00000000000040008000000000000001').toString()}`);
    expect(uid.length).toBeLessThanOrEqual(64);
    expect(uuidToDicomUid('ffffffff-ffff-ffff-ffff-ffffffffffff').length).toBeLessThanOrEqual(64);
    expect(accessionNumber(42)).toBe('A000000042');
  });
});
