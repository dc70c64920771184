import { describe, expect, it } from 'vitest';
import type { SqlRunner } from '../../../audit/sql-runner';
import { InspectionReads, lsnValue } from '../../../src/db/read-replica';

describe('lsnValue', () => {
  it('orders WAL positions as PostgreSQL does, across the 4 GB boundary of the low part', () => {
    expect(lsnValue('0/0')).toBe(0n);
    expect(lsnValue('0/FFFFFFFF') < lsnValue('1/0')).toBe(true);
    expect(lsnValue('16/B374D848') > lsnValue('9/FFFFFFFF')).toBe(true);
    expect(lsnValue('16/B374D848')).toBe(0x16b374d848n);
  });
});

describe('InspectionReads without a replica', () => {
  it('runs every read on the primary and says so', async () => {
    const primary: SqlRunner = {
      query: async <T>() => [{ answer: 42 }] as T[],
      transaction: (work) => work(primary),
    };
    const reads = new InspectionReads(primary);
    const read = await reads.read((db) => db.query<{ answer: number }>('select 42 as answer'));
    expect(read).toEqual({ value: [{ answer: 42 }], origin: { source: 'primary', lagMs: 0 } });
    expect(await reads.state()).toEqual({ kind: 'none' });
    await reads.end();
  });
});
