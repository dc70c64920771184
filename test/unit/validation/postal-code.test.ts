// Postal codes: per-country formats where validator knows them, canonical spacing.
import { describe, expect, it } from 'vitest';
import { normalizePostalCode } from '../../../src/validation/postal-code';
import { expectValidationError } from './expect-validation-error';

describe('normalizePostalCode', () => {
  it.each([
    ['1234ab', 'NL', '1234 AB'],
    ['1234  AB', 'NL', '1234 AB'],
    ['sw1a1aa', 'GB', 'SW1A 1AA'],
    ['75008', 'FR', '75008'],
    ['10115', 'DE', '10115'],
    ['1000', 'BE', '1000'],
    ['90210-1234', 'US', '90210-1234'],
    ['8001', 'CH', '8001'],
  ])('reads %j in %s as %s', (value, country, canonical) => {
    expect(normalizePostalCode(value, country, 'address.postalCode')).toBe(canonical);
  });

  it.each([
    ['1234 SA', 'NL'],
    ['0123 AB', 'NL'],
    ['96000', 'FR'],
    ['12345', 'BE'],
    ['1234', 'DE'],
  ])('refuses %j for %s with the country named', (value, country) => {
    expectValidationError(
      () => normalizePostalCode(value, country, 'address.postalCode'),
      'address.postalCode',
      new RegExp(`not a valid postal code for ${country}`),
    );
  });

  it('checks only the generic shape where validator has no format for the country', () => {
    expect(normalizePostalCode('ab 12', 'XK', 'address.postalCode')).toBe('AB 12');
    expectValidationError(
      () => normalizePostalCode('AB#12', 'XK', 'address.postalCode'),
      'address.postalCode',
      /letters, digits/,
    );
  });

  it('refuses empty and overlong codes', () => {
    expectValidationError(
      () => normalizePostalCode(' ', 'NL', 'address.postalCode'),
      'address.postalCode',
      /empty/,
    );
    expectValidationError(
      () => normalizePostalCode('1'.repeat(13), 'XK', 'address.postalCode'),
      'address.postalCode',
      /at most 12/,
    );
  });
});
