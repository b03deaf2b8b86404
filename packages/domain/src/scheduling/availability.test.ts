import { describe, expect, it } from 'vitest';
import { findAvailableSlots, isWithinOpeningHours, openingIntervals, type Slot } from './availability.ts';
import {
  addDays,
  zonedDate,
  zonedDateTimeToInstant,
  zonedDayBounds,
  zonedTime,
} from '../shared/paris-time.ts';
import { datesBetween, isoWeekday, startOfWeek } from './calendar.ts';
import { deskActions, isLate } from './desk.ts';

const at = (iso: string) => new Date(iso);
const iso = (slots: Slot[]) => slots.map((s) => `${s.modalityId} ${s.startsAt.toISOString()}`);
/** Wall-clock Paris time of each slot: what the desk reads. */
const paris = (slots: Slot[]) => slots.map((s) => `${zonedDate(s.startsAt)} ${zonedTime(s.startsAt)}`);

describe('Paris wall-clock time', () => {
  it('turns a wall-clock time into the right instant in winter and in summer', () => {
    expect(zonedDateTimeToInstant('2026-01-15', '08:00').toISOString()).toBe('2026-01-15T07:00:00.000Z');
    expect(zonedDateTimeToInstant('2026-07-15', '08:00').toISOString()).toBe('2026-07-15T06:00:00.000Z');
    expect(zonedDateTimeToInstant('2026-01-15', '00:00').toISOString()).toBe('2026-01-14T23:00:00.000Z');
  });

  it('moves a time of the spring gap forward and takes the first of an autumn repeated time', () => {
    // 29 March 2026: 02:00 CET becomes 03:00 CEST; 02:30 does not exist.
    expect(zonedDateTimeToInstant('2026-03-29', '01:59').toISOString()).toBe('2026-03-29T00:59:00.000Z');
    expect(zonedDateTimeToInstant('2026-03-29', '02:30').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedDateTimeToInstant('2026-03-29', '03:00').toISOString()).toBe('2026-03-29T01:00:00.000Z');
    // 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
    expect(zonedDateTimeToInstant('2026-10-25', '02:30').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(zonedDateTimeToInstant('2026-10-25', '03:00').toISOString()).toBe('2026-10-25T02:00:00.000Z');
  });

  it('knows that DST days last 23 and 25 hours', () => {
    const hours = (d: string) => {
      const { start, end } = zonedDayBounds(d);
      return (end.getTime() - start.getTime()) / 3_600_000;
    };
    expect(hours('2026-03-29')).toBe(23);
    expect(hours('2026-10-25')).toBe(25);
    expect(hours('2026-06-01')).toBe(24);
  });

  it('reads dates, weekdays and weeks', () => {
    expect(zonedDate(at('2026-01-15T23:30:00Z'))).toBe('2026-01-16');
    expect(zonedDate(at('2026-07-15T21:59:00Z'))).toBe('2026-07-15');
    expect(isoWeekday('2026-03-29')).toBe('7');
    expect(isoWeekday('2026-03-30')).toBe('1');
    expect(startOfWeek('2026-03-29')).toBe('2026-03-23');
    expect(startOfWeek('2026-03-30')).toBe('2026-03-30');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(datesBetween('2026-12-30', '2027-01-02')).toEqual([
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
  });
});

describe('opening hours', () => {
  const thursdays = { '4': [['08:00', '12:00'] as const, ['13:30', '18:00'] as const] };

  it('lists the intervals of a date, none on a closed day', () => {
    expect(openingIntervals(thursdays, '2026-01-15').map((i) => i.start.toISOString())).toEqual([
      '2026-01-15T07:00:00.000Z',
      '2026-01-15T12:30:00.000Z',
    ]);
    expect(openingIntervals(thursdays, '2026-01-16')).toEqual([]);
    expect(openingIntervals({ '4': [['12:00', '08:00']] }, '2026-01-15')).toEqual([]);
  });

  it('accepts a slot inside one interval, up to its closing time, and nothing across or outside', () => {
    const ok = (s: string, e: string) => isWithinOpeningHours(thursdays, at(s), at(e));
    expect(ok('2026-01-15T07:00:00Z', '2026-01-15T07:15:00Z')).toBe(true);
    expect(ok('2026-01-15T10:45:00Z', '2026-01-15T11:00:00Z')).toBe(true);
    expect(ok('2026-01-15T10:50:00Z', '2026-01-15T11:05:00Z')).toBe(false);
    expect(ok('2026-01-15T06:59:00Z', '2026-01-15T07:14:00Z')).toBe(false);
    // Across the lunch break.
    expect(ok('2026-01-15T10:30:00Z', '2026-01-15T12:45:00Z')).toBe(false);
    // Closed on Fridays; an empty slot is refused.
    expect(ok('2026-01-16T08:00:00Z', '2026-01-16T08:15:00Z')).toBe(false);
    expect(ok('2026-01-15T08:00:00Z', '2026-01-15T08:00:00Z')).toBe(false);
    // The same wall-clock hours in summer are other instants.
    expect(isWithinOpeningHours(thursdays, at('2026-07-16T06:00:00Z'), at('2026-07-16T06:15:00Z'))).toBe(
      true,
    );
    expect(isWithinOpeningHours(thursdays, at('2026-07-16T05:45:00Z'), at('2026-07-16T06:00:00Z'))).toBe(
      false,
    );
  });
});

describe('findAvailableSlots', () => {
  const ct1 = { id: 'ct1', openingHours: { '4': [['08:00', '10:00']] as const } };
  const ct2 = { id: 'ct2', openingHours: { '4': [['09:00', '10:00']] as const } };
  const day = { from: at('2026-01-15T00:00:00+01:00'), to: at('2026-01-16T00:00:00+01:00') };

  it('proposes the free slots of the duration on the step grid, around the busy intervals', () => {
    const slots = findAvailableSlots({
      modalities: [ct1],
      busy: [
        { modalityId: 'ct1', start: at('2026-01-15T08:30:00+01:00'), end: at('2026-01-15T09:00:00+01:00') },
      ],
      ...day,
      durationMinutes: 20,
      stepMinutes: 15,
    });
    expect(paris(slots)).toEqual([
      '2026-01-15 08:00',
      '2026-01-15 09:00',
      '2026-01-15 09:15',
      '2026-01-15 09:30',
    ]);
    expect(slots[0]!.endsAt.toISOString()).toBe('2026-01-15T07:20:00.000Z');
  });

  it('orders the first ones first, the modalities’ order breaking ties, and stops at the limit', () => {
    const slots = findAvailableSlots({
      modalities: [ct1, ct2],
      busy: [],
      ...day,
      durationMinutes: 30,
      stepMinutes: 30,
    });
    expect(iso(slots)).toEqual([
      'ct1 2026-01-15T07:00:00.000Z',
      'ct1 2026-01-15T07:30:00.000Z',
      'ct1 2026-01-15T08:00:00.000Z',
      'ct2 2026-01-15T08:00:00.000Z',
      'ct1 2026-01-15T08:30:00.000Z',
      'ct2 2026-01-15T08:30:00.000Z',
    ]);
    const firstThree = findAvailableSlots({
      modalities: [ct2, ct1],
      busy: [],
      ...day,
      durationMinutes: 30,
      stepMinutes: 30,
      limit: 3,
    });
    expect(iso(firstThree)).toEqual([
      'ct1 2026-01-15T07:00:00.000Z',
      'ct1 2026-01-15T07:30:00.000Z',
      'ct2 2026-01-15T08:00:00.000Z',
    ]);
  });

  it('starts at the period’s start, on the grid, and spans several days', () => {
    const slots = findAvailableSlots({
      modalities: [{ id: 'us', openingHours: { '4': [['08:00', '09:00']], '5': [['08:00', '08:30']] } }],
      busy: [],
      from: at('2026-01-15T08:07:00+01:00'),
      to: at('2026-01-17T00:00:00+01:00'),
      durationMinutes: 15,
      stepMinutes: 15,
    });
    expect(paris(slots)).toEqual([
      '2026-01-15 08:15',
      '2026-01-15 08:30',
      '2026-01-15 08:45',
      '2026-01-16 08:00',
      '2026-01-16 08:15',
    ]);
  });

  it('finds nothing on a closed day or when the day is full, and refuses a bad step or period', () => {
    expect(
      findAvailableSlots({
        modalities: [ct1],
        busy: [],
        from: at('2026-01-16T00:00:00Z'),
        to: at('2026-01-17T00:00:00Z'),
        durationMinutes: 15,
      }),
    ).toEqual([]);
    expect(
      findAvailableSlots({
        modalities: [ct1],
        busy: [
          { modalityId: 'ct1', start: at('2026-01-15T07:50:00+01:00'), end: at('2026-01-15T10:05:00+01:00') },
        ],
        ...day,
        durationMinutes: 15,
      }),
    ).toEqual([]);
    // A longer exam than the opening interval never fits.
    expect(findAvailableSlots({ modalities: [ct1], busy: [], ...day, durationMinutes: 121 })).toEqual([]);
    expect(() =>
      findAvailableSlots({ modalities: [ct1], busy: [], ...day, durationMinutes: 15, stepMinutes: 7 }),
    ).toThrow(expect.objectContaining({ code: 'BAD_INPUT', field: 'step' }));
    expect(() =>
      findAvailableSlots({ modalities: [ct1], busy: [], from: day.to, to: day.from, durationMinutes: 15 }),
    ).toThrow(expect.objectContaining({ code: 'BAD_INPUT', field: 'to' }));
  });

  it('keeps the wall-clock opening hours on the DST days of Paris', () => {
    const sundays = (hours: [string, string][]) => [{ id: 'mr', openingHours: { '6': hours, '7': hours } }];
    // Saturday 28 March 2026 (CET, UTC+1) then Sunday 29 March (CEST, UTC+2): 08:00 both days.
    const spring = findAvailableSlots({
      modalities: sundays([['08:00', '08:30']]),
      busy: [],
      from: at('2026-03-28T00:00:00Z'),
      to: at('2026-03-30T00:00:00Z'),
      durationMinutes: 30,
    });
    expect(iso(spring)).toEqual(['mr 2026-03-28T07:00:00.000Z', 'mr 2026-03-29T06:00:00.000Z']);
    // Saturday 24 October (CEST) then Sunday 25 October (CET).
    const autumn = findAvailableSlots({
      modalities: sundays([['08:00', '08:30']]),
      busy: [],
      from: at('2026-10-24T00:00:00Z'),
      to: at('2026-10-26T00:00:00Z'),
      durationMinutes: 30,
    });
    expect(iso(autumn)).toEqual(['mr 2026-10-24T06:00:00.000Z', 'mr 2026-10-25T07:00:00.000Z']);
  });

  it('counts the real hours of a night opening across the DST change', () => {
    const night = { id: 'ct', openingHours: { '7': [['01:00', '04:00']] as const } };
    const query = (date: string) => {
      const { start, end } = zonedDayBounds(date);
      return { modalities: [night], busy: [], from: start, to: end, durationMinutes: 30, stepMinutes: 30 };
    };
    // Spring: 01:00–04:00 lasts two hours; 02:00 and 02:30 do not exist.
    const spring = findAvailableSlots(query('2026-03-29'));
    expect(paris(spring).map((s) => s.slice(11))).toEqual(['01:00', '01:30', '03:00', '03:30']);
    // Autumn: four hours, 02:00 and 02:30 twice, never overlapping.
    const autumn = findAvailableSlots(query('2026-10-25'));
    expect(paris(autumn).map((s) => s.slice(11))).toEqual([
      '01:00',
      '01:30',
      '02:00',
      '02:30',
      '02:00',
      '02:30',
      '03:00',
      '03:30',
    ]);
    expect(new Set(autumn.map((s) => s.startsAt.getTime())).size).toBe(8);
    // A slot booked across the change is checked in real time too.
    const sunday = night.openingHours;
    expect(isWithinOpeningHours(sunday, at('2026-03-29T01:30:00Z'), at('2026-03-29T02:00:00Z'))).toBe(true);
    expect(isWithinOpeningHours(sunday, at('2026-03-29T01:45:00Z'), at('2026-03-29T02:15:00Z'))).toBe(false);
  });

  it('never proposes a slot outside opening hours or over a busy interval (random busy days)', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const modalities = [
      {
        id: 'a',
        openingHours: {
          '1': [
            ['07:30', '12:00'],
            ['13:00', '19:45'],
          ],
          '3': [['08:00', '18:00']],
        },
      },
      { id: 'b', openingHours: { '1': [['08:00', '20:00']], '2': [['08:10', '11:50']] } },
    ] as const;
    for (let round = 0; round < 50; round++) {
      const from = at('2026-03-23T00:00:00+01:00'); // Monday of the spring change week
      const to = at('2026-03-30T12:00:00+02:00');
      const busy = Array.from({ length: 30 }, () => {
        const start = from.getTime() + Math.floor(random() * (to.getTime() - from.getTime()));
        return {
          modalityId: random() < 0.5 ? 'a' : 'b',
          start: new Date(start),
          end: new Date(start + (5 + Math.floor(random() * 90)) * 60_000),
        };
      });
      const duration = 5 + Math.floor(random() * 60);
      const step = ([5, 10, 15, 20, 30, 60] as const)[Math.floor(random() * 6)]!;
      const slots = findAvailableSlots({
        modalities,
        busy,
        from,
        to,
        durationMinutes: duration,
        stepMinutes: step,
        limit: 10_000,
      });
      expect(slots.length).toBeGreaterThan(0);
      for (const [i, s] of slots.entries()) {
        const m = modalities.find((x) => x.id === s.modalityId)!;
        expect(isWithinOpeningHours(m.openingHours, s.startsAt, s.endsAt)).toBe(true);
        expect(s.endsAt.getTime() - s.startsAt.getTime()).toBe(duration * 60_000);
        expect(Number(zonedTime(s.startsAt).slice(3)) % step).toBe(0);
        const clash = busy.some(
          (b) => b.modalityId === s.modalityId && b.start < s.endsAt && s.startsAt < b.end,
        );
        expect(clash).toBe(false);
        if (i > 0) expect(s.startsAt.getTime()).toBeGreaterThanOrEqual(slots[i - 1]!.startsAt.getTime());
      }
    }
  });
});

describe('the desk', () => {
  it('says « en retard » when a scheduled patient is not there at the start time', () => {
    const startsAt = at('2026-01-15T09:00:00+01:00');
    expect(isLate({ status: 'scheduled', startsAt }, at('2026-01-15T09:00:01+01:00'))).toBe(true);
    expect(isLate({ status: 'scheduled', startsAt }, at('2026-01-15T09:00:00+01:00'))).toBe(false);
    expect(isLate({ status: 'scheduled', startsAt }, at('2026-01-15T08:59:00+01:00'))).toBe(false);
    expect(isLate({ status: 'arrived', startsAt }, at('2026-01-15T10:00:00+01:00'))).toBe(false);
    expect(isLate({ status: 'in_progress', startsAt }, at('2026-01-15T10:00:00+01:00'))).toBe(false);
  });

  it('offers arrival, absence, moving and cancelling only to a scheduled appointment', () => {
    expect(deskActions('scheduled')).toEqual({ arrive: true, noShow: true, move: true, cancel: true });
    expect(deskActions('arrived')).toEqual({ arrive: false, noShow: false, move: false, cancel: false });
  });
});
