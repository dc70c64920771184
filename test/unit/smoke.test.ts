import { describe, expect, it } from 'vitest';
import { ValidationError, ErrorCode } from '../../src/errors/errors';

describe('ValidationError', () => {
  it('names the field in its message and code', () => {
    const e = new ValidationError('iban', 'not a valid IBAN');
    expect(e.code).toBe(ErrorCode.BadUserInput);
    expect(e.message).toBe('iban: not a valid IBAN');
    expect(e.details).toEqual({ field: 'iban' });
  });
});
