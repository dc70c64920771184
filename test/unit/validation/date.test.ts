/** Dates given as text: YYYY-MM-DD or ISO 8601 with a time zone, and only dates the calendar has. */
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../../src/validation/date';
import { expectValidationError } from './expect-validation-error';

describe('parseIsoDate', () => {
  it('takes a calendar date as midnight UTC, and a date-time in its time zone', () => {
    expect(parseIsoDate('2026-02-28', 'from').toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(parseIsoDate('2024-02-29', 'from').toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(parseIsoDate('2026-11-25T09:00:00Z', 'from').toISOString()).toBe('2026-11-25T09:00:00.000Z');
    expect(parseIsoDate('2026-11-25T09:00+01:00', 'from').toISOString()).toBe('2026-11-25T08:00:00.000Z');
    expect(parseIsoDate('2026-11-25T09:00:00.123456-02:30', 'from').toISOString()).toBe(
      '2026-11-25T11:30:00.123Z',
    );
    expect(parseIsoDate('0099-01-01', 'from').getUTCFullYear()).toBe(99);
  });

  it('refuses what Date would roll over or guess, naming the field', () => {
    for (const impossible of [
      '2026-02-30',
      '2025-02-29',
      '1900-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-04-31',
    ]) {
      expectValidationError(
        () => parseIsoDate(impossible, '--from'),
        '--from',
        /is not a date in the calendar/,
      );
    }
    for (const time of ['2026-11-25T24:00:00Z', '2026-11-25T09:60Z', '2026-11-25T09:00:00+24:00']) {
      expectValidationError(() => parseIsoDate(time, '--to'), '--to', /is not a date in the calendar/);
    }
    for (const guess of [
      '1',
      '2026',
      '2026-1-5',
      '25-11-2026',
      'Nov 25 2026',
      '2026-11-25T09:00:00',
      '20261125',
      '',
    ]) {
      expectValidationError(
        () => parseIsoDate(guess, '--from'),
        '--from',
        /is not a date; give YYYY-MM-DD or an ISO 8601 date-time with its time zone/,
      );
    }
  });
});
