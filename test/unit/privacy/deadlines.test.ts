import { describe, expect, it } from 'vitest';
import {
  addCalendarMonths,
  complaintDueDate,
  dueDate,
  effectiveDeadline,
  isOverdue,
  isWithinExtensionLimit,
  latestExtension,
} from '../../../src/privacy/deadlines';

const at = (iso: string) => new Date(iso);
const endOf = (day: string) => `${day}T23:59:59.999Z`;

describe('dueDate (GDPR art. 12(3): one calendar month, end of day, UTC)', () => {
  it.each([
    ['2025-03-15T09:30:00Z', '2025-04-15', 'mid-month: the same day next month'],
    ['2025-01-31T10:00:00Z', '2025-02-28', '31 January in a common year: last day of February'],
    ['2024-01-31T10:00:00Z', '2024-02-29', '31 January in a leap year: 29 February'],
    ['2024-02-29T10:00:00Z', '2024-03-29', '29 February: 29 March'],
    ['2025-04-30T10:00:00Z', '2025-05-30', '30 April: 30 May, not the 31st'],
    ['2025-03-31T10:00:00Z', '2025-04-30', '31 March: 30 April'],
    ['2025-12-31T10:00:00Z', '2026-01-31', '31 December: 31 January of the next year'],
    ['2025-12-01T00:00:00Z', '2026-01-01', 'first of December: across the year end'],
    ['2100-01-31T10:00:00Z', '2100-02-28', '2100 is not a leap year'],
    ['2000-01-31T10:00:00Z', '2000-02-29', '2000 is a leap year'],
  ])('%s → %s (%s)', (received, due) => {
    expect(dueDate(at(received)).toISOString()).toBe(endOf(due));
  });

  it('runs to the end of the due day whatever the time of receipt', () => {
    expect(dueDate(at('2025-03-15T00:00:00.000Z')).toISOString()).toBe(endOf('2025-04-15'));
    expect(dueDate(at('2025-03-15T23:59:59.999Z')).toISOString()).toBe(endOf('2025-04-15'));
  });

  it('counts in UTC: late evening in Amsterdam on the 31st is still the 31st in UTC', () => {
    // 23:30 on 31 January in Amsterdam (UTC+1) is 22:30 UTC on the same day.
    expect(dueDate(at('2025-01-31T22:30:00Z')).toISOString()).toBe(endOf('2025-02-28'));
    // 00:30 on 1 February in Amsterdam is still 31 January in UTC: that is the day that counts.
    expect(dueDate(at('2025-01-31T23:30:00Z')).toISOString()).toBe(endOf('2025-02-28'));
  });

  it('complaints get the same one month', () => {
    expect(complaintDueDate(at('2024-01-31T08:00:00Z')).toISOString()).toBe(endOf('2024-02-29'));
  });

  it('refuses an invalid date rather than returning one', () => {
    expect(() => dueDate(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => addCalendarMonths(at('2025-01-01T00:00:00Z'), -1)).toThrow(RangeError);
    expect(() => addCalendarMonths(at('2025-01-01T00:00:00Z'), 1.5)).toThrow(RangeError);
  });
});

describe('latestExtension (at most two further months: three after receipt)', () => {
  it.each([
    ['2025-01-31T10:00:00Z', '2025-04-30'],
    ['2023-11-30T10:00:00Z', '2024-02-29'],
    ['2024-11-30T10:00:00Z', '2025-02-28'],
    ['2025-11-15T10:00:00Z', '2026-02-15'],
    ['2025-10-31T10:00:00Z', '2026-01-31'],
  ])('received %s → extendable until %s', (received, latest) => {
    expect(latestExtension(at(received)).toISOString()).toBe(endOf(latest));
  });

  it('allows an extension exactly to the three-month limit, and not one millisecond beyond', () => {
    const received = at('2025-01-31T10:00:00Z');
    const limit = latestExtension(received);
    expect(isWithinExtensionLimit(received, limit)).toBe(true);
    expect(isWithinExtensionLimit(received, new Date(limit.getTime() - 1))).toBe(true);
    expect(isWithinExtensionLimit(received, new Date(limit.getTime() + 1))).toBe(false);
    expect(limit.toISOString()).toBe('2025-04-30T23:59:59.999Z');
  });
});

describe('isOverdue', () => {
  const due = at('2025-02-28T23:59:59.999Z');

  it('is on time up to and including the deadline instant, overdue one millisecond after', () => {
    expect(isOverdue(due, null, at('2025-02-28T12:00:00Z'))).toBe(false);
    expect(isOverdue(due, null, due)).toBe(false);
    expect(isOverdue(due, null, at('2025-03-01T00:00:00.000Z'))).toBe(true);
  });

  it('uses the extension when there is one', () => {
    const extended = at('2025-04-30T23:59:59.999Z');
    expect(effectiveDeadline(due, extended)).toBe(extended);
    expect(effectiveDeadline(due, null)).toBe(due);
    expect(isOverdue(due, extended, at('2025-03-15T00:00:00Z'))).toBe(false);
    expect(isOverdue(due, extended, at('2025-05-01T00:00:00Z'))).toBe(true);
  });
});
