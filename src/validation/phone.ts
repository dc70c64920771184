/**
 * Phone numbers: E.164 ('+31201234567') and the country the number belongs to, which is one of the VAT
 * evidence pieces (`phoneCountry`). Uses libphonenumber-js with its full ('max') metadata: the default
 * metadata only checks the length, so '+31 00 000 0000' would pass.
 *
 * A number written without its country code ('06 12345678') is read as a number of the default country
 * (the billing country), so its `country` is that assumption, not something the number says:
 * `international` tells the two apart, and VAT evidence counts only the first.
 */
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { ValidationError } from '../errors/errors';

const PHONE_INPUT_MAX_LENGTH = 40;

export interface NormalizedPhone {
  /** E.164: '+' and up to 15 digits, no spaces. */
  e164: string;
  /** ISO 3166-1 alpha-2; null for numbers of no single country (such as +800) or a shared plan not resolved. */
  country: string | null;
  /**
   * Written with its country code ('+31 ...', '0031 ...'). When false the number was read under the
   * default country, and `country` follows from that default rather than from the number.
   */
  international: boolean;
}

/** '+31 ...' or '0031 ...' (optionally in brackets): the international prefix, then a country code. */
const INTERNATIONAL_PREFIX = /^(\(?\s*)(?:\+|00\s*(?=[1-9]))/;

/**
 * @param defaultCountry ISO code used when the number has no international prefix, e.g. the country of
 *   the customer's address; without it, a national number ('020 123 4567') is refused.
 */
export function normalizePhone(
  value: string,
  field: string,
  defaultCountry?: string | null,
): NormalizedPhone {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be text');
  if (value.length > PHONE_INPUT_MAX_LENGTH) {
    throw new ValidationError(field, `must be at most ${PHONE_INPUT_MAX_LENGTH} characters`);
  }
  const trimmed = value.normalize('NFKC').trim();
  if (trimmed === '') throw new ValidationError(field, 'must not be empty');
  const fallback: CountryCode | undefined =
    defaultCountry && isSupportedCountry(defaultCountry) ? defaultCountry : undefined;
  // '0031 20 ...' is how many Europeans write the international prefix. The library reads 00 that way
  // only where it is the default country's own exit code, so it is turned into '+' here whatever the
  // default: no country's national numbers start with 00.
  const international = INTERNATIONAL_PREFIX.test(trimmed);
  const input = trimmed.replace(INTERNATIONAL_PREFIX, (prefix, bracket: string) =>
    prefix.endsWith('+') ? prefix : `${bracket}+`,
  );
  if (fallback === undefined && !international) {
    throw new ValidationError(field, 'must include the country code, e.g. +31 20 123 4567');
  }
  const phone = parsePhoneNumberFromString(
    input,
    fallback === undefined ? undefined : { defaultCountry: fallback },
  );
  if (phone === undefined) {
    throw new ValidationError(field, 'is not a phone number; write it like +31 20 123 4567');
  }
  if (!phone.isValid()) {
    const where = phone.country ?? fallback;
    throw new ValidationError(
      field,
      where ? `is not a valid phone number for ${where}` : 'is not a valid phone number',
    );
  }
  return { e164: phone.number, country: phone.country ?? null, international };
}
