/**
 * Statutory and promised deadlines of the privacy officer's registers, as pure date arithmetic.
 *
 * Data-subject requests (GDPR art. 12(3)): answer within one month of receipt; the controller may extend
 * by at most two further months when it gives a reason, so never beyond three months after receipt.
 * Complaints to the company: also one month. That is the company's own service level: the Autoriteit
 * Persoonsgegevens sets no deadline for a controller's answer to a complaint made to it.
 *
 * The rule for "one month": calendar months counted in UTC, landing on the same day of the month; when
 * the target month is shorter (31 January + 1 month) the last day of that month (28 or 29 February). The
 * deadline is the END of that day (23:59:59.999 UTC), so a request answered at any time on the due day
 * is on time. Months are counted in UTC rather than Europe/Amsterdam so the rule gives the same answer
 * on every server and in every test; the price is that the UTC end of day is 00:59 or 01:59 the next
 * morning in Amsterdam, so a reminder should go out on the local due day, not at the last moment.
 */

/** Months allowed to answer a data-subject request (art. 12(3)). */
export const REQUEST_RESPONSE_MONTHS = 1;
/** The furthest an extension may reach: the first month plus at most two further months. */
export const REQUEST_MAX_MONTHS = 3;
/** The company's own answer time for a complaint. */
export const COMPLAINT_RESPONSE_MONTHS = 1;

const END_OF_DAY_MS = 24 * 60 * 60 * 1000 - 1;

/**
 * The end (23:59:59.999 UTC) of the day `months` calendar months after `from`, clamped to the last day
 * of the target month when it lacks the day of `from`.
 */
export function addCalendarMonths(from: Date, months: number): Date {
  const time = from.getTime();
  if (Number.isNaN(time)) throw new RangeError('addCalendarMonths: invalid date');
  if (!Number.isInteger(months) || months < 0) {
    throw new RangeError('addCalendarMonths: months must be a whole number of at least 0');
  }
  const monthIndex = from.getUTCMonth() + months;
  const year = from.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  // Day 0 of the following month is the last day of this one.
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(from.getUTCDate(), lastDay);
  return new Date(Date.UTC(year, month, day) + END_OF_DAY_MS);
}

/** When an answer to a data-subject request received at `receivedAt` is due. */
export function dueDate(receivedAt: Date): Date {
  return addCalendarMonths(receivedAt, REQUEST_RESPONSE_MONTHS);
}

/** The latest date an extension may set: three months after receipt. */
export function latestExtension(receivedAt: Date): Date {
  return addCalendarMonths(receivedAt, REQUEST_MAX_MONTHS);
}

/** Whether an extension until `until` stays within the statutory three months. */
export function isWithinExtensionLimit(receivedAt: Date, until: Date): boolean {
  return until.getTime() <= latestExtension(receivedAt).getTime();
}

/** When an answer to a complaint received at `receivedAt` is due. */
export function complaintDueDate(receivedAt: Date): Date {
  return addCalendarMonths(receivedAt, COMPLAINT_RESPONSE_MONTHS);
}

/** The deadline that currently binds: the extension when there is one. */
export function effectiveDeadline(due: Date, extendedUntil: Date | null): Date {
  return extendedUntil ?? due;
}

/** Overdue once the binding deadline has passed; the deadline instant itself is still on time. */
export function isOverdue(due: Date, extendedUntil: Date | null, now: Date): boolean {
  return now.getTime() > effectiveDeadline(due, extendedUntil).getTime();
}
