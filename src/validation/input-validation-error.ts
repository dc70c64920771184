/**
 * The error for a whole input object: every bad field at once, so a client can mark them all in one
 * round trip. It is a ValidationError (BAD_USER_INPUT) named after the first bad field, so code that
 * only knows ValidationError still points somewhere sensible.
 */
import { ValidationError } from '../errors/errors';

export interface FieldError {
  /** Dot path of the input field, e.g. `address.country`. */
  field: string;
  message: string;
}

export class InputValidationError extends ValidationError {
  readonly fields: readonly FieldError[];

  constructor(fields: readonly FieldError[]) {
    const [first, ...rest] = fields;
    if (first === undefined) throw new RangeError('InputValidationError needs at least one field error');
    const more =
      rest.length === 0 ? '' : ` (and ${rest.length} more: ${rest.map((f) => f.field).join(', ')})`;
    super(first.field, first.message + more, { fields: fields.map((f) => ({ ...f })) });
    this.fields = fields;
  }
}

/** The message of a ValidationError without the `field: ` prefix that ValidationError puts in front. */
export function fieldMessage(error: ValidationError): string {
  const prefix = `${error.field}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}
