/**
 * Countries: ISO 3166-1 alpha-2, upper-case, and nothing else. Alpha-3 codes, numbers and names are
 * refused rather than guessed, because the code is compared with GeoIP, IBAN and phone countries.
 */
import { getAlpha2Codes } from 'i18n-iso-countries';
import { ValidationError } from '../errors/errors';

const alpha2Codes: ReadonlySet<string> = new Set(Object.keys(getAlpha2Codes()));

// Codes people type that ISO 3166-1 does not assign (or reserves) for the country they mean.
const COMMON_MISTAKES: Readonly<Record<string, string>> = {
  UK: 'GB',
  EL: 'GR',
};

export function isCountryCode(value: string): boolean {
  return alpha2Codes.has(value);
}

/** 'nl ' → 'NL'; 'UK' is refused with the hint to use GB. */
export function normalizeCountry(value: string, field: string): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be text');
  const code = value.trim().toUpperCase();
  if (code === '') throw new ValidationError(field, 'must not be empty');
  const hint = COMMON_MISTAKES[code];
  if (hint !== undefined) {
    throw new ValidationError(field, `'${code}' is not an ISO 3166-1 country code; use ${hint}`);
  }
  if (!/^[A-Z]{2}$/.test(code)) {
    throw new ValidationError(field, 'must be a two-letter ISO 3166-1 country code, such as NL');
  }
  if (!alpha2Codes.has(code)) {
    throw new ValidationError(field, `'${code}' is not an ISO 3166-1 country code`);
  }
  return code;
}
