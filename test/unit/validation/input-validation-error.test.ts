// InputValidationError: a ValidationError carrying every bad field.
import { describe, expect, it } from 'vitest';
import { ErrorCode, ValidationError } from '../../../src/errors/errors';
import { fieldMessage, InputValidationError } from '../../../src/validation/input-validation-error';

describe('InputValidationError', () => {
  it('is a ValidationError named after the first field, carrying all of them', () => {
    const fields = [
      { field: 'email', message: 'is required' },
      { field: 'address.country', message: "'UK' is not an ISO 3166-1 country code; use GB" },
    ];
    const error = new InputValidationError(fields);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.name).toBe('InputValidationError');
    expect(error.code).toBe(ErrorCode.BadUserInput);
    expect(error.field).toBe('email');
    expect(error.message).toBe('email: is required (and 1 more: address.country)');
    expect(error.fields).toEqual(fields);
    expect(error.details).toEqual({ field: 'email', fields });
  });

  it('has the plain message for a single field', () => {
    expect(new InputValidationError([{ field: 'iban', message: 'bad' }]).message).toBe('iban: bad');
  });

  it('cannot be made without a field error', () => {
    expect(() => new InputValidationError([])).toThrow(RangeError);
  });
});

describe('fieldMessage', () => {
  it('drops the field prefix that ValidationError adds', () => {
    expect(fieldMessage(new ValidationError('address.city', 'must not be empty'))).toBe('must not be empty');
  });
});
