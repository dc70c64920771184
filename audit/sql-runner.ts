/**
 * The little database access the audit log needs: plain SQL with `?` placeholders, and transactions.
 * Kept as an interface so `audit/` does not depend on the ORM; src/db/sql-runner.ts adapts MikroORM.
 */
export interface SqlRunner {
  /** `?` placeholders become bind parameters; an array parameter is one PostgreSQL array (use `= any(?)`). */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
}
