import { describe, expect, it } from 'vitest';
import {
  acquireLock,
  assertEditable,
  EDIT_LOCK_MS,
  needsProvisionalReminder,
  nextReportStatus,
  PROVISIONAL_REMINDER_MS,
  recordAnnouncement,
  REPORT_STATUSES,
  validate,
  visibleToPatient,
  type ReportStatus,
  type ReportVersionState,
} from './reporting.ts';

const now = new Date('2026-11-22T10:00:00Z');
const senior = { userId: 'senior', canSign: true };
const resident = { userId: 'resident', canSign: false };
const state = (o: Partial<ReportVersionState> = {}): ReportVersionState => ({
  status: 'draft',
  version: 1,
  authorId: 'resident',
  provisionalAt: null,
  lock: null,
  ...o,
});

describe('report lifecycle', () => {
  const allowed: [ReportStatus, ReportStatus][] = [
    ['draft', 'provisional'],
    ['draft', 'validated'],
    ['provisional', 'draft'],
    ['provisional', 'validated'],
    ['validated', 'replaced'],
    ['validated', 'withdrawn'],
  ];
  it.each(REPORT_STATUSES.flatMap((from) => REPORT_STATUSES.map((to) => [from, to] as const)))(
    '%s → %s follows the table',
    (from, to) => {
      const ok = allowed.some(([a, b]) => a === from && b === to);
      if (ok) expect(nextReportStatus(from, to)).toBe(to);
      else expect(() => nextReportStatus(from, to)).toThrow(/cannot go from/);
    },
  );

  it('a validated, replaced or withdrawn version cannot be edited', () => {
    for (const status of ['validated', 'replaced', 'withdrawn'] as const) {
      expect(() => assertEditable(state({ status }), senior, now)).toThrow(/cannot be edited/);
    }
  });

  it('second reading: the resident writes, cannot validate; the senior validates', () => {
    expect(() => validate(state(), resident, now)).toThrow(/allowed to sign/);
    expect(validate(state({ status: 'provisional' }), senior, now)).toBe('validated');
  });
});

describe('edit lock', () => {
  it('one editor at a time; the lock expires', () => {
    const lock = acquireLock(state(), resident, now);
    expect(lock).toEqual({ userId: 'resident', until: new Date(now.getTime() + EDIT_LOCK_MS) });
    const locked = state({ lock });
    expect(() => acquireLock(locked, senior, now)).toThrow(/someone else is editing/);
    expect(() => validate(locked, senior, now)).toThrow(/someone else is editing/);
    expect(acquireLock(locked, resident, now).userId).toBe('resident');
    const later = new Date(lock.until.getTime() + 1);
    expect(acquireLock(locked, senior, later).userId).toBe('senior');
  });
});

describe('48 h reminder of provisional reports', () => {
  it('fires from 48 h after the report became provisional, and not for other statuses', () => {
    const provisionalAt = new Date(now.getTime() - PROVISIONAL_REMINDER_MS);
    expect(needsProvisionalReminder(state({ status: 'provisional', provisionalAt }), now)).toBe(true);
    expect(
      needsProvisionalReminder(state({ status: 'provisional', provisionalAt }), new Date(now.getTime() - 1)),
    ).toBe(false);
    expect(needsProvisionalReminder(state({ status: 'validated', provisionalAt }), now)).toBe(false);
  });
});

describe('announcement', () => {
  it('hides the report from the patient until recorded, once, with who and when', () => {
    const pending = { required: true, announcedAt: null, announcedBy: null };
    expect(visibleToPatient(pending)).toBe(false);
    const done = recordAnnouncement(pending, 'senior', now);
    expect(done).toEqual({ required: true, announcedAt: now, announcedBy: 'senior' });
    expect(visibleToPatient(done)).toBe(true);
    expect(() => recordAnnouncement(done, 'senior', now)).toThrow(/already recorded/);
    expect(visibleToPatient({ required: false, announcedAt: null, announcedBy: null })).toBe(true);
    expect(() =>
      recordAnnouncement({ required: false, announcedAt: null, announcedBy: null }, 'x', now),
    ).toThrow();
  });
});
