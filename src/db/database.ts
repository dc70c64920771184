/**
 * Where the data lives: DATABASE_URL when given, otherwise the embedded PostgreSQL under the data
 * directory. Opens the ORM and applies pending migrations, so a started service always runs on the
 * schema it was built for.
 */
import { Client } from 'pg';
import type { Config } from '../config/config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { initORM, migrate, type Orm } from './orm';

export const EMBEDDED_DATABASE_NAME = 'platform';

export interface Database {
  url: string;
  orm: Orm;
  embedded: boolean;
  close(): Promise<void>;
}

export interface DatabaseLocation {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** Resolves the database URL, starting the embedded server (and creating its database) if needed. */
export async function locateDatabase(config: Config, log: (line: string) => void): Promise<DatabaseLocation> {
  if (config.database.url !== undefined) {
    return { url: config.database.url, embedded: false, stop: async () => undefined };
  }
  const server = await startEmbeddedPostgres({
    dataDir: config.dataDir,
    port: config.database.embeddedPort,
    log: (line) => {
      if (config.logLevel === 'debug') log(`[postgres] ${line}`);
    },
    notice: log,
  });
  await createDatabaseIfMissing(server.adminUrl, EMBEDDED_DATABASE_NAME);
  const through = server.socketDir === null ? '' : ' (the service connects through its Unix socket)';
  log(
    `Embedded PostgreSQL on 127.0.0.1:${config.database.embeddedPort}${through}, data in ${config.dataDir}`,
  );
  return { url: server.urlFor(EMBEDDED_DATABASE_NAME), embedded: true, stop: () => server.stop() };
}

export async function openDatabase(config: Config, log: (line: string) => void): Promise<Database> {
  const location = await locateDatabase(config, log);
  let orm: Orm | undefined;
  try {
    await runMigrations(config.database.migrationUrl ?? location.url, log);
    orm = await initORM({ url: location.url, poolMax: config.database.poolMax });
  } catch (error) {
    await orm?.close(true).catch(() => undefined);
    await location.stop().catch(() => undefined);
    throw error;
  }
  const opened = orm;
  return {
    url: location.url,
    orm: opened,
    embedded: location.embedded,
    close: async () => {
      await opened.close(true);
      await location.stop();
    },
  };
}

/** Applies pending migrations over their own connection, which may be a more privileged role than the service's. */
async function runMigrations(url: string, log: (line: string) => void): Promise<void> {
  const orm = await initORM({ url, poolMax: 1 });
  try {
    const applied = await migrate(orm);
    if (applied.length > 0) log(`Applied migrations: ${applied.join(', ')}`);
  } finally {
    await orm.close(true);
  }
}

export async function createDatabaseIfMissing(
  adminUrl: string,
  name: string,
  template?: string,
): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      const from = template === undefined ? '' : ` template ${client.escapeIdentifier(template)}`;
      await client.query(`create database ${client.escapeIdentifier(name)}${from}`);
    }
  } finally {
    await client.end();
  }
}
