/**
 * Cursors: one handed out by a list is read back as it was; anything else is the asker's input error,
 * named `after`, before it reaches the database (where a malformed id or an impossible year was a
 * database error, answered with a generic message and logged as input no validator refused).
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors/errors';
import { decodeTimeIdCursor, encodeCursor } from '../../../src/pagination/page';

const T = '2026-11-26T15:09:08.286Z';
const ROW = 'df1493cc-e330-4531-ba9a-1984697d2e7b';

function refused(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected the cursor to be refused');
}

describe('decodeTimeIdCursor', () => {
  it('reads back a cursor a list handed out, a row id or an audit sequence number', () => {
    expect(decodeTimeIdCursor(encodeCursor({ t: T, id: ROW }))).toEqual({ t: T, id: ROW });
    expect(decodeTimeIdCursor(encodeCursor({ t: T, id: '67' }), 'after', 'sequence')).toEqual({
      t: T,
      id: '67',
    });
    expect(decodeTimeIdCursor(encodeCursor({ t: T, id: '0' }), 'after', 'sequence')).toEqual({
      t: T,
      id: '0',
    });
    expect(decodeTimeIdCursor(undefined)).toBeNull();
    expect(decodeTimeIdCursor('')).toBeNull();
  });

  it('refuses an id of the wrong kind, naming the argument', () => {
    const sequence = (id: string) => () =>
      decodeTimeIdCursor(encodeCursor({ t: T, id }), 'after', 'sequence');
    for (const id of ['abc', '1.5', '1e30', '-5', '', ' 7', '01', ROW, '9'.repeat(16)]) {
      const error = refused(sequence(id));
      expect(error.message).toMatch(/^after: is not a cursor returned by this list/);
    }
    // A cursor of the audit log (a sequence number) is not one of a list of rows.
    refused(() => decodeTimeIdCursor(encodeCursor({ t: T, id: '67' })));
    refused(() => decodeTimeIdCursor(encodeCursor({ t: T, id: 42 })));
  });

  it('refuses a time no list hands out: no year 0, none past 9999, no time at all', () => {
    for (const t of ['0000-01-01T00:00:00.000Z', '+099999-11-26T00:00:00.000Z', 'yesterday', '']) {
      refused(() => decodeTimeIdCursor(encodeCursor({ t, id: ROW })));
    }
    refused(() => decodeTimeIdCursor(encodeCursor({ id: ROW })));
    refused(() => decodeTimeIdCursor('not base64 json'));
  });
});
