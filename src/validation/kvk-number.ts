/**
 * KvK numbers: the Dutch Chamber of Commerce registration number, exactly 8 digits. It has no check
 * digit, so only the form can be checked; whether it exists is the KvK register's business.
 */
import { ValidationError } from '../errors/errors';

export function normalizeKvk(value: string, field: string): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be text');
  if (value.length > 32) throw new ValidationError(field, 'a KvK number has exactly 8 digits');
  // People copy it with spaces or dots from letterheads ('1234 5678', '12.34.56.78').
  const kvk = value.normalize('NFKC').replace(/[\s.]+/g, '');
  if (kvk === '') throw new ValidationError(field, 'must not be empty');
  if (!/^\d{8}$/.test(kvk)) throw new ValidationError(field, 'a KvK number has exactly 8 digits');
  return kvk;
}
