/**
 * Scheduling vocabulary and rules: modality types, exam statuses and their transitions, DICOM
 * identifiers generated for an order.
 */
import { conflict } from '../shared/errors.ts';

/** Modality types Rayon schedules (DICOM Modality, CID 29 subset). */
export const MODALITY_TYPES = ['CR', 'DX', 'MG', 'CT', 'MR', 'US', 'NM', 'PT'] as const;
export type ModalityType = (typeof MODALITY_TYPES)[number];

export const EXAM_STATUSES = [
  'requested',
  'scheduled',
  'arrived',
  'in_progress',
  'completed',
  'discontinued',
  'cancelled',
  'no_show',
] as const;
export type ExamStatus = (typeof EXAM_STATUSES)[number];

export const EXAM_STATUS_LABELS: Record<ExamStatus, string> = {
  requested: 'Demandé',
  scheduled: 'Programmé',
  arrived: 'Arrivé',
  in_progress: 'En cours',
  completed: 'Terminé',
  discontinued: 'Interrompu',
  cancelled: 'Annulé',
  no_show: 'Absent',
};

/** scheduled → arrived → in progress → completed (or discontinued); cancelled / no-show before. */
const TRANSITIONS: Record<ExamStatus, readonly ExamStatus[]> = {
  requested: ['scheduled', 'cancelled'],
  scheduled: ['scheduled', 'arrived', 'in_progress', 'cancelled', 'no_show', 'requested'],
  arrived: ['in_progress', 'cancelled'],
  in_progress: ['completed', 'discontinued'],
  completed: [],
  discontinued: [],
  cancelled: [],
  no_show: ['scheduled'],
};

/** The exam's next status, or CONFLICT naming the refused transition. */
export function nextExamStatus(current: ExamStatus, next: ExamStatus): ExamStatus {
  if (!TRANSITIONS[current].includes(next)) {
    throw conflict(`an exam cannot go from ${current} to ${next}`);
  }
  return next;
}

/**
 * An exam the placer reports as done at its own site (teleradiology, OMI^O23 flux 4): it is
 * completed from any status but a final one (reporting it again changes nothing).
 */
export function examDoneElsewhere(current: ExamStatus): ExamStatus {
  if (current === 'completed') return current;
  if (TRANSITIONS[current].length === 0 || current === 'no_show') {
    throw conflict(`an exam cannot go from ${current} to completed`);
  }
  return 'completed';
}

/** DICOM AE title: 1 to 16 characters of the default repertoire, no backslash, not only spaces. */
export function isValidAeTitle(value: string): boolean {
  return /^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(value) && value.trim() !== '';
}

/** A Study Instance UID in the 2.25 form (PS3.5 B.2): the UUID as a decimal integer. */
export function uuidToDicomUid(uuid: string): string {
  const hex = uuid.replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`;
}

/** Accession number from the practice's sequence: `A` + 9 digits (DICOM SH, at most 16 characters). */
export function accessionNumber(sequenceValue: number): string {
  return `A${String(sequenceValue).padStart(9, '0')}`;
}

export * from './calendar.ts';
export * from './availability.ts';
export * from './desk.ts';
