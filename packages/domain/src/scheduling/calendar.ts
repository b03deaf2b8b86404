/**
 * The practices' week: ISO weekdays and opening hours, written in wall-clock time (Europe/Paris);
 * appointments are instants. Paris time itself (dates, times, the instants they stand for, DST)
 * lives in `shared/paris-time.ts`.
 */
import { addDays, calendarDateParts } from '../shared/paris-time.ts';

/** ISO weekday: 1 = Monday … 7 = Sunday, as the keys of opening hours. */
export const ISO_WEEKDAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
export type IsoWeekday = (typeof ISO_WEEKDAYS)[number];

/** Weekly opening hours: ISO weekday → intervals `["HH:MM", "HH:MM"]` in wall-clock time. */
export type WeeklyOpeningHours = Partial<Record<IsoWeekday, readonly (readonly [string, string])[]>>;

export const ISO_WEEKDAY_LABELS: Record<IsoWeekday, string> = {
  '1': 'Lundi',
  '2': 'Mardi',
  '3': 'Mercredi',
  '4': 'Jeudi',
  '5': 'Vendredi',
  '6': 'Samedi',
  '7': 'Dimanche',
};

/** ISO weekday of a calendar date. */
export function isoWeekday(date: string): IsoWeekday {
  const [y, mo, d] = calendarDateParts(date);
  const js = new Date(Date.UTC(y, mo - 1, d)).getUTCDay(); // 0 = Sunday
  return String(js === 0 ? 7 : js) as IsoWeekday;
}

/** The Monday of the week holding `date`. */
export function startOfWeek(date: string): string {
  return addDays(date, 1 - Number(isoWeekday(date)));
}

/** The calendar dates from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
