/**
 * A `SqlRunner` over a small `pg` pool of its own. The audit recorder writes through it: its one
 * statement per batch needs no ORM, and skipping the ORM's layers takes a share of the cost off every
 * audited request.
 */
import { Pool } from 'pg';
import type { SqlRunner } from '../../audit/sql-runner';

export interface PoolRunner extends SqlRunner {
  end(): Promise<void>;
}

/** The runner's `?` placeholders as PostgreSQL's `$1, $2, ...` (no query here has a literal `?`). */
export function positionalSql(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export function poolRunner(url: string, max: number): PoolRunner {
  const pool = new Pool({ connectionString: url, max });
  const runner: PoolRunner = {
    query: async <T>(sql: string, params: readonly unknown[] = []) =>
      (await pool.query(positionalSql(sql), [...params])).rows as T[],
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const tx: SqlRunner = {
          query: async <T>(sql: string, params: readonly unknown[] = []) =>
            (await client.query(positionalSql(sql), [...params])).rows as T[],
          transaction: (inner) => inner(tx),
        };
        const result = await work(tx);
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    end: () => pool.end(),
  };
  return runner;
}
