import { describe, expect, it } from 'vitest';
import {
  addDays,
  dicomDateTime,
  formatParisDate,
  formatParisDateAtTime,
  formatParisDateTime,
  formatParisTime,
  parisDate,
  zonedDate,
  zonedDateTimeToInstant,
  zonedDayBounds,
  zonedHl7Timestamp,
  zonedIso,
  zonedTime,
  zoneOffsetMinutes,
} from './paris-time.ts';

const at = (iso: string) => new Date(iso);

// 2026: summer time starts on Sunday 29 March at 02:00 (→ 03:00) and ends on Sunday 25 October at
// 03:00 (→ 02:00), the last Sundays of March and October.
describe('Paris time around the spring change (last Sunday of March)', () => {
  it('moves from +01:00 to +02:00 at 01:00 UTC', () => {
    expect(zoneOffsetMinutes(at('2026-03-29T00:59:59Z'))).toBe(60);
    expect(zoneOffsetMinutes(at('2026-03-29T01:00:00Z'))).toBe(120);
    expect(zonedTime(at('2026-03-29T00:59:00Z'))).toBe('01:59');
    expect(zonedTime(at('2026-03-29T01:00:00Z'))).toBe('03:00');
  });

  it('moves a wall-clock time that does not exist forward by the change', () => {
    expect(zonedDateTimeToInstant('2026-03-29', '02:30').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedDateTimeToInstant('2026-03-29', '03:00').toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });

  it('has a 23-hour day', () => {
    const { start, end } = zonedDayBounds('2026-03-29');
    expect(start.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(end.toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('writes the offset of each side in every exchange format', () => {
    expect(zonedHl7Timestamp(at('2026-03-29T00:59:59Z'))).toBe('20260329015959+0100');
    expect(zonedHl7Timestamp(at('2026-03-29T01:00:00Z'))).toBe('20260329030000+0200');
    expect(zonedIso(at('2026-03-29T00:59:59Z'))).toBe('2026-03-29T01:59:59+01:00');
    expect(zonedIso(at('2026-03-29T01:00:00Z'))).toBe('2026-03-29T03:00:00+02:00');
    expect(formatParisDateTime(at('2026-03-29T01:00:00Z'))).toBe('29/03/2026 03:00');
  });
});

describe('Paris time around the autumn change (last Sunday of October)', () => {
  it('reads 02:30 twice, an hour apart, with two offsets', () => {
    expect(zonedTime(at('2026-10-25T00:30:00Z'))).toBe('02:30');
    expect(zonedTime(at('2026-10-25T01:30:00Z'))).toBe('02:30');
    expect(zonedHl7Timestamp(at('2026-10-25T00:30:00Z'))).toBe('20261025023000+0200');
    expect(zonedHl7Timestamp(at('2026-10-25T01:30:00Z'))).toBe('20261025023000+0100');
    expect(zonedIso(at('2026-10-25T01:30:00Z'))).toBe('2026-10-25T02:30:00+01:00');
  });

  it('takes the first occurrence of a wall-clock time that happens twice', () => {
    expect(zonedDateTimeToInstant('2026-10-25', '02:30').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(zonedDateTimeToInstant('2026-10-25', '03:00').toISOString()).toBe('2026-10-25T02:00:00.000Z');
  });

  it('has a 25-hour day', () => {
    const { start, end } = zonedDayBounds('2026-10-25');
    expect(start.toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(end.toISOString()).toBe('2026-10-25T23:00:00.000Z');
  });
});

describe('the Paris day at midnight', () => {
  it('starts a new calendar date at Paris midnight, not UTC midnight', () => {
    expect(parisDate(at('2026-12-06T22:59:59Z'))).toBe('2026-12-06');
    expect(parisDate(at('2026-12-06T23:00:00Z'))).toBe('2026-12-07');
    expect(parisDate(at('2026-07-01T21:59:00Z'))).toBe('2026-07-01');
    expect(parisDate(at('2026-07-01T22:00:00Z'))).toBe('2026-07-02');
    expect(zonedDate(at('2026-12-31T23:00:00Z'))).toBe('2027-01-01');
  });

  it('writes midnight as 00:00 (24-hour clock) in every format', () => {
    const midnight = at('2026-12-06T23:00:00Z');
    expect(zonedTime(midnight)).toBe('00:00');
    expect(formatParisTime(midnight)).toBe('00:00');
    expect(formatParisDateTime(midnight)).toBe('07/12/2026 00:00');
    expect(zonedHl7Timestamp(midnight)).toBe('20261207000000+0100');
    expect(dicomDateTime(midnight)).toEqual({ date: '20261207', time: '000000' });
  });

  it('gives the 24-hour day its bounds and counts days across months and years', () => {
    const { start, end } = zonedDayBounds('2026-12-07');
    expect(start.toISOString()).toBe('2026-12-06T23:00:00.000Z');
    expect(end.toISOString()).toBe('2026-12-07T23:00:00.000Z');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});

describe('formats', () => {
  const winter = at('2026-01-05T07:04:09.999Z');
  const summer = at('2026-07-15T10:20:30Z');

  it('dd/MM/yyyy', () => {
    expect(formatParisDate(winter)).toBe('05/01/2026');
    expect(formatParisDate(at('2026-12-06T23:30:00Z'))).toBe('07/12/2026');
  });

  it('HH:mm', () => {
    expect(formatParisTime(winter)).toBe('08:04');
    expect(formatParisTime(summer)).toBe('12:20');
  });

  it('dd/MM/yyyy HH:mm and dd/MM/yyyy à HH:mm', () => {
    expect(formatParisDateTime(summer)).toBe('15/07/2026 12:20');
    expect(formatParisDateAtTime(summer)).toBe('15/07/2026 à 12:20');
  });

  it('HL7 TS to the second with its offset, in Paris or another zone', () => {
    expect(zonedHl7Timestamp(winter)).toBe('20260105080409+0100');
    expect(zonedHl7Timestamp(summer)).toBe('20260715122030+0200');
    // The milliseconds are cut, never rounded up (MSH-7 of the ACK, TXA of the MDM).
    expect(zonedHl7Timestamp(at('2026-07-15T10:20:30.999Z'))).toBe('20260715122030+0200');
    expect(zonedHl7Timestamp(at('2026-01-15T23:59:59Z'), 'UTC')).toBe('20260115235959+0000');
    expect(zonedHl7Timestamp(at('2026-01-15T10:00:00Z'), 'America/Cayenne')).toBe('20260115070000-0300');
  });

  it('ISO 8601 with the offset', () => {
    expect(zonedIso(winter)).toBe('2026-01-05T08:04:09+01:00');
    expect(zonedIso(summer)).toBe('2026-07-15T12:20:30+02:00');
  });

  it('DICOM DA and TM', () => {
    expect(dicomDateTime(winter)).toEqual({ date: '20260105', time: '080409' });
  });
});
