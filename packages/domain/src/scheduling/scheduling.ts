/**
 * Scheduling vocabulary and rules: modality types, exam statuses and their transitions, DICOM
 * identifiers generated for an order.
 */
import { isOneOf } from '../shared/values.ts';
import { AppError } from '../shared/errors.ts';

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

/**
 * Final statuses: nothing moves an exam out of them (the database refuses it too, migration
 * 0011's trigger). A no-show is not final: the patient may be booked again.
 */
export const FINAL_EXAM_STATUSES = [
  'completed',
  'discontinued',
  'cancelled',
] as const satisfies readonly ExamStatus[];

export function isFinalExamStatus(status: string): boolean {
  return isOneOf(FINAL_EXAM_STATUSES, status);
}

/** Order (demande d'examen) statuses: requested until booked, then done or cancelled. */
export const ORDER_STATUSES = ['requested', 'scheduled', 'completed', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_URGENCIES = ['routine', 'urgent'] as const;
export type OrderUrgency = (typeof ORDER_URGENCIES)[number];

/** Where an order came from: the desk (portal), the public API, an HL7 ORM/OMI message. */
export const ORDER_SOURCES = ['desk', 'api', 'hl7'] as const;
export type OrderSource = (typeof ORDER_SOURCES)[number];

/** The statuses of a DICOM Modality Performed Procedure Step (MPPS), as the modality writes them. */
export const PERFORMED_STEP_STATUSES = ['IN PROGRESS', 'COMPLETED', 'DISCONTINUED'] as const;
export type PerformedStepStatus = (typeof PERFORMED_STEP_STATUSES)[number];

/** An order done or cancelled stays so (the database refuses it too, migration 0011's trigger). */
export const FINAL_ORDER_STATUSES = ['completed', 'cancelled'] as const satisfies readonly OrderStatus[];

export function isFinalOrderStatus(status: string): boolean {
  return isOneOf(FINAL_ORDER_STATUSES, status);
}

/** Why a status change is refused (stable reason key, translated by the portal). */
export const FINAL_STATUS_REASON = 'scheduling.status.final';

const refusedMove = (what: 'exam' | 'order', current: string, next: string) =>
  new AppError('CONFLICT', `an ${what} cannot go from ${current} to ${next}`, {
    reason: isFinal(what, current) ? FINAL_STATUS_REASON : 'scheduling.status.transition',
    params: { what, from: current, to: next },
  });

const isFinal = (what: 'exam' | 'order', status: string) =>
  what === 'exam' ? isFinalExamStatus(status) : isFinalOrderStatus(status);

/**
 * The order's next status, or CONFLICT when it would leave a final status (completed,
 * cancelled). Staying where it is is not a move (a complement sent twice changes nothing).
 */
export function nextOrderStatus(current: string, next: OrderStatus): OrderStatus {
  if (!isOneOf(ORDER_STATUSES, next) || (current !== next && isFinalOrderStatus(current))) {
    throw refusedMove('order', current, next);
  }
  return next;
}

/**
 * The guard every write of an exam status goes through (repositories included): an exam in a
 * final status keeps it. The full transition rules are {@link nextExamStatus}'s.
 */
export function keepFinalExamStatus(current: string, next: string): void {
  if (current !== next && isFinalExamStatus(current)) throw refusedMove('exam', current, next);
}

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
  if (!TRANSITIONS[current]?.includes(next)) throw refusedMove('exam', current, next);
  return next;
}

/**
 * An exam the placer reports as done at its own site (teleradiology, OMI^O23 flux 4): it is
 * completed from any status but a final one (reporting it again changes nothing).
 */
export function examDoneElsewhere(current: ExamStatus): ExamStatus {
  if (current === 'completed') return current;
  if (isFinalExamStatus(current) || current === 'no_show') throw refusedMove('exam', current, 'completed');
  return 'completed';
}

/**
 * The practice's choice of worklist name matching (tenant setting): accents are significant by
 * default (DICOM PS3.4 C.2.2.2.1 leaves it to the SCP); with `accentInsensitiveNames`, a
 * modality's `NOEL*` finds NOËL. A practice setting rather than one per modality: the patients
 * and the way their names are typed are the practice's, and the same query should find the
 * same patient on every console of the practice (many consoles cannot type accents at all).
 */
export const WORKLIST_MATCHING_SETTING = 'worklist.matching';
export interface WorklistMatchingSetting {
  accentInsensitiveNames: boolean;
}
export const DEFAULT_WORKLIST_MATCHING: WorklistMatchingSetting = { accentInsensitiveNames: false };

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
