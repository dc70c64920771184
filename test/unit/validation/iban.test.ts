// IBAN normalisation: canonical form, the checks ibantools makes, and messages that name the problem.
import { describe, expect, it } from 'vitest';
import { ibanCountry, normalizeIban } from '../../../src/validation/iban';
import { expectValidationError } from './expect-validation-error';

describe('normalizeIban', () => {
  it.each([
    ['NL91ABNA0417164300', 'NL91ABNA0417164300'],
    ['nl91 abna 0417 1643 00', 'NL91ABNA0417164300'],
    ['NL91-ABNA-0417-1643-00', 'NL91ABNA0417164300'],
    ['\tNL91\u00a0ABNA 0417 1643 00 ', 'NL91ABNA0417164300'],
    ['DE89 3704 0044 0532 0130 00', 'DE89370400440532013000'],
    ['GB29NWBK60161331926819', 'GB29NWBK60161331926819'],
    ['BE68539007547034', 'BE68539007547034'],
    ['FR14 2004 1010 0505 0001 3M02 606', 'FR1420041010050500013M02606'],
    ['CH4431999123000889012', 'CH4431999123000889012'],
  ])('accepts %j as %s', (input, canonical) => {
    expect(normalizeIban(input, 'iban')).toBe(canonical);
  });

  it('refuses a mistyped digit through the mod-97 check digits', () => {
    expectValidationError(
      () => normalizeIban('NL91ABNA0517164300', 'iban'),
      'iban',
      /check digits do not match/,
    );
  });

  it('refuses check digits 00, which ISO 13616 never issues', () => {
    expectValidationError(() => normalizeIban('GB00HLFX11016111455365', 'iban'), 'iban', /check digits/);
  });

  it('refuses a Spanish IBAN whose national account check fails although mod-97 passes', () => {
    expectValidationError(
      () => normalizeIban('ES8350210036679521296135', 'iban'),
      'iban',
      /national account number check/,
    );
  });

  it('says how long an IBAN of that country is', () => {
    expectValidationError(
      () => normalizeIban('NL91ABNA041716430', 'iban'),
      'iban',
      /NL IBAN has 18 characters/,
    );
  });

  it('names an unknown country code', () => {
    expectValidationError(() => normalizeIban('XX91ABNA0517164300', 'iban'), 'iban', /'XX' is not a country/);
  });

  it('refuses punctuation other than separators, empty input and oversized input', () => {
    expectValidationError(
      () => normalizeIban('NL91ABNA0417164300!', 'iban'),
      'iban',
      /only letters and digits/,
    );
    expectValidationError(() => normalizeIban('  - ', 'bank.iban'), 'bank.iban', /must not be empty/);
    expectValidationError(() => normalizeIban('NL'.repeat(40), 'iban'), 'iban', /at most 64/);
  });

  it('does not repeat the IBAN in its message', () => {
    const error = expectValidationError(() => normalizeIban('NL91ABNA0517164300', 'iban'), 'iban');
    expect(error.message).not.toContain('0517164300');
  });
});

describe('ibanCountry', () => {
  it('gives the country of a valid IBAN and null for anything else', () => {
    expect(ibanCountry('DE89 3704 0044 0532 0130 00')).toBe('DE');
    expect(ibanCountry('be68539007547034')).toBe('BE');
    expect(ibanCountry('NL91ABNA0517164300')).toBeNull();
    expect(ibanCountry('')).toBeNull();
  });
});
