/** Periods asked about (reports, filters): real dates, the end after the start. */
import { ValidationError } from '../errors/errors';

/**
 * A period whose ends, where given, are dates and whose end lies after its start. `field` names the
 * end in the error, as the caller's input calls it.
 */
export function checkPeriod(from: Date | null | undefined, to: Date | null | undefined, field = 'to'): void {
  if (from != null && Number.isNaN(from.getTime())) throw new ValidationError('from', 'must be a date');
  if (to != null && Number.isNaN(to.getTime())) throw new ValidationError(field, 'must be a date');
  if (from != null && to != null && to.getTime() <= from.getTime()) {
    throw new ValidationError(field, 'must be after from');
  }
}
