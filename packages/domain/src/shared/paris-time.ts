/**
 * Paris time: the one home of the practices' clock (Europe/Paris). Every computation of a Paris
 * calendar date or wall-clock time, every instant of a Paris date and time, and every format the
 * house writes a Paris moment in (portal, mails, PDF, HL7, DICOM, CDA) is here, so that daylight
 * saving time is handled once. DST is taken from the platform's time zone database (Intl), never
 * guessed. Pure: no I/O, no clock (callers pass the instant).
 *
 * The functions taking a `timeZone` default to Paris; the HL7 builders also write other zones
 * (overseas practices' peers, UTC) with the same code.
 */

export const PARIS_TIME_ZONE = 'Europe/Paris';
/** The time zone the practices' wall-clock time (opening hours, the desk's day) is written in. */
export const PRACTICE_TIME_ZONE = PARIS_TIME_ZONE;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

const pad = (n: number) => String(n).padStart(2, '0');

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

/** The Paris calendar date `YYYY-MM-DD` of an instant: « today » for the practices. */
export function parisDate(now: Date): string {
  return zonedDate(now, PARIS_TIME_ZONE);
}

/** Year, month (1-12) and day of a calendar date `YYYY-MM-DD`; throws on anything else. */
export function calendarDateParts(date: string): [number, number, number] {
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
  const [y, mo, d] = calendarDateParts(date);
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
  const [y, mo, d] = calendarDateParts(date);
  const t = new Date(Date.UTC(y, mo - 1, d + n));
  return `${String(t.getUTCFullYear()).padStart(4, '0')}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** The instants a calendar day runs between, in a time zone: 23, 24 or 25 hours. */
export function zonedDayBounds(date: string, timeZone = PRACTICE_TIME_ZONE): { start: Date; end: Date } {
  return {
    start: zonedDateTimeToInstant(date, '00:00', timeZone),
    end: zonedDateTimeToInstant(addDays(date, 1), '00:00', timeZone),
  };
}

// ------------------------------------------------------------------- French formats (Paris)

// fr-FR writes `dd/MM/yyyy` and `HH:mm` (24 h); the formatters are made once, they are not cheap.
const frenchDate = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeZone: PARIS_TIME_ZONE });
const frenchTime = new Intl.DateTimeFormat('fr-FR', {
  hour: '2-digit',
  minute: '2-digit',
  timeZone: PARIS_TIME_ZONE,
});
const frenchDateTime = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'short',
  timeStyle: 'short',
  timeZone: PARIS_TIME_ZONE,
});

/** `07/12/2026`: the Paris date of an instant, as the French read it. */
export function formatParisDate(instant: Date): string {
  return frenchDate.format(instant);
}

/** `08:05`: the Paris wall-clock time of an instant (24 h). */
export function formatParisTime(instant: Date): string {
  return frenchTime.format(instant);
}

/** `07/12/2026 08:05` */
export function formatParisDateTime(instant: Date): string {
  return frenchDateTime.format(instant);
}

/** `07/12/2026 à 08:05`, as a sentence says it. */
export function formatParisDateAtTime(instant: Date): string {
  return `${formatParisDate(instant)} à ${formatParisTime(instant)}`;
}

// ---------------------------------------------------------------- exchange formats (zoned)

const offsetText = (offset: number, separator: string) => {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${sign}${pad(Math.floor(abs / 60))}${separator}${pad(abs % 60)}`;
};

/** ISO 8601 with the offset of that instant: `2026-11-22T10:42:00+01:00` (CDA descriptions). */
export function zonedIso(instant: Date, timeZone = PRACTICE_TIME_ZONE): string {
  const p = zonedParts(instant, timeZone);
  const offset = zoneOffsetMinutes(instant, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${offsetText(offset, ':')}`;
}

/** HL7 v2 DTM / TS to the second with its offset: `20240306111154+0100` (MSH-7, TXA). */
export function zonedHl7Timestamp(instant: Date, timeZone = PRACTICE_TIME_ZONE): string {
  const p = zonedParts(instant, timeZone);
  const offset = zoneOffsetMinutes(instant, timeZone);
  return `${p.year}${pad(p.month)}${pad(p.day)}${pad(p.hour)}${pad(p.minute)}${pad(p.second)}${offsetText(offset, '')}`;
}

/** DICOM DA (`YYYYMMDD`) and TM (`HHMMSS`) of an instant's wall-clock time (worklist items). */
export function dicomDateTime(instant: Date, timeZone = PRACTICE_TIME_ZONE): { date: string; time: string } {
  const p = zonedParts(instant, timeZone);
  return {
    date: `${p.year}${pad(p.month)}${pad(p.day)}`,
    time: `${pad(p.hour)}${pad(p.minute)}${pad(p.second)}`,
  };
}
