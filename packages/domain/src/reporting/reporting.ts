/**
 * The imaging report (compte rendu d'imagerie) and its versions. A version is written (draft),
 * may be shown as préliminaire (provisional), then validated — signed by a radiologist allowed
 * to sign; once validated it never changes: a correction is a new version that replaces it (the
 * old one stays readable, marked replaced), a withdrawal removes the report from circulation.
 * Second reading: a version written by someone who may not sign (a resident) waits for a senior
 * to validate it. Only one person edits a version at a time (an edit lock with an expiry). A
 * report to be announced (annonce) stays hidden from the patient until the announcement is
 * recorded. Pure rules: the caller brings the clock and the stored state.
 */
import { AppError, conflict } from '../shared/errors.ts';

export const REPORT_STATUSES = ['draft', 'provisional', 'validated', 'replaced', 'withdrawn'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const REPORT_STATUS_LABELS: Record<ReportStatus, string> = {
  draft: 'Brouillon',
  provisional: 'Préliminaire',
  validated: 'Validé',
  replaced: 'Remplacé',
  withdrawn: 'Retiré',
};

/** A provisional report older than this reminds its radiologist until it is validated. */
export const PROVISIONAL_REMINDER_MS = 48 * 3600 * 1000;
/** The practice's settings key of the RGPD mentions printed on its reports. */
export const RGPD_NOTICE_SETTING = 'reports.rgpdNotice';
/** The notification kind of that reminder. */
export const PROVISIONAL_REMINDER_KIND = 'report.provisional';
/** The kinds of notification a user may receive (`notifications.kind`). */
export const NOTIFICATION_KINDS = [PROVISIONAL_REMINDER_KIND] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
/** An edit lock not renewed for this long is free for someone else. */
export const EDIT_LOCK_MS = 10 * 60 * 1000;

export interface ReportActor {
  userId: string;
  /** Holds the right to sign (validate) reports: a radiologist, not a resident. */
  canSign: boolean;
}

export interface ReportVersionState {
  status: ReportStatus;
  version: number;
  authorId: string;
  /** When the version became provisional (the reminder counts from there). */
  provisionalAt: Date | null;
  lock: { userId: string; until: Date } | null;
}

const TRANSITIONS: Record<ReportStatus, readonly ReportStatus[]> = {
  draft: ['provisional', 'validated'],
  provisional: ['draft', 'validated'],
  validated: ['replaced', 'withdrawn'],
  replaced: [],
  withdrawn: [],
};

/** The next status of a version, or CONFLICT naming the refused transition. */
export function nextReportStatus(current: ReportStatus, next: ReportStatus): ReportStatus {
  if (!TRANSITIONS[current].includes(next)) {
    throw conflict(
      `a report cannot go from ${REPORT_STATUS_LABELS[current]} to ${REPORT_STATUS_LABELS[next]}`,
      {
        reason: 'reporting.status.transition',
        params: { from: current, to: next },
      },
    );
  }
  return next;
}

/** Text can change only while the version is a draft or provisional, by the lock holder. */
export function assertEditable(state: ReportVersionState, actor: ReportActor, now: Date): void {
  if (state.status !== 'draft' && state.status !== 'provisional') {
    throw conflict(
      `a ${REPORT_STATUS_LABELS[state.status].toLowerCase()} report cannot be edited: correct it`,
      {
        reason: 'reporting.report.not_editable',
        params: { status: state.status },
      },
    );
  }
  const holder = lockHolder(state, now);
  if (holder !== null && holder !== actor.userId) {
    throw conflict('someone else is editing this report', { reason: 'reporting.report.locked' });
  }
}

/** Who holds the edit lock now (null when free or expired). */
export function lockHolder(state: ReportVersionState, now: Date): string | null {
  return state.lock && state.lock.until.getTime() > now.getTime() ? state.lock.userId : null;
}

/** Takes or renews the edit lock; CONFLICT when another user holds it. */
export function acquireLock(
  state: ReportVersionState,
  actor: ReportActor,
  now: Date,
): { userId: string; until: Date } {
  assertEditable(state, actor, now);
  return { userId: actor.userId, until: new Date(now.getTime() + EDIT_LOCK_MS) };
}

/**
 * Validation (signature): by a user allowed to sign. A version written by someone who may not
 * sign is a second reading: validated by a senior, never by its author alone.
 */
export function validate(state: ReportVersionState, actor: ReportActor, now: Date): ReportStatus {
  if (!actor.canSign) {
    throw new AppError('FORBIDDEN', 'only a radiologist allowed to sign can validate a report', {
      reason: 'reporting.signer.not_allowed',
    });
  }
  assertEditable(state, actor, now);
  return nextReportStatus(state.status, 'validated');
}

/** Whether a provisional version should remind its radiologist now. */
export function needsProvisionalReminder(state: ReportVersionState, now: Date): boolean {
  return (
    state.status === 'provisional' &&
    state.provisionalAt !== null &&
    now.getTime() - state.provisionalAt.getTime() >= PROVISIONAL_REMINDER_MS
  );
}

export interface Announcement {
  /** The radiologist asked for the result to be announced to the patient before release. */
  required: boolean;
  announcedAt: Date | null;
  announcedBy: string | null;
}

/** Whether the patient may see the report (DMP visibility, patient MSSanté mail). */
export function visibleToPatient(a: Announcement): boolean {
  return !a.required || a.announcedAt !== null;
}

/** Records the announcement (annonce): who and when; only once, only when required. */
export function recordAnnouncement(a: Announcement, by: string, at: Date): Announcement {
  if (!a.required) {
    throw conflict('this report does not wait for an announcement', {
      reason: 'reporting.announcement.not_required',
    });
  }
  if (a.announcedAt)
    throw conflict('the announcement is already recorded', { reason: 'reporting.announcement.recorded' });
  return { required: true, announcedAt: at, announcedBy: by };
}

/** The largest CDA read: a report of a few pages is far below (the PDF is most of it). */
export const MAX_CDA_BYTES = 20 * 1024 * 1024;
