/**
 * Test helper: run a normaliser that must refuse its input, and return the ValidationError so a test
 * can check the field it names and the message it gives.
 */
import { expect } from 'vitest';
import { ErrorCode, ValidationError } from '../../../src/errors/errors';

export function expectValidationError(run: () => unknown, field: string, message?: RegExp): ValidationError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a ValidationError').toBeInstanceOf(ValidationError);
  const error = caught as ValidationError;
  expect(error.code).toBe(ErrorCode.BadUserInput);
  expect(error.field).toBe(field);
  if (message !== undefined) expect(error.message).toMatch(message);
  return error;
}
