/** Periods asked about (reports, filters): real dates, the end after the start. */
import { ValidationError } from '../errors/errors';

/** What the caller's input calls the two ends, for the error (`filter.from`, `--from`, ...). */
export interface PeriodFields {
  from: string;
  to: string;
}

/** A period whose ends, where given, are dates and whose end lies after its start. */
export function checkPeriod(
  from: Date | null | undefined,
  to: Date | null | undefined,
  names: PeriodFields = { from: 'from', to: 'to' },
): void {
  if (from != null && Number.isNaN(from.getTime())) throw new ValidationError(names.from, 'must be a date');
  if (to != null && Number.isNaN(to.getTime())) throw new ValidationError(names.to, 'must be a date');
  if (from != null && to != null && to.getTime() <= from.getTime()) {
    throw new ValidationError(names.to, `must be after ${names.from}`);
  }
}
