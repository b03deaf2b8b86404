/**
 * Wall-clock time of the practices (Europe/Paris) and the instants it stands for. Opening hours,
 * the desk's day and the week view are written in wall-clock time; appointments are instants.
 * Daylight saving time is taken from the platform's time zone database (Intl), never guessed.
 */

export const PRACTICE_TIME_ZONE = 'Europe/Paris';

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

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a time zone. */
export function zonedParts(instant: Date, timeZone = PRACTICE_TIME_ZONE) {
  const parts: Record<string, number> = {};
  for (const p of partsFormatter(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** Offset of the time zone from UTC at an instant, in minutes (Paris: 60 in winter, 120 in summer). */
export function zoneOffsetMinutes(instant: Date, timeZone = PRACTICE_TIME_ZONE): number {
  const p = zonedParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  return Math.round((asUtc - whole) / 60_000);
}

/** The calendar date `YYYY-MM-DD` of an instant in a time zone. */
export function zonedDate(instant: Date, timeZone = PRACTICE_TIME_ZONE): string {
  const p = zonedParts(instant, timeZone);
  return `${String(p.year).padStart(4, '0')}-${pad(p.month)}-${pad(p.day)}`;
}

/** The wall-clock time `HH:MM` of an instant in a time zone. */
export function zonedTime(instant: Date, timeZone = PRACTICE_TIME_ZONE): string {
  const p = zonedParts(instant, timeZone);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

function parseDate(date: string): [number, number, number] {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`not a date YYYY-MM-DD: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Minutes since midnight of `HH:MM`. */
export function minutesOfDay(time: string): number {
  const m = TIME_RE.exec(time);
  if (!m) throw new Error(`not a time HH:MM: ${time}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function isWallClockTime(value: string): boolean {
  return TIME_RE.test(value);
}

/**
 * The instant a wall-clock date and time stand for. Like Temporal's `compatible` choice: a time
 * that happens twice (the autumn change, 02:30 in Paris) is its first occurrence; a time that does
 * not exist (the spring change, 02:30 in Paris) is moved forward by the change (03:30).
 */
export function zonedDateTimeToInstant(date: string, time: string, timeZone = PRACTICE_TIME_ZONE): Date {
  const [y, mo, d] = parseDate(date);
  const minutes = minutesOfDay(time);
  const naive = Date.UTC(y, mo - 1, d, Math.floor(minutes / 60), minutes % 60);
  const before = zoneOffsetMinutes(new Date(naive - 86_400_000), timeZone);
  const after = zoneOffsetMinutes(new Date(naive + 86_400_000), timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => ({ offset, instant: naive - offset * 60_000 }))
    .filter((c) => zoneOffsetMinutes(new Date(c.instant), timeZone) === c.offset)
    .map((c) => c.instant)
    .sort((a, b) => a - b);
  // In the spring gap no candidate holds: the offset before the change moves it forward.
  return new Date(candidates[0] ?? naive - before * 60_000);
}

/** The calendar date `n` days after `date` (n may be negative). */
export function addDays(date: string, n: number): string {
  const [y, mo, d] = parseDate(date);
  const t = new Date(Date.UTC(y, mo - 1, d + n));
  return `${String(t.getUTCFullYear()).padStart(4, '0')}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** ISO weekday of a calendar date. */
export function isoWeekday(date: string): IsoWeekday {
  const [y, mo, d] = parseDate(date);
  const js = new Date(Date.UTC(y, mo - 1, d)).getUTCDay(); // 0 = Sunday
  return String(js === 0 ? 7 : js) as IsoWeekday;
}

/** The Monday of the week holding `date`. */
export function startOfWeek(date: string): string {
  return addDays(date, 1 - Number(isoWeekday(date)));
}

/** The instants a calendar day runs between, in a time zone: 23, 24 or 25 hours. */
export function zonedDayBounds(date: string, timeZone = PRACTICE_TIME_ZONE): { start: Date; end: Date } {
  return {
    start: zonedDateTimeToInstant(date, '00:00', timeZone),
    end: zonedDateTimeToInstant(addDays(date, 1), '00:00', timeZone),
  };
}

/** The calendar dates from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
