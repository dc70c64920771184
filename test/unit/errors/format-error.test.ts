import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors/errors';
import { createErrorFormatter } from '../../../src/errors/format-error';

describe('createErrorFormatter', () => {
  const logged: string[] = [];
  const format = createErrorFormatter({ log: (message) => logged.push(message) });
  const formatted = (error: unknown) =>
    format({ message: error instanceof Error ? error.message : String(error) }, error);

  it('never shows an internal error message: no SQL, column names or stack', () => {
    const sql = new Error(
      'insert into "customer" ("id", "email_enc") values ($1, $2) - relation "customer" does not exist',
    );
    const shown = formatted(new GraphQLError(sql.message, { originalError: sql }));
    expect(shown).toEqual({
      message: 'Internal server error (logged on the server)',
      locations: undefined,
      path: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(logged.at(-1)).toBe('Internal error');
  });

  it('takes a PostgreSQL data exception for bad input, without its SQL', () => {
    const driver = Object.assign(
      new Error('insert into "customer" ... - date/time field value out of range: "0000-01-01"'),
      { code: '22008' },
    );
    const wrapped = new GraphQLError(driver.message, {
      originalError: new Error('query failed', { cause: driver }),
    });
    const shown = formatted(wrapped);
    expect(shown.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(shown.message).toMatch(/cannot be used.*check the input/);
    expect(JSON.stringify(shown)).not.toMatch(/insert|customer|0000/);
    expect(logged.at(-1)).toBe('Input no validator refused');
    // Other SQLSTATE classes stay internal: a missing table is our fault, not the caller's.
    const missing = Object.assign(new Error('relation "customer" does not exist'), { code: '42P01' });
    expect(formatted(missing).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('keeps a domain error with its code and details', () => {
    const shown = formatted(new ValidationError('email', 'is not an email address'));
    expect(shown.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  });
});
