/** Adapts a MikroORM entity manager to the audit log's `SqlRunner`, joining its transaction if it is in one. */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SqlRunner } from '../../audit/sql-runner';

export function sqlRunner(em: EntityManager): SqlRunner {
  return {
    query: async <T>(sql: string, params: readonly unknown[] = []) =>
      (await em.getConnection().execute(sql, [...params], 'all', em.getTransactionContext())) as T[],
    transaction: (work) => em.transactional((tx) => work(sqlRunner(tx))),
  };
}
