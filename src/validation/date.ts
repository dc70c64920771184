/**
 * Dates given as text outside GraphQL (command-line options; GraphQL has its DateTime scalar): a
 * calendar date `YYYY-MM-DD`, taken as midnight UTC, or an ISO 8601 date-time with its time zone
 * (`2026-11-25T09:00:00Z`, `...+01:00`). `new Date(text)` takes far more: `1` is 1 January 2001 and
 * `2026-02-30` rolls over to 2 March, so a typo silently became another period.
 */
import { ValidationError } from '../errors/errors';

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2})))?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A date given as a Date (GraphQL's DateTime, a service's caller): one that names an instant. */
export function requireDate(value: Date, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new ValidationError(field, 'must be a valid date and time');
  }
  return value;
}

/** The instant `text` names, or a ValidationError naming `field`. */
export function parseIsoDate(text: string, field: string): Date {
  const value = text.trim();
  const match = DATE_TIME.exec(value);
  if (match === null) {
    throw new ValidationError(
      field,
      `${JSON.stringify(value.slice(0, 40))} is not a date; give YYYY-MM-DD or an ISO 8601 date-time with its time zone, such as 2026-11-25T09:00:00Z`,
    );
  }
  const number = (i: number) => Number(match[i] ?? 0);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map(number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const milliseconds = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offsetMinutes = (match[9] === '-' ? -1 : 1) * (number(10) * 60 + number(11));
  const lastDay = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (
    lastDay === undefined ||
    day < 1 ||
    day > lastDay ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    number(10) > 23 ||
    number(11) > 59
  ) {
    throw new ValidationError(field, `${JSON.stringify(value)} is not a date in the calendar`);
  }
  // setUTCFullYear, since Date.UTC takes the years 0 to 99 as 1900 to 1999.
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);
  instant.setUTCHours(hour, minute, second, milliseconds);
  return new Date(instant.getTime() - offsetMinutes * 60_000);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
