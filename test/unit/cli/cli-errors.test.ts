/** What the command line prints for a failed command: the operator's errors as they are, never SQL or a stack. */
import { describe, expect, it } from 'vitest';
import { CliUsageError, describeCliError } from '../../../src/cli/cli-errors';
import { ConfigError, NotFoundError } from '../../../src/errors/errors';

const SQL_ERROR = Object.assign(
  new Error('select "a0".* from "actor" as "a0" where "a0"."id" = \'x\' - relation "actor" does not exist'),
  { code: '42P01', name: 'TableNotFoundException' },
);

describe('describeCliError', () => {
  it('prints an internal error by its class only, without SQL or stack; the details only with LOG_LEVEL=debug', () => {
    const shown = describeCliError(SQL_ERROR, { debug: false }).join('\n');
    expect(shown).toBe(
      'error: internal error (TableNotFoundException); its details are not printed, since they may quote SQL or stored data. Run again with LOG_LEVEL=debug to see them.',
    );
    expect(describeCliError(SQL_ERROR, { debug: true }).join('\n')).toContain('select "a0"');
  });

  it('takes a PostgreSQL data exception for a bad value given, without its SQL', () => {
    const driver = Object.assign(new Error('select ... invalid input syntax for type uuid: "nope"'), {
      code: '22P02',
    });
    const shown = describeCliError(new Error('query failed', { cause: driver }), { debug: false }).join('\n');
    expect(shown).toMatch(/^error: a value given cannot be used/);
    expect(shown).not.toMatch(/select|uuid|nope/);
  });

  it('prints the errors an operator can act on as they are', () => {
    expect(describeCliError(new NotFoundError('actor', 'a'), { debug: false })).toEqual([
      'error: No actor with id a',
    ]);
    expect(describeCliError(new ConfigError('PORT: bad'), { debug: false })).toEqual(['error: PORT: bad']);
    expect(describeCliError(new CliUsageError('give --token'), { debug: false })).toEqual([
      'error: give --token',
    ]);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(describeCliError(refused, { debug: false })[0]).toMatch(
      /^error: cannot connect to the database \(ECONNREFUSED\); check DATABASE_URL/,
    );
    const file = Object.assign(new Error("ENOENT: no such file or directory, open '/x/y.json'"), {
      code: 'ENOENT',
      syscall: 'open',
      path: '/x/y.json',
    });
    expect(describeCliError(file, { debug: false })).toEqual([
      'error: cannot open /x/y.json (no such file or directory)',
    ]);
  });
});
