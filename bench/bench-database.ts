/**
 * A fresh database for each benchmark: on the server named by BENCH_DATABASE_URL (an admin URL allowed
 * to CREATE DATABASE) or else on an embedded PostgreSQL of the benchmarks' own (.data/bench-postgres,
 * port BENCH_EMBEDDED_POSTGRES_PORT, default 54349), with every migration applied; and a platform on it
 * with freshly generated keys, configured as production would be (no telemetry). Databases are dropped
 * afterwards unless BENCH_KEEP_DATABASES=1.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { loadConfig } from '../src/config/config';
import { startEmbeddedPostgres, type RunningPostgres } from '../src/db/embedded-postgres';
import { initORM, migrate } from '../src/db/orm';
import { createPlatform, type Platform } from '../src/platform';
import { envFlag } from './bench-util';

export interface BenchServer {
  adminUrl: string;
  /** How the server was found, for the report: "BENCH_DATABASE_URL" or the embedded cluster's port. */
  description: string;
  /** `select version()`. */
  version: string;
}

let server: Promise<{ bench: BenchServer; embedded: RunningPostgres | null }> | undefined;

/** Starts (once) or connects to the benchmarks' PostgreSQL server. */
export async function benchServer(): Promise<BenchServer> {
  server ??= (async () => {
    const given = process.env.BENCH_DATABASE_URL?.trim();
    let adminUrl: string;
    let embedded: RunningPostgres | null = null;
    let description: string;
    if (given !== undefined && given !== '') {
      adminUrl = given;
      description = 'BENCH_DATABASE_URL';
    } else {
      const port = Number(process.env.BENCH_EMBEDDED_POSTGRES_PORT ?? 54349);
      embedded = await startEmbeddedPostgres({ dataDir: '.data', name: 'bench-postgres', port });
      adminUrl = embedded.adminUrl;
      const through = embedded.socketDir === null ? 'TCP' : 'its Unix socket';
      description = `embedded, .data/bench-postgres on port ${port}, connected through ${through}${embedded.reused ? ' (already running)' : ''}`;
    }
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string }>('select version() as version');
      return { bench: { adminUrl, description, version: rows[0]?.version ?? 'unknown' }, embedded };
    } finally {
      await client.end();
    }
  })();
  return (await server).bench;
}

/** Stops the embedded server if this process started it. */
export async function stopBenchServer(): Promise<void> {
  if (server === undefined) return;
  const { embedded } = await server.catch(() => ({ embedded: null }));
  server = undefined;
  await embedded?.stop();
}

export interface BenchDatabase {
  name: string;
  url: string;
  /** A `pg` pool on this database (closed by drop()). */
  pool(max: number): Pool;
  drop(): Promise<void>;
}

/** Creates `bench_<label>_<random>` and applies every migration. */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const { adminUrl } = await benchServer();
  const name = `bench_${label.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const orm = await initORM({ url: url.toString(), poolMax: 1 });
  try {
    await migrate(orm);
  } finally {
    await orm.close(true);
  }
  const pools: Pool[] = [];
  return {
    name,
    url: url.toString(),
    pool: (max) => {
      const pool = new Pool({ connectionString: url.toString(), max });
      // An idle client whose backend ends (server stopping, database dropped) must not crash the run.
      pool.on('error', (error) => console.log(`  [bench pool] ${error.message}`));
      pools.push(pool);
      return pool;
    },
    drop: async () => {
      await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
      if (envFlag('BENCH_KEEP_DATABASES')) {
        console.log(`(kept database ${name})`);
        return;
      }
      const dropper = new Client({ connectionString: adminUrl });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** Fresh key material, as test/support/test-platform.ts makes it. */
export function benchKeyEnv(): Record<string, string> {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    FIELD_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    AUDIT_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export interface BenchPlatform {
  platform: Platform;
  database: BenchDatabase;
  close(): Promise<void>;
}

/**
 * A platform on a fresh database. NODE_ENV=production (as deployed: no landing page, terse errors),
 * OpenTelemetry off, the checkpoint witness file in a temporary folder, other settings at their
 * defaults unless `env` overrides them.
 */
export async function createBenchPlatform(
  label: string,
  env: Record<string, string> = {},
): Promise<BenchPlatform> {
  const database = await createBenchDatabase(label);
  const dataDir = mkdtempSync(path.join(tmpdir(), `pfp-bench-${label}-`));
  let platform: Platform;
  try {
    platform = await createPlatform(
      loadConfig({
        NODE_ENV: 'production',
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        OTEL_SDK_DISABLED: 'true',
        LOG_LEVEL: 'warn',
        ...benchKeyEnv(),
        ...env,
      }),
      (line) => console.log(`  [platform] ${line}`),
    );
  } catch (error) {
    await database.drop().catch(() => undefined);
    throw error;
  }
  return {
    platform,
    database,
    close: async () => {
      await platform.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
