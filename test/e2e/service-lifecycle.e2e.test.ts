/**
 * The service as started by `npm start` (the build): SIGTERM lets in-flight requests finish before the
 * process exits, and so does the end of the npm that started it; a port taken by something else gives
 * the embedded PostgreSQL a clear error; the embedded cluster is reached through its Unix socket; a
 * GeoIP database that cannot be loaded stops the start with the reason.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedPostgresError, startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { freePort, serviceStartFailure, startServiceProcess } from '../support/service-process';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

describe('service lifecycle', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await createTestPlatform();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('finishes in-flight requests on SIGTERM, then exits 0', async () => {
    const service = await startServiceProcess({ ...t.env, NODE_ENV: 'test' });
    const { child, exited, output } = service;
    const url = service.baseUrl;

    const { token } = await t.platform.services.actors.create(t.platform.db.orm.em.fork(), {
      kind: 'employee',
      role: 'admin',
      name: 'a',
    });
    // Hold the customer table so the requests are surely in flight (waiting on the database) at the signal.
    const lock = await t.db.superuser();
    await lock.query('begin');
    await lock.query('lock table customer in access exclusive mode');
    const inFlight = Array.from({ length: 6 }, () =>
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'x-purpose': 'account-management',
        },
        body: JSON.stringify({ query: '{ customers(first: 100) { edges { node { id name email } } } }' }),
      }).then((r) => r.status),
    );
    // Signal only once the requests are inside the service, waiting on the lock: as many as its pool
    // (DATABASE_POOL_MAX) lets into the database at once; the rest wait for a connection.
    const watcher = await t.db.superuser();
    const poolMax = Number(t.env.DATABASE_POOL_MAX);
    for (let i = 0; i < 200; i++) {
      const { rows } = await watcher.query(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
      );
      if (rows[0].n >= Math.min(poolMax, 6)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    await lock.query('commit');
    expect(await Promise.all(inFlight)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await exited).toBe(0);
    expect(output()).toMatch(/SIGTERM received: finishing in-flight requests/);
    expect(output()).toContain('Stopped.');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('stops as on SIGTERM when the npm that started it ends, though npm and its shell do not pass the signal on', async () => {
    const service = await startServiceProcess(
      { ...t.env, NODE_ENV: 'test', npm_lifecycle_event: 'start' },
      { underShell: true },
    );
    // What a SIGTERM to npm does: npm ends, and so does its shell, without passing the signal on.
    service.child.kill('SIGTERM');
    await service.exited;
    await expect(fetch(`${service.baseUrl}/healthz`).then((r) => r.status)).resolves.toBe(200);
    await service.closed;
    expect(service.output()).toMatch(
      /The npm process that started the service has ended: finishing in-flight/,
    );
    expect(service.output()).toContain('Stopped.');
    await expect(fetch(`${service.baseUrl}/healthz`)).rejects.toThrow();
  });

  // The test cluster is the embedded one unless TEST_DATABASE_URL names another server.
  it.skipIf((process.env.TEST_DATABASE_URL ?? '') !== '')(
    'connects the ORM and the raw pools through the embedded cluster socket, also when reusing a running cluster',
    async () => {
      const port = Number(process.env.TEST_EMBEDDED_POSTGRES_PORT ?? 54339);
      const again = await startEmbeddedPostgres({ dataDir: '.data', name: 'test-postgres', port });
      expect(again.reused).toBe(true);
      expect(again.socketDir).toBe(path.resolve('.data', 'test-postgres'));
      expect(new URL(again.adminUrl).searchParams.get('host')).toBe(again.socketDir);
      expect(new URL(t.db.url).searchParams.get('host')).toBe(again.socketDir);

      // inet_server_addr() is null on a Unix-domain socket and 127.0.0.1 over TCP.
      const viaOrm = await t.platform.db.orm.em
        .getConnection()
        .execute<{ addr: string | null }[]>('select inet_server_addr() as addr');
      expect(viaOrm[0]?.addr).toBeNull();
      const viaPg = await t.db.superuser();
      expect((await viaPg.query('select inet_server_addr() as addr')).rows[0].addr).toBeNull();
    },
  );

  it('does not start without GeoIP: a missing or unreadable database is named, exit 1, nothing left running', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pfp-geo-'));
    const notMmdb = path.join(dir, 'city.mmdb');
    writeFileSync(notMmdb, 'not a MaxMind database\n');
    for (const file of [path.join(dir, 'missing.mmdb'), notMmdb]) {
      const { code, output } = await serviceStartFailure({
        ...t.env,
        NODE_ENV: 'test',
        GEOIP_CITY_DB: file,
      });
      expect({ file, code }).toEqual({ file, code: 1 });
      expect(output).toContain('GeoIP could not be loaded');
      expect(output).toContain(file);
      expect(output).toContain('GEOIP_');
      expect(output).not.toContain('GraphQL API at');
      expect(output).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('takes over the embedded PostgreSQL that a killed process left running, so it is stopped again', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pfp-orphan-'));
    const port = await freePort();
    const module = path.resolve(__dirname, '../../dist/src/db/embedded-postgres.js');
    const first = spawn(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(module)}).startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port} }).then(() => console.log('started'))`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      first.stdout.on('data', (d: Buffer) => d.toString().includes('started') && resolve());
      first.once('exit', () => reject(new Error('the first process ended before the cluster started')));
    });
    const postmasterPid = () =>
      Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const orphan = postmasterPid();
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(alive(orphan)).toBe(true); // kill -9 leaves the cluster running

    const notices: string[] = [];
    const again = await startEmbeddedPostgres({ dataDir, port, notice: (line) => notices.push(line) });
    try {
      expect(again.reused).toBe(false);
      expect(alive(orphan)).toBe(false);
      expect(notices.join('\n')).toMatch(/left running by a process that ended without stopping it/);
    } finally {
      const current = postmasterPid();
      await again.stop();
      if (again.reused) process.kill(current, 'SIGINT');
      expect(alive(current)).toBe(false);
    }
  }, 120_000);

  it("leaves a running owner's cluster alone after another cluster of the same data directory (the tests') started and stopped", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pfp-owners-'));
    const [port, otherPort] = [await freePort(), await freePort()];
    const module = path.resolve(__dirname, '../../dist/src/db/embedded-postgres.js');
    const start = (options: string, then: string) =>
      spawn(
        process.execPath,
        [
          '-e',
          `require(${JSON.stringify(module)}).startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, ${options} })` +
            `.then(${then}).then(() => console.log('done'))`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
    const done = (child: ReturnType<typeof spawn>) =>
      new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('done') && resolve());
        child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`exit ${code}`))));
      });
    // The service: starts the data directory's cluster and keeps running.
    const service = start(`port: ${port}`, '() => undefined');
    await done(service);
    const postmaster = Number(
      readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    try {
      // The test suite: a cluster of its own in the same directory, started and stopped, process ended.
      const tests = start(`port: ${otherPort}, name: 'test-postgres'`, '(pg) => pg.stop()');
      await done(tests);
      await new Promise((resolve) => tests.once('exit', resolve));

      // The command line afterwards uses the service's cluster; it does not restart it under the service.
      const cli = await startEmbeddedPostgres({ dataDir, port });
      expect(cli.reused).toBe(true);
      await cli.stop();
      expect(alive(postmaster)).toBe(true);
    } finally {
      service.kill('SIGKILL');
      if (alive(postmaster)) process.kill(postmaster, 'SIGINT');
    }
  }, 120_000);

  it('explains a port taken by another program instead of failing obscurely', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)),
    );
    try {
      const error = await startEmbeddedPostgres({
        dataDir: mkdtempSync(path.join(tmpdir(), 'pfp-port-')),
        port,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EmbeddedPostgresError);
      expect((error as Error).message).toMatch(
        new RegExp(`Port ${port} is already in use.*EMBEDDED_POSTGRES_PORT.*DATABASE_URL`),
      );
    } finally {
      blocker.close();
    }
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
