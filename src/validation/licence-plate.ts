/**
 * Vehicle licence plates. Layouts differ per country and change over time, so the rule is simple:
 * letters and digits in groups separated by single dashes, upper-case, 2 to 10 characters besides the
 * dashes. Spaces count as dashes, so 'ab 123 c' and 'AB-123-C' are the same plate; 'AB123C' is kept
 * as written, because where the dashes go is part of how a plate is read out in some countries.
 */
import { ValidationError } from '../errors/errors';

export function normalizeLicencePlate(value: string, field: string): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be text');
  if (value.length > 30) throw new ValidationError(field, 'must be at most 10 letters and digits');
  const plate = value
    .normalize('NFKC')
    .toUpperCase()
    .trim()
    .replace(/[\s-]+/g, '-');
  if (plate === '') throw new ValidationError(field, 'must not be empty');
  if (!/^[A-Z0-9]+(-[A-Z0-9]+)*$/.test(plate)) {
    throw new ValidationError(
      field,
      'may contain only letters, digits and dashes between them, e.g. AB-123-C',
    );
  }
  const characters = plate.replace(/-/g, '').length;
  if (characters < 2 || characters > 10) {
    throw new ValidationError(field, 'must have 2 to 10 letters and digits');
  }
  return plate;
}
