// Phone numbers: E.164 and country, default country, and numbering-plan validation.
import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../../../src/validation/phone';
import { expectValidationError } from './expect-validation-error';

describe('normalizePhone', () => {
  it.each([
    ['+31 6 12345678', undefined, '+31612345678', 'NL', true],
    ['06-12345678', 'NL', '+31612345678', 'NL', false],
    ['020 555 1234', 'NL', '+31205551234', 'NL', false],
    ['0031 6 12345678', undefined, '+31612345678', 'NL', true],
    ['00 31 6 12345678', 'US', '+31612345678', 'NL', true],
    ['(+31) 6 12345678', undefined, '+31612345678', 'NL', true],
    ['+1 201 555 0123', undefined, '+12015550123', 'US', true],
    ['+44 20 7946 0958', 'NL', '+442079460958', 'GB', true],
    ['+41 44 668 18 00', undefined, '+41446681800', 'CH', true],
  ])(
    'reads %j (default %s) as %s in %s, international %s',
    (input, defaultCountry, e164, country, international) => {
      expect(normalizePhone(input, 'phone', defaultCountry)).toEqual({ e164, country, international });
    },
  );

  // Regression: the country of a national number is the default it was read under, whatever it dials.
  it('says when the country comes from the default rather than from the number', () => {
    expect(normalizePhone('06 12345678', 'phone', 'DE')).toEqual({
      e164: '+49612345678',
      country: 'DE',
      international: false,
    });
  });

  it('gives no country for a number that belongs to none', () => {
    expect(normalizePhone('+800 1234 5678', 'phone')).toEqual({
      e164: '+80012345678',
      country: null,
      international: true,
    });
  });

  it('asks for the country code when a national number comes without a default country', () => {
    expectValidationError(() => normalizePhone('06-12345678', 'phone'), 'phone', /country code/);
  });

  it('ignores a default country it does not know rather than failing on it', () => {
    expect(normalizePhone('+31612345678', 'phone', 'XX').e164).toBe('+31612345678');
  });

  it('checks the digits against the numbering plan, not just the length', () => {
    expectValidationError(
      () => normalizePhone('+31 00 000 0000', 'phone'),
      'phone',
      /not a valid phone number for NL/,
    );
    expectValidationError(() => normalizePhone('06 1234 5678', 'phone', 'BE'), 'phone', /for BE/);
  });

  it('refuses text, empty and oversized input', () => {
    expectValidationError(() => normalizePhone('+call me', 'phone'), 'phone', /not a phone number/);
    expectValidationError(() => normalizePhone(' ', 'contact.phone'), 'contact.phone', /must not be empty/);
    expectValidationError(() => normalizePhone('+31'.repeat(20), 'phone'), 'phone', /at most 40/);
  });
});
