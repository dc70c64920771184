/**
 * A `SqlRunner` over a small `pg` pool of its own. The audit recorder writes through it: its one
 * statement per batch needs no ORM, and skipping the ORM's layers takes a share of the cost off every
 * audited request.
 */
import { createHash } from 'node:crypto';
import { Pool, type QueryConfig } from 'pg';
import type { SqlRunner } from '../../audit/sql-runner';

export interface PoolRunner extends SqlRunner {
  end(): Promise<void>;
}

/** The runner's `?` placeholders as PostgreSQL's `$1, $2, ...` (no query here has a literal `?`). */
export function positionalSql(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * The statement as a named (prepared) query: each connection parses and plans a text once instead of
 * on every call. The recorder's few statements run thousands of times a second, and planning its
 * one-statement append (a CTE over four tables) costs more than executing it for a small batch.
 */
function preparedQuery(sql: string, params: readonly unknown[]): QueryConfig {
  let statement = statements.get(sql);
  if (statement === undefined) {
    statement = {
      name: `runner_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`,
      text: positionalSql(sql),
    };
    statements.set(sql, statement);
  }
  return { name: statement.name, text: statement.text, values: params as unknown[] };
}
const statements = new Map<string, { name: string; text: string }>();

/**
 * @param onIdleError told when the server ends one of the pool's idle connections (a restart, a
 * failover, pg_terminate_backend): the pool drops it and opens another when one is needed. Without a
 * listener that event would end the process.
 * @param connectTimeoutMs how long to wait for a new connection; unset, as long as the network stack
 * does (minutes, for a host that does not answer).
 */
export function poolRunner(
  url: string,
  max: number,
  onIdleError: (error: Error) => void = () => undefined,
  connectTimeoutMs?: number,
): PoolRunner {
  const pool = new Pool({ connectionString: url, max, connectionTimeoutMillis: connectTimeoutMs });
  pool.on('error', onIdleError);
  const runner: PoolRunner = {
    query: async <T>(sql: string, params: readonly unknown[] = []) =>
      (await pool.query(preparedQuery(sql, params))).rows as T[],
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const tx: SqlRunner = {
          query: async <T>(sql: string, params: readonly unknown[] = []) =>
            (await client.query(preparedQuery(sql, params))).rows as T[],
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
