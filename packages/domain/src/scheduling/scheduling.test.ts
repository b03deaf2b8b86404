import { describe, expect, it } from 'vitest';
import {
  accessionNumber,
  examDoneElsewhere,
  isValidAeTitle,
  nextExamStatus,
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
