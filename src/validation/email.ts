/**
 * Email addresses: trimmed, the domain lower-cased, checked by validator's isEmail. The local part keeps
 * its case: RFC 5321 lets a mail server treat it as case-sensitive, so changing it could change the
 * mailbox.
 */
import isEmail from 'validator/lib/isEmail';
import { ValidationError } from '../errors/errors';

/** RFC 5321's limit on a forward path; validator enforces the same per part. */
export const EMAIL_MAX_LENGTH = 254;

export function normalizeEmail(value: string, field: string): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be text');
  const trimmed = value.normalize('NFC').trim();
  if (trimmed === '') throw new ValidationError(field, 'must not be empty');
  if (trimmed.length > EMAIL_MAX_LENGTH) {
    throw new ValidationError(field, `must be at most ${EMAIL_MAX_LENGTH} characters`);
  }
  const at = trimmed.lastIndexOf('@');
  if (at < 1 || at === trimmed.length - 1) {
    throw new ValidationError(field, 'must look like name@example.com');
  }
  const email = `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
  if (!isEmail(email, { allow_display_name: false, require_tld: true, allow_ip_domain: false })) {
    throw new ValidationError(field, 'is not a valid email address; it must look like name@example.com');
  }
  return email;
}
