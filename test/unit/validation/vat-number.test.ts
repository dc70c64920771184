// VAT numbers as customer input: canonical form, Greek EL/GR, and refusals with actionable messages.
import { describe, expect, it } from 'vitest';
import { normalizeVatNumber } from '../../../src/validation/vat-number';
import { expectValidationError } from './expect-validation-error';

describe('normalizeVatNumber', () => {
  it('returns the canonical number, its country and both checks for a valid Dutch number', () => {
    expect(normalizeVatNumber('nl 0100.00446 b01', 'vatNumber')).toMatchObject({
      status: 'VALID',
      canonical: 'NL010000446B01',
      prefix: 'NL',
      country: 'NL',
      isEu: true,
      formatValid: true,
      checkDigitValid: true,
    });
  });

  it('writes Greek numbers with EL and reports the country as GR, whichever prefix was typed', () => {
    for (const typed of ['EL094259216', 'GR094259216', 'el 094 259 216']) {
      const vat = normalizeVatNumber(typed, 'vatNumber');
      expect(vat.canonical).toBe('EL094259216');
      expect(vat.country).toBe('GR');
    }
  });

  it('pads the old 9-digit Belgian form so both spellings index alike', () => {
    expect(normalizeVatNumber('BE411905847', 'vatNumber').canonical).toBe('BE0411905847');
    expect(normalizeVatNumber('BE0411905847', 'vatNumber').canonical).toBe('BE0411905847');
  });

  it.each(['DE111111125', 'FR40402628838', 'ATU15110001', 'IT00743110157', 'BE1000003682'])(
    'accepts %s',
    (vat) => {
      expect(normalizeVatNumber(vat, 'vatNumber').canonical).toBe(vat);
    },
  );

  it('accepts well-formed numbers of non-EU countries, marked NON_EU', () => {
    expect(normalizeVatNumber('GB980780684', 'vatNumber')).toMatchObject({ status: 'NON_EU', country: 'GB' });
    expect(normalizeVatNumber('CHE-116.281.710 MWST', 'vatNumber')).toMatchObject({
      status: 'NON_EU',
      canonical: 'CHE116281710',
      country: 'CH',
    });
  });

  it('refuses a wrong check digit with a hint to look for a typo', () => {
    expectValidationError(
      () => normalizeVatNumber('NL123456789B01', 'vatNumber'),
      'vatNumber',
      /check digit/,
    );
    expectValidationError(() => normalizeVatNumber('DE111111126', 'vatNumber'), 'vatNumber', /check digit/);
    expectValidationError(() => normalizeVatNumber('BE0897221791', 'vatNumber'), 'vatNumber', /check digit/);
  });

  it('describes the expected format when the shape is wrong', () => {
    expectValidationError(
      () => normalizeVatNumber('NL12345678B01', 'vatNumber'),
      'vatNumber',
      /wrong format: a NL VAT number is 'NL', 9 digits, 'B' and 2 digits/,
    );
    expectValidationError(
      () => normalizeVatNumber('ATV66889218', 'vatNumber'),
      'vatNumber',
      /'ATU' and 8 digits/,
    );
  });

  it('asks for the country prefix when it is missing or unknown', () => {
    expectValidationError(
      () => normalizeVatNumber('123456789B01', 'vatNumber'),
      'vatNumber',
      /country prefix/,
    );
    expectValidationError(
      () => normalizeVatNumber('US123456789', 'vatNumber'),
      'vatNumber',
      /'US' is not a VAT prefix/,
    );
  });

  it('refuses empty and oversized input', () => {
    expectValidationError(() => normalizeVatNumber('   ', 'vatNumber'), 'vatNumber', /must not be empty/);
    expectValidationError(() => normalizeVatNumber('NL'.repeat(30), 'vatNumber'), 'vatNumber', /at most 40/);
  });
});
