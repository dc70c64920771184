/**
 * Two server processes (the built service, as deployed) on one database under parallel load: one
 * gap-free sequence and one verified tree. Runs the build in dist/ (made by the global test setup).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineContext } from '../../audit/audit-context';
import { startServiceProcess, type ServiceProcess } from '../support/service-process';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

describe('two server processes on one database', () => {
  let t: TestPlatform;
  const servers: ServiceProcess[] = [];

  beforeAll(async () => {
    t = await createTestPlatform();
    for (let i = 0; i < 2; i++) {
      servers.push(await startServiceProcess({ ...t.env, NODE_ENV: 'test', AUDIT_SEAL_INTERVAL_MS: '50' }));
    }
  }, 180_000);

  afterAll(async () => {
    for (const s of servers) {
      s.child.kill('SIGTERM');
      await s.exited;
    }
    await t?.close();
  });

  it('produces one gap-free sequence and a verified tree under parallel reads', async () => {
    const em = t.platform.db.orm.em.fork();
    const { token } = await t.platform.services.actors.create(em, {
      kind: 'employee',
      role: 'admin',
      name: 'load',
    });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const c = await t.platform.services.customers.create(
        em,
        {
          name: `Klant ${i}`,
          email: `klant${i}@example.nl`,
          address: { street: 'Markt 1', postalCode: '5611 EB', city: 'Eindhoven', country: 'NL' },
        },
        offlineContext(null, 'account-management'),
      );
      ids.push(c.id);
    }
    const requests = Array.from({ length: 300 }, (_, i) =>
      fetch(servers[i % 2]!.graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'x-purpose': 'account-management',
        },
        body: JSON.stringify({ query: `{ customer(id: "${ids[i % ids.length]}") { id name email } }` }),
      }).then((r) => r.status),
    );
    const statuses = await Promise.all(requests);
    expect(statuses.every((s) => s === 200)).toBe(true);

    const sql = await t.db.superuser();
    for (let i = 0; i < 100; i++) {
      if ((await sql.query('select count(*)::int as n from audit_inbox')).rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const { rows } = await sql.query('select sequence from audit_event order by sequence');
    const sequences = rows.map((r) => Number(r.sequence));
    expect(sequences.length).toBe(10 + 300);
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i));
    const checkpoints = await sql.query('select count(*)::int as n from audit_checkpoint');
    expect(checkpoints.rows[0].n).toBeGreaterThan(1);
    expect(await t.platform.services.audit.verify()).toMatchObject({ ok: true, treeSize: 310 });
  });
});
