/** Helpers for audit-log tests: plausible events and superuser tampering that bypasses the triggers. */
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { auditEvent, offlineContext } from '../../audit/audit-context';
import type { AuditEventInput } from '../../audit/audit-event';
import type { SqlRunner } from '../../audit/sql-runner';
import { positionalSql } from '../../src/db/pg-pool-runner';

export function readEvents(
  count: number,
  subjectId: string = randomUUID(),
  purpose = 'support-ticket:1',
): AuditEventInput[] {
  const context = offlineContext({ id: randomUUID(), kind: 'employee', role: 'support' }, purpose);
  return Array.from({ length: count }, () =>
    auditEvent(context, {
      action: 'read',
      subjectId,
      categories: ['email', 'name'],
      fields: ['email', 'name'],
    }),
  );
}

/** Runs SQL as a superuser with triggers off for this session, as an attacker with full rights would. */
export async function tamper(client: Client, sql: string, params: unknown[] = []): Promise<void> {
  await client.query("set session_replication_role = 'replica'");
  try {
    await client.query(sql, params);
  } finally {
    await client.query("set session_replication_role = 'origin'");
  }
}

/** A SqlRunner over one pg client (so a test controls exactly when its transaction commits). */
export function clientRunner(client: Client): SqlRunner {
  const runner: SqlRunner = {
    query: async <T>(sql: string, params: readonly unknown[] = []) =>
      (await client.query(positionalSql(sql), [...params])).rows as T[],
    transaction: async (work) => {
      await client.query('begin');
      try {
        const out = await work(runner);
        await client.query('commit');
        return out;
      } catch (error) {
        await client.query('rollback');
        throw error;
      }
    },
  };
  return runner;
}
