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

/** Domains whose mail service ignores dots in the local part, and the one it is known under. */
const DOTLESS_DOMAINS: ReadonlyMap<string, string> = new Map([
  ['gmail.com', 'gmail.com'],
  ['googlemail.com', 'gmail.com'],
]);

/**
 * The mailbox an address delivers to, as far as common conventions tell, for counting orders per
 * mailbox (velocity): lower case, without a '+tag' ('name+shop@x.nl' is name@x.nl at nearly every mail
 * service, so a tag per order would otherwise dodge the count), and for Gmail without the dots in the
 * local part and with googlemail.com as gmail.com. Never stored or shown: the address stays as given.
 * Takes an address normalizeEmail accepted.
 */
export function emailMailbox(email: string): string {
  const at = email.lastIndexOf('@');
  let local = email.slice(0, at).toLowerCase();
  let domain = email.slice(at + 1).toLowerCase();
  const plus = local.indexOf('+');
  // '+tag@x.nl' has nothing before its tag: it is its own mailbox, not everyone's.
  if (plus > 0) local = local.slice(0, plus);
  const dotless = DOTLESS_DOMAINS.get(domain);
  if (dotless !== undefined) {
    domain = dotless;
    local = local.replace(/\./g, '') || local;
  }
  return `${local}@${domain}`;
}
