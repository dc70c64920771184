/**
 * Postal codes, checked against the country's format where validator knows it (isPostalCode). The
 * canonical form is upper-case with single spaces; Dutch codes always get their space ('1234 AB') and
 * British ones get the space before the inward code ('SW1A 1AA'), so each code has one spelling.
 */
import isPostalCode, { locales } from 'validator/lib/isPostalCode';
import { ValidationError } from '../errors/errors';

const knownFormats: ReadonlySet<string> = new Set(locales);
const POSTAL_CODE_MAX_LENGTH = 12;

/**
 * @param country ISO 3166-1 alpha-2 of the address (already normalised). For a country validator has no
 *   format for, only a generic shape (letters, digits, single spaces and dashes) is checked.
 */
export function normalizePostalCode(value: string, country: string, field: string): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be text');
  const code = value.normalize('NFKC').trim().toUpperCase().replace(/\s+/g, ' ');
  if (code === '') throw new ValidationError(field, 'must not be empty');
  if (code.length > POSTAL_CODE_MAX_LENGTH) {
    throw new ValidationError(field, `must be at most ${POSTAL_CODE_MAX_LENGTH} characters`);
  }
  if (knownFormats.has(country)) {
    // The locale list is checked at run time: validator's type declarations lag behind its code.
    if (!isPostalCode(code, country as Parameters<typeof isPostalCode>[1])) {
      throw new ValidationError(field, `is not a valid postal code for ${country}`);
    }
  } else if (!/^[A-Z0-9]+([ -][A-Z0-9]+)*$/.test(code)) {
    throw new ValidationError(field, 'may contain only letters, digits, spaces and dashes');
  }
  if (country === 'NL') return code.replace(/^(\d{4}) ?([A-Z]{2})$/, '$1 $2');
  if (country === 'GB') return code.replace(/^([A-Z0-9]{2,4}) ?(\d[A-Z]{2})$/, '$1 $2');
  return code;
}
