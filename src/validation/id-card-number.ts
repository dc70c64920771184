/**
 * Identity-card document numbers (asked for some domain registrations). Customers come from many
 * countries, so the rule is deliberately loose: 5 to 20 letters and digits, upper-case, separators
 * dropped. A Dutch card number (e.g. 'IXH0IXH01') fits.
 */
import { ValidationError } from '../errors/errors';

export function normalizeIdCardNumber(value: string, field: string): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be text');
  if (value.length > 40) throw new ValidationError(field, 'must be at most 20 letters and digits');
  const id = value
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s.\-/]+/g, '');
  if (id === '') throw new ValidationError(field, 'must not be empty');
  if (!/^[A-Z0-9]+$/.test(id)) throw new ValidationError(field, 'may contain only letters and digits');
  if (id.length < 5 || id.length > 20) {
    throw new ValidationError(field, 'must be 5 to 20 letters and digits');
  }
  return id;
}
