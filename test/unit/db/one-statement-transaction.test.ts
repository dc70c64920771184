import { describe, expect, it } from 'vitest';
import { oneStatement, StatementCollector } from '../../../src/db/one-statement-transaction';

describe('one-statement transactions', () => {
  it('collects INSERTs and sends them as CTEs before the final statement, parameters in text order', async () => {
    const tx = new StatementCollector();
    expect(await tx.query('insert into a (x) select ?', [1])).toEqual([]);
    await tx.transaction((inner) => inner.query('  INSERT INTO b (y) values (?)', [2]));
    expect(tx.held.map((h) => h.params)).toEqual([[1], [2]]);
    expect(oneStatement(tx.held, [['c', 'insert into c values (?)']], 'insert into d values (?)')).toBe(
      'with held_1 as (insert into a (x) select ?),\n' +
        'held_2 as (  INSERT INTO b (y) values (?)),\n' +
        'c as (insert into c values (?))\n' +
        'insert into d values (?)',
    );
    expect(oneStatement([], [], 'select 1')).toBe('select 1');
  });

  it('refuses what cannot be a CTE whose rows nobody reads', async () => {
    const tx = new StatementCollector();
    await expect(tx.query('select 1')).rejects.toThrow(/Only an INSERT/);
    await expect(tx.query('insert into a values (1) returning id')).rejects.toThrow(/Only an INSERT/);
    await expect(tx.query('with x as (select 1) insert into a select * from x')).rejects.toThrow(
      /Only an INSERT/,
    );
    expect(tx.held).toEqual([]);
  });
});
