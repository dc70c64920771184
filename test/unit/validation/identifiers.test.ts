// KvK numbers, ID-card numbers and licence plates: canonical forms and bounds.
import { describe, expect, it } from 'vitest';
import { normalizeIdCardNumber } from '../../../src/validation/id-card-number';
import { normalizeKvk } from '../../../src/validation/kvk-number';
import { normalizeLicencePlate } from '../../../src/validation/licence-plate';
import { expectValidationError } from './expect-validation-error';

describe('normalizeKvk', () => {
  it('returns the 8 digits, with spaces and dots from letterheads removed', () => {
    expect(normalizeKvk('12345678', 'kvkNumber')).toBe('12345678');
    expect(normalizeKvk(' 1234 5678 ', 'kvkNumber')).toBe('12345678');
    expect(normalizeKvk('12.34.56.78', 'kvkNumber')).toBe('12345678');
  });

  it.each(['1234567', '123456789', '1234567A', 'KVK12345678'])('refuses %j', (value) => {
    expectValidationError(() => normalizeKvk(value, 'kvkNumber'), 'kvkNumber', /exactly 8 digits/);
  });
});

describe('normalizeIdCardNumber', () => {
  it('upper-cases and drops separators', () => {
    expect(normalizeIdCardNumber('ixh0ixh01', 'idCardNumber')).toBe('IXH0IXH01');
    expect(normalizeIdCardNumber('IXH-0IX H01', 'idCardNumber')).toBe('IXH0IXH01');
  });

  it('refuses other characters and implausible lengths', () => {
    expectValidationError(
      () => normalizeIdCardNumber('IXH0*XH01', 'idCardNumber'),
      'idCardNumber',
      /only letters/,
    );
    expectValidationError(() => normalizeIdCardNumber('AB12', 'idCardNumber'), 'idCardNumber', /5 to 20/);
    expectValidationError(
      () => normalizeIdCardNumber('A'.repeat(21), 'idCardNumber'),
      'idCardNumber',
      /5 to 20/,
    );
  });
});

describe('normalizeLicencePlate', () => {
  it('upper-cases and turns spaces into single dashes', () => {
    expect(normalizeLicencePlate('ab-123-c', 'licencePlate')).toBe('AB-123-C');
    expect(normalizeLicencePlate(' ab  123 c ', 'licencePlate')).toBe('AB-123-C');
    expect(normalizeLicencePlate('M - AB 1234', 'licencePlate')).toBe('M-AB-1234');
    expect(normalizeLicencePlate('AB123C', 'licencePlate')).toBe('AB123C');
  });

  it('refuses other characters, dangling dashes and implausible lengths', () => {
    expectValidationError(
      () => normalizeLicencePlate('AB_123', 'licencePlate'),
      'licencePlate',
      /letters, digits and dashes/,
    );
    expectValidationError(
      () => normalizeLicencePlate('-AB-123', 'licencePlate'),
      'licencePlate',
      /dashes between/,
    );
    expectValidationError(() => normalizeLicencePlate('A', 'licencePlate'), 'licencePlate', /2 to 10/);
    expectValidationError(
      () => normalizeLicencePlate('ABCDEF-123456', 'licencePlate'),
      'licencePlate',
      /2 to 10/,
    );
  });
});
