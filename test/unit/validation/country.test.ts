// Country codes: ISO 3166-1 alpha-2 only, with hints for the usual mistakes.
import { describe, expect, it } from 'vitest';
import { isCountryCode, normalizeCountry } from '../../../src/validation/country';
import { expectValidationError } from './expect-validation-error';

describe('normalizeCountry', () => {
  it('returns the upper-case alpha-2 code', () => {
    expect(normalizeCountry(' nl ', 'address.country')).toBe('NL');
    expect(normalizeCountry('gr', 'address.country')).toBe('GR');
    expect(normalizeCountry('US', 'address.country')).toBe('US');
  });

  it('refuses UK with the hint to use GB, and EL with the hint to use GR', () => {
    expectValidationError(() => normalizeCountry('UK', 'address.country'), 'address.country', /use GB/);
    expectValidationError(() => normalizeCountry('el', 'address.country'), 'address.country', /use GR/);
  });

  it('refuses unassigned codes such as XX', () => {
    expectValidationError(
      () => normalizeCountry('XX', 'address.country'),
      'address.country',
      /'XX' is not an ISO/,
    );
  });

  it('refuses alpha-3, numeric codes and names rather than guessing', () => {
    for (const value of ['NLD', '528', 'Netherlands', 'N1']) {
      expectValidationError(() => normalizeCountry(value, 'country'), 'country', /two-letter ISO 3166-1/);
    }
    expectValidationError(() => normalizeCountry('', 'country'), 'country', /must not be empty/);
  });
});

describe('isCountryCode', () => {
  it('knows assigned alpha-2 codes only', () => {
    expect(isCountryCode('NL')).toBe(true);
    expect(isCountryCode('UK')).toBe(false);
    expect(isCountryCode('nl')).toBe(false);
  });
});
