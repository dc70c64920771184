/**
 * A transaction that is a single statement. PostgreSQL runs every statement atomically, so a change
 * whose writes fit in one statement needs neither BEGIN nor COMMIT: the writes of other modules (the
 * audit log's inbox insert) are held back by a `SqlRunner` that only collects them, and then sent as
 * data-modifying CTEs of the change's own statement. Order scoring writes this way: BEGIN and COMMIT
 * were two of its five round trips, and on these VMs every statement's socket write costs more CPU
 * than PostgreSQL's work for it.
 *
 * Only what can be a CTE is collected: an INSERT whose rows nobody reads (no RETURNING, no WITH of its
 * own). Anything else fails loudly rather than running outside the transaction.
 */
import type { SqlRunner } from '../../audit/sql-runner';

export interface HeldStatement {
  sql: string;
  params: readonly unknown[];
}

const EMBEDDABLE = /^\s*insert\s+into\s/i;
const RETURNING = /\breturning\b/i;

/** The `SqlRunner` to hand to other modules' writes: it answers no rows and keeps the statements. */
export class StatementCollector implements SqlRunner {
  readonly held: HeldStatement[] = [];

  query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    if (!EMBEDDABLE.test(sql) || RETURNING.test(sql)) {
      return Promise.reject(
        new Error(
          `Only an INSERT without RETURNING can join a one-statement transaction: ${sql.slice(0, 80)}`,
        ),
      );
    }
    this.held.push({ sql, params: [...params] });
    return Promise.resolve([]);
  }

  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return work(this);
  }
}

/**
 * One statement: the held statements and `ctes` (name and data-modifying statement) as a WITH list,
 * then `final`. Parameters (`?`) in the order of the text.
 */
export function oneStatement(
  held: readonly HeldStatement[],
  ctes: ReadonlyArray<readonly [name: string, sql: string]>,
  final: string,
): string {
  const list = [
    ...held.map((statement, i) => `held_${i + 1} as (${statement.sql})`),
    ...ctes.map(([name, sql]) => `${name} as (${sql})`),
  ];
  return list.length === 0 ? final : `with ${list.join(',\n')}\n${final}`;
}
