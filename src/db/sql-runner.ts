/**
 * Adapts a MikroORM entity manager to the audit log's `SqlRunner`, joining its transaction if it is in
 * one. Queries go through knex with real bind parameters: MikroORM's own `execute()` writes parameters
 * into the SQL text as escaped literals, which for the megabytes of JSON a sealing batch sends cost
 * more than the sealing itself.
 */
import type { Knex } from '@mikro-orm/knex';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SqlRunner } from '../../audit/sql-runner';

export function sqlRunner(em: EntityManager): SqlRunner {
  return {
    query: async <T>(sql: string, params: readonly unknown[] = []) => {
      const query = em
        .getConnection()
        .getKnex()
        .raw(sql, [...params] as Knex.RawBinding[]);
      const transaction = em.getTransactionContext<Knex.Transaction>();
      const result = (await (transaction === undefined ? query : query.transacting(transaction))) as {
        rows: T[];
      };
      return result.rows;
    },
    transaction: (work) => em.transactional((tx) => work(sqlRunner(tx))),
  };
}
