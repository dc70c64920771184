/**
 * When what the privacy registers record happened. A register records what has happened, so its date
 * is never in the future; and what the GDPR governs (a request received, a disclosure made, a policy
 * version announced) cannot lie before the day it applied (25 May 2018): such a date is a typing
 * error, not a fact of this platform's history.
 */
import { ValidationError } from '../errors/errors';
import { requireDate } from '../validation/date';

const GDPR_APPLIES_FROM = new Date(Date.UTC(2018, 4, 25));

/**
 * The date given for `field`, or `now` when none is: a valid date, not after `now`, and with
 * `sinceGdpr` not before the GDPR applied. `inFuture` says why a future date is refused, where the
 * plain "lies in the future" says too little.
 */
export function happenedAt(
  value: Date | null | undefined,
  field: string,
  now: Date,
  rule: { sinceGdpr: boolean; inFuture?: string },
): Date {
  const at = value == null ? now : requireDate(value, field);
  if (at.getTime() > now.getTime()) throw new ValidationError(field, rule.inFuture ?? 'lies in the future');
  if (rule.sinceGdpr) assertNotBeforeGdpr(at, field);
  return at;
}

/** Throws ValidationError on `field` when `date` lies before the GDPR applied. */
function assertNotBeforeGdpr(date: Date, field: string): void {
  if (date.getTime() < GDPR_APPLIES_FROM.getTime()) {
    throw new ValidationError(field, 'lies before the GDPR applied (25 May 2018)');
  }
}
