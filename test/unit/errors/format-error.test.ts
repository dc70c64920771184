import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors/errors';
import { createErrorFormatter, formatHttpError } from '../../../src/errors/format-error';

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

  it('shows a request error Apollo raises without a code (a bad persisted query) as BAD_REQUEST, unlogged', () => {
    const before = logged.length;
    const apq = new GraphQLError('Unsupported persisted query version', {
      extensions: { http: { status: 400, headers: new Map() } },
    });
    expect(format({ message: apq.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, apq)).toEqual({
      message: 'Unsupported persisted query version',
      extensions: { code: 'BAD_REQUEST' },
    });
    expect(logged.length).toBe(before);
    // Without a client-error status it stays internal.
    const plain = new GraphQLError('something broke');
    expect(formatted(plain).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('keeps a domain error with its code and details', () => {
    const shown = formatted(new ValidationError('email', 'is not an email address'));
    expect(shown.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  });
});

describe('formatHttpError', () => {
  const logged: string[] = [];
  const format = (error: unknown) => formatHttpError(error, { log: (message) => logged.push(message) });
  /** What body-parser raises (through http-errors): a status, a type, its own message and stack. */
  const parserError = (status: number, type: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new SyntaxError(`Unexpected token } in JSON at position 26 at /srv/node_modules/x.js`), {
      status,
      statusCode: status,
      expose: true,
      type,
      ...extra,
    });

  it('answers a body that is not JSON with BAD_REQUEST (400) and a fixed message', () => {
    const answer = format(parserError(400, 'entity.parse.failed'));
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors[0]!.extensions).toEqual({ code: 'BAD_REQUEST' });
    expect(answer.body.errors[0]!.message).toMatch(/not a JSON object/);
    expect(JSON.stringify(answer)).not.toMatch(/node_modules|position|Unexpected/);
  });

  it('answers a body over the limit with PAYLOAD_TOO_LARGE (413), naming the limit', () => {
    const answer = format(parserError(413, 'entity.too.large', { limit: 1024 * 1024, length: 2_000_000 }));
    expect(answer).toEqual({
      status: 413,
      body: {
        errors: [
          { message: 'The request body is larger than 1 MB', extensions: { code: 'PAYLOAD_TOO_LARGE' } },
        ],
      },
    });
  });

  it('keeps the status of other client errors, with a generic message', () => {
    const charset = format(parserError(415, 'charset.unsupported', { charset: 'latin9' }));
    expect(charset.status).toBe(415);
    expect(charset.body.errors[0]!.extensions).toEqual({ code: 'BAD_REQUEST' });
    const aborted = format(parserError(400, 'request.aborted'));
    expect(aborted.body.errors[0]!.message).toBe('The request could not be read');
  });

  it('masks and logs anything that is not a client error', () => {
    for (const error of [
      new Error('ECONNRESET at /srv/node_modules/raw-body'),
      parserError(500, 'stream.encoding.set'),
      'x',
    ]) {
      const answer = format(error);
      expect(answer).toEqual({
        status: 500,
        body: {
          errors: [
            {
              message: 'Internal server error (logged on the server)',
              extensions: { code: 'INTERNAL_SERVER_ERROR' },
            },
          ],
        },
      });
      expect(logged.at(-1)).toBe('Internal error before GraphQL');
    }
  });
});
