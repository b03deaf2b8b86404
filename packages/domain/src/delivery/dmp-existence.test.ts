import { describe, expect, it } from 'vitest';
import { DMP_EXISTENCE_REASONS, dmpExistenceOutcome, needsDmpExistenceCheck } from './dmp-existence.ts';

describe('TD0.2 before the first DMP send for a patient', () => {
  it('asked before a publication or a replacement until an open DMP was seen; never for an update or a withdrawal', () => {
    expect(needsDmpExistenceCheck('publish', null)).toBe(true);
    expect(needsDmpExistenceCheck('replace', 'none')).toBe(true);
    expect(needsDmpExistenceCheck('publish', 'opposed')).toBe(true);
    expect(needsDmpExistenceCheck('publish', 'exists')).toBe(false);
    expect(needsDmpExistenceCheck('visibility', null)).toBe(false);
    expect(needsDmpExistenceCheck('withdraw', null)).toBe(false);
  });

  it('no DMP, opposition, closed: « Pas de DMP », not sent and recorded; a DMP: it goes', () => {
    expect(dmpExistenceOutcome({ status: 'exists', insDifference: false })).toEqual({
      go: true,
      record: 'exists',
    });
    for (const status of ['none', 'opposed', 'closed'] as const) {
      const outcome = dmpExistenceOutcome({ status });
      expect(outcome).toEqual({ go: false, notSent: DMP_EXISTENCE_REASONS[status], record: status });
      expect(DMP_EXISTENCE_REASONS[status]).toMatch(/^Pas de DMP/);
    }
  });

  it('another INS at the DMP: nothing sent, a failure for a person, traced; the status not recorded', () => {
    expect(dmpExistenceOutcome({ status: 'exists', insDifference: true })).toEqual({
      go: false,
      failed: DMP_EXISTENCE_REASONS.insDifference,
      trace: 'ins-difference',
    });
  });
});
