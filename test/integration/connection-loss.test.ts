/**
 * The database ends the service's idle connections (a restart, a failover, an administrator's
 * pg_terminate_backend): the service must not crash, and the next request gets a fresh connection.
 * `pg` reports such an error on the pool, and an unheard 'error' event ends a Node process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, offlineContext } from '../../audit/audit-context';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

describe('connections ended by the database', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await createTestPlatform();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the service up when its idle connections are terminated, and serves the next request', async () => {
    const { actors, audit } = t.platform.services;
    const { actor } = await actors.create(t.platform.db.orm.em.fork(), {
      kind: 'employee',
      role: 'support',
      name: 'Sam',
    });
    const read = () =>
      auditEvent(offlineContext(actor, 'support-ticket:1'), {
        action: 'read',
        subjectId: null,
        categories: ['email'],
        fields: ['email'],
      });
    // Opens the audit recorder's own connections; they stay idle in its pool afterwards.
    await audit.record([read()]);

    const sql = await t.db.superuser();
    const { rows } = await sql.query(
      `select pg_terminate_backend(pid) as ended from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`,
    );
    expect(rows.length).toBeGreaterThan(0);
    // Let the terminations reach the idle clients (an unheard error would end the process here).
    await new Promise((resolve) => setTimeout(resolve, 300));

    await audit.record([read()]);
    const viaOrm = await t.platform.db.orm.em.fork().getConnection().execute('select 1 as one');
    expect(viaOrm).toEqual([{ one: 1 }]);
    const verified = await audit.verify();
    expect(verified.ok).toBe(true);
    expect(verified.treeSize).toBeGreaterThanOrEqual(2);
  });
});
