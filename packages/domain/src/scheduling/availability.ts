/**
 * Free slots: where an exam of a given duration can be booked, on the modalities able to do it,
 * inside their opening hours and outside their busy intervals. Pure: the caller passes the
 * modalities, the busy intervals and the period (already clamped to "not in the past").
 */
import { badInput } from '../shared/errors.ts';
import {
  addDays,
  minutesOfDay,
  PRACTICE_TIME_ZONE,
  zonedDate,
  zonedDateTimeToInstant,
} from '../shared/paris-time.ts';
import { isoWeekday, type WeeklyOpeningHours } from './calendar.ts';

export interface Interval {
  start: Date;
  end: Date;
}

/** Slot steps: divisors of an hour, so that slots fall on the same wall-clock minutes every day. */
export const SLOT_STEPS = [5, 10, 15, 20, 30, 60] as const;
export type SlotStep = (typeof SLOT_STEPS)[number];

export interface AvailabilityModality {
  id: string;
  openingHours: WeeklyOpeningHours;
}

export interface BusyInterval extends Interval {
  modalityId: string;
}

export interface AvailabilityQuery {
  /** The modalities able to do the exam (same modality type), in the order of preference. */
  modalities: readonly AvailabilityModality[];
  /** Appointments holding a modality: a slot never overlaps one of its modality's. */
  busy: readonly BusyInterval[];
  /** Slots start at or after `from` and before `to`. */
  from: Date;
  to: Date;
  durationMinutes: number;
  /** Slots start on wall-clock multiples of the step (08:00, 08:15…). Default 15. */
  stepMinutes?: number;
  /** At most this many slots, the first ones. Default 50. */
  limit?: number;
  timeZone?: string;
}

export interface Slot {
  modalityId: string;
  startsAt: Date;
  endsAt: Date;
}

/**
 * The instants of a modality's opening intervals on one calendar date. An interval whose end is
 * not after its start is ignored. On a daylight saving day the wall-clock interval keeps its
 * wall-clock bounds: 08:00–12:00 lasts 4 hours, 01:00–04:00 lasts 2 hours in spring, 4 in autumn.
 */
export function openingIntervals(
  hours: WeeklyOpeningHours,
  date: string,
  timeZone = PRACTICE_TIME_ZONE,
): Interval[] {
  const out: Interval[] = [];
  for (const [from, to] of hours[isoWeekday(date)] ?? []) {
    if (minutesOfDay(to) <= minutesOfDay(from)) continue;
    const start = zonedDateTimeToInstant(date, from, timeZone);
    const end = zonedDateTimeToInstant(date, to, timeZone);
    if (end > start) out.push({ start, end });
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** Whether [start, end) lies inside one opening interval of the modality (on the day it starts). */
export function isWithinOpeningHours(
  hours: WeeklyOpeningHours,
  start: Date,
  end: Date,
  timeZone = PRACTICE_TIME_ZONE,
): boolean {
  if (end <= start) return false;
  return openingIntervals(hours, zonedDate(start, timeZone), timeZone).some(
    (i) => i.start <= start && end <= i.end,
  );
}

/** `intervals` minus `holes`: both sorted or not, the result is sorted and disjoint. */
export function subtractIntervals(intervals: readonly Interval[], holes: readonly Interval[]): Interval[] {
  const sortedHoles = [...holes].sort((a, b) => a.start.getTime() - b.start.getTime());
  const out: Interval[] = [];
  for (const interval of [...intervals].sort((a, b) => a.start.getTime() - b.start.getTime())) {
    let cursor = interval.start.getTime();
    const end = interval.end.getTime();
    for (const hole of sortedHoles) {
      const hs = hole.start.getTime();
      const he = hole.end.getTime();
      if (he <= cursor || hs >= end) continue;
      if (hs > cursor) out.push({ start: new Date(cursor), end: new Date(hs) });
      cursor = Math.max(cursor, he);
      if (cursor >= end) break;
    }
    if (cursor < end) out.push({ start: new Date(cursor), end: new Date(end) });
  }
  return out;
}

/**
 * Free slots of `durationMinutes`, first ones first (ties: the modalities' order), on a grid of
 * `stepMinutes` aligned on the wall clock, never outside opening hours, never overlapping a busy
 * interval of the same modality.
 */
export function findAvailableSlots(q: AvailabilityQuery): Slot[] {
  const step = q.stepMinutes ?? 15;
  const limit = q.limit ?? 50;
  const timeZone = q.timeZone ?? PRACTICE_TIME_ZONE;
  if (!(SLOT_STEPS as readonly number[]).includes(step)) {
    throw badInput('step', `the step must be one of ${SLOT_STEPS.join(', ')} minutes`);
  }
  if (!Number.isInteger(q.durationMinutes) || q.durationMinutes <= 0) {
    throw badInput('durationMinutes', 'the duration must be a positive number of minutes');
  }
  if (q.to <= q.from) throw badInput('to', 'the end of the period must be after its start');
  if (!Number.isInteger(limit) || limit <= 0) throw badInput('limit', 'the limit must be positive');

  const stepMs = step * 60_000;
  const durationMs = q.durationMinutes * 60_000;
  const from = q.from.getTime();
  const to = q.to.getTime();
  // Calendar dates around the period: an opening interval belongs to the date it is written on.
  const firstDate = addDays(zonedDate(q.from, timeZone), -1);
  const lastDate = addDays(zonedDate(q.to, timeZone), 1);

  const slots: (Slot & { rank: number })[] = [];
  for (const [rank, modality] of q.modalities.entries()) {
    const opening: Interval[] = [];
    for (let date = firstDate; date <= lastDate; date = addDays(date, 1)) {
      opening.push(...openingIntervals(modality.openingHours, date, timeZone));
    }
    const busy = q.busy.filter((b) => b.modalityId === modality.id);
    let found = 0;
    for (const free of subtractIntervals(opening, busy)) {
      // Every offset of Europe/Paris is a whole number of hours and the step divides an hour, so a
      // multiple of the step in UTC is a multiple of the step on the wall clock, DST or not.
      let start = Math.ceil(Math.max(free.start.getTime(), from) / stepMs) * stepMs;
      while (start < to && start + durationMs <= free.end.getTime() && found < limit) {
        slots.push({
          modalityId: modality.id,
          startsAt: new Date(start),
          endsAt: new Date(start + durationMs),
          rank,
        });
        found++;
        start += stepMs;
      }
      if (found >= limit) break;
    }
  }
  return slots
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.rank - b.rank)
    .slice(0, limit)
    .map(({ rank: _rank, ...slot }) => slot);
}
