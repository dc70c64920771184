/**
 * The day the GDPR applied (25 May 2018). What the privacy registers record under it (a request
 * received, a disclosure made, a policy version announced) cannot lie before it: such a date is a
 * typing error, not a fact of this platform's history.
 */
import { ValidationError } from '../errors/errors';

export const GDPR_APPLIES_FROM = new Date(Date.UTC(2018, 4, 25));

/** Throws ValidationError on `field` when `date` lies before the GDPR applied. */
export function assertNotBeforeGdpr(date: Date, field: string): void {
  if (date.getTime() < GDPR_APPLIES_FROM.getTime()) {
    throw new ValidationError(field, 'lies before the GDPR applied (25 May 2018)');
  }
}
