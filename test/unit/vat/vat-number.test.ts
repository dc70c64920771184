// VAT number analysis for fraud scoring: VALID, BAD_CHECK_DIGIT, MALFORMED, NON_EU; member states.
import { describe, expect, it } from 'vitest';
import {
  analyseVatNumber,
  EU_MEMBER_STATES,
  isEuCountry,
  isEuVatPrefix,
  vatPrefixForCountry,
} from '../../../src/vat/vat-number';

describe('EU member states', () => {
  it('lists the 27 member states by ISO code, Greece as GR', () => {
    expect(EU_MEMBER_STATES).toHaveLength(27);
    expect(new Set(EU_MEMBER_STATES).size).toBe(27);
    expect(EU_MEMBER_STATES).toContain('GR');
    expect(EU_MEMBER_STATES).not.toContain('EL');
    expect(EU_MEMBER_STATES).not.toContain('GB');
  });

  it('tells ISO codes from VAT prefixes', () => {
    expect(isEuCountry('GR')).toBe(true);
    expect(isEuCountry('EL')).toBe(false);
    expect(isEuCountry('CH')).toBe(false);
    expect(isEuVatPrefix('EL')).toBe(true);
    expect(isEuVatPrefix('GR')).toBe(false);
    expect(isEuVatPrefix('NL')).toBe(true);
    expect(isEuVatPrefix('XI')).toBe(false);
    expect(vatPrefixForCountry('GR')).toBe('EL');
    expect(vatPrefixForCountry('NL')).toBe('NL');
  });
});

describe('analyseVatNumber', () => {
  it.each([
    ['NL010000446B01', 'NL'],
    ['NL123456789B13', 'NL'], // a sole-trader number, valid by mod 97 instead of mod 11
    ['DE111111125', 'DE'],
    ['BE0411905847', 'BE'],
    ['FR40402628838', 'FR'],
    ['ATU15110001', 'AT'],
    ['EL094259216', 'GR'],
  ])('finds %s VALID in %s', (vat, country) => {
    expect(analyseVatNumber(vat)).toMatchObject({
      status: 'VALID',
      canonical: vat,
      country,
      isEu: true,
      formatValid: true,
      checkDigitValid: true,
    });
  });

  it.each([
    'NL123456789B01',
    'NL010000445B01',
    'DE111111126',
    'BE0897221791',
    'FR00300076967',
    'ATU10223002',
  ])('finds %s well-formed with a BAD_CHECK_DIGIT', (vat) => {
    expect(analyseVatNumber(vat)).toMatchObject({
      status: 'BAD_CHECK_DIGIT',
      canonical: vat,
      formatValid: true,
      checkDigitValid: false,
    });
  });

  it.each([
    ['NL12345678B01', 'NL'],
    ['DE000000038', 'DE'],
    ['BE8897222482', 'BE'],
    ['ATV66889218', 'AT'],
    ['IT0000300010', 'IT'],
  ])('finds %s MALFORMED but knows it is from %s', (vat, country) => {
    expect(analyseVatNumber(vat)).toMatchObject({
      status: 'MALFORMED',
      country,
      formatValid: false,
      checkDigitValid: false,
    });
  });

  it.each(['', '  ', '123456789', 'US123456789', 'EU123456789', 'XX12'])(
    'finds %j MALFORMED with no country',
    (vat) => {
      expect(analyseVatNumber(vat)).toMatchObject({
        status: 'MALFORMED',
        canonical: null,
        country: null,
        isEu: false,
      });
    },
  );

  // Regression: Belgium issues numbers starting with 1 since 2023; jsvat's rules refuse them as malformed.
  it('reads Belgian numbers starting with 1 by the mod-97 check, and still refuses other first digits', () => {
    expect(analyseVatNumber('BE1000003682')).toMatchObject({
      status: 'VALID',
      canonical: 'BE1000003682',
      country: 'BE',
      formatValid: true,
      checkDigitValid: true,
    });
    expect(analyseVatNumber('be 1000.003.682').canonical).toBe('BE1000003682');
    expect(analyseVatNumber('BE1000003683')).toMatchObject({
      status: 'BAD_CHECK_DIGIT',
      formatValid: true,
      checkDigitValid: false,
    });
    expect(analyseVatNumber('BE100000368')).toMatchObject({ canonical: 'BE0100000368' });
    expect(analyseVatNumber('BE10000036820').status).toBe('MALFORMED');
    expect(analyseVatNumber('BE2000003682')).toMatchObject({
      status: 'MALFORMED',
      reason: "a BE VAT number is 'BE' and 10 digits starting with 0 or 1",
    });
  });

  it('does not let a bare number pass as Brazilian, as jsvat would with its full country list', () => {
    expect(analyseVatNumber('12345678000195').status).toBe('MALFORMED');
  });

  it('marks GB, Swiss, Norwegian and Northern Irish numbers NON_EU, still checking their digits', () => {
    expect(analyseVatNumber('GB980780684')).toMatchObject({
      status: 'NON_EU',
      country: 'GB',
      checkDigitValid: true,
    });
    expect(analyseVatNumber('GB980780685')).toMatchObject({ status: 'NON_EU', checkDigitValid: false });
    expect(analyseVatNumber('CHE-116.281.710 MWST')).toMatchObject({
      status: 'NON_EU',
      canonical: 'CHE116281710',
      country: 'CH',
    });
    expect(analyseVatNumber('NO923609016MVA')).toMatchObject({ status: 'NON_EU', canonical: 'NO923609016' });
    expect(analyseVatNumber('XI980780684')).toMatchObject({ status: 'NON_EU', prefix: 'XI', country: 'GB' });
  });

  it('canonicalises separators, case, the GR prefix and the 9-digit Belgian form', () => {
    expect(analyseVatNumber(' nl-0100.00446/b01 ').canonical).toBe('NL010000446B01');
    expect(analyseVatNumber('GR094259216')).toMatchObject({
      canonical: 'EL094259216',
      prefix: 'EL',
      country: 'GR',
    });
    expect(analyseVatNumber('BE411905847').canonical).toBe('BE0411905847');
  });

  it('never throws, whatever it is given', () => {
    for (const value of ['\u0000', 'NL'.repeat(100), '🙂', 'EL']) {
      expect(analyseVatNumber(value).status).toBe('MALFORMED');
    }
    expect(analyseVatNumber('CHE')).toMatchObject({ status: 'NON_EU', formatValid: false });
  });

  it('does not repeat the number in its reason', () => {
    expect(analyseVatNumber('NL123456789B01').reason).not.toContain('123456789');
  });
});
