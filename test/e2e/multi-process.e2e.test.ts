/**
 * Two server processes (the built service, as deployed) on one database under parallel load: one
 * gap-free sequence and one verified tree. Runs the build in dist/ (made by the global test setup).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineContext } from '../../audit/audit-context';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

const root = path.resolve(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not become ready:\n${output()}`);
}

describe('two server processes on one database', () => {
  let t: TestPlatform;
  const servers: { child: ChildProcess; url: string }[] = [];

  beforeAll(async () => {
    t = await createTestPlatform();
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      let output = '';
      const child = spawn(process.execPath, ['dist/src/main.js'], {
        cwd: root,
        env: {
          ...process.env,
          ...t.env,
          PORT: String(port),
          NODE_ENV: 'test',
          SEED_DEMO_DATA: 'false',
          DATA_DIR: mkdtempSync(path.join(tmpdir(), 'pfp-proc-')),
          AUDIT_SEAL_INTERVAL_MS: '50',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      await waitUntilReady(`http://127.0.0.1:${port}/readyz`, child, () => output);
      servers.push({ child, url: `http://127.0.0.1:${port}/graphql` });
    }
  }, 180_000);

  afterAll(async () => {
    for (const s of servers) {
      s.child.kill('SIGTERM');
      await new Promise((r) => s.child.once('exit', r));
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
      fetch(servers[i % 2]!.url, {
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
