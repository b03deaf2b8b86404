/**
 * The desk (accueil): what its day shows about each appointment. The clock is the caller's.
 */
import type { ExamStatus } from './scheduling.ts';

/** « En retard »: still expected (scheduled, not arrived) while its start time has passed. */
export function isLate(appointment: { status: string; startsAt: Date }, now: Date): boolean {
  return appointment.status === 'scheduled' && appointment.startsAt.getTime() < now.getTime();
}

/** What the desk can do with an appointment in this status. */
export interface DeskActions {
  /** « Arrivé »: the patient is at the desk. */
  arrive: boolean;
  /** « Absent »: the patient did not come (the slot is freed). */
  noShow: boolean;
  /** Moved to another slot (booking again). */
  move: boolean;
  /** Appointment cancelled: the exam goes back to the demandes to schedule. */
  cancel: boolean;
}

export function deskActions(status: string): DeskActions {
  const s = status as ExamStatus;
  return {
    arrive: s === 'scheduled',
    noShow: s === 'scheduled',
    move: s === 'scheduled',
    cancel: s === 'scheduled',
  };
}

/** Statuses of the technologist's worklist (liste de travail), in the order of the day's work. */
export const WORKLIST_STATUSES = ['scheduled', 'arrived', 'in_progress', 'completed'] as const;

/** What the technologist can do with a step: start it once the patient is there, then end it. */
export function worklistActions(status: string): { start: boolean; complete: boolean } {
  return { start: status === 'arrived' || status === 'scheduled', complete: status === 'in_progress' };
}
