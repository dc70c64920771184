/**
 * A platform on a fresh test database with fresh keys, as tests use it: in-process for service and
 * resolver tests, or behind a real HTTP server on a free port for end-to-end tests.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { loadConfig } from '../../src/config/config';
import { createPlatform, type Platform } from '../../src/platform';
import { startHttpServer, type RunningServer } from '../../src/server/http-server';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestPlatform {
  platform: Platform;
  db: TestDatabase;
  /** The environment the platform was configured from (keys included), to start more on the same database. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export function testKeyEnv(): Record<string, string> {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    FIELD_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    AUDIT_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export type TestEnv = Record<string, string> | ((db: TestDatabase) => Promise<Record<string, string>>);

export async function createTestPlatform(envOrFactory: TestEnv = {}): Promise<TestPlatform> {
  const db = await createTestDatabase();
  const env = typeof envOrFactory === 'function' ? await envOrFactory(db) : envOrFactory;
  const fullEnv = {
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'pfp-test-')),
    DATABASE_POOL_MAX: '4',
    OTEL_SDK_DISABLED: 'true',
    ...testKeyEnv(),
    ...env,
  };
  const platform = await createPlatform(loadConfig(fullEnv), () => undefined);
  return {
    platform,
    db,
    env: fullEnv,
    close: async () => {
      await platform.close();
      await db.drop();
    },
  };
}

/**
 * A login role in the application role `platform_app` (INSERT and SELECT only on the audit tables), and
 * the environment that runs the service as it while migrations run as the superuser: the documented
 * production set-up.
 */
export async function applicationRoleEnv(db: TestDatabase): Promise<Record<string, string>> {
  const role = `app_${db.name}`;
  const sql = await db.superuser();
  await sql.query(`create role ${role} login password 'app-password' in role platform_app`);
  const url = new URL(db.url);
  url.username = role;
  url.password = 'app-password';
  return { DATABASE_URL: url.toString(), MIGRATION_DATABASE_URL: db.url };
}

/** Another platform (as another process would be) on the same database and keys. */
export async function attachPlatform(
  base: TestPlatform,
  env: Record<string, string> = {},
): Promise<Platform> {
  return createPlatform(loadConfig({ ...base.env, ...env }), () => undefined);
}

export interface TestServer extends TestPlatform {
  server: RunningServer;
  /** POSTs a GraphQL request (a typed document from schema/generated, or a string); returns status and body. */
  graphql<T = Record<string, unknown>, V = Record<string, unknown>>(
    query: string | TypedDocumentNode<T, V>,
    options?: RequestOptions<V>,
  ): Promise<{ status: number; body: { data?: T | null; errors?: GraphQLErrorBody[] }; headers: Headers }>;
}

export interface RequestOptions<V> {
  variables?: V;
  token?: string;
  purpose?: string;
  headers?: Record<string, string>;
}

export interface GraphQLErrorBody {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown> & { code?: string };
}

export async function startTestServer(env: TestEnv = {}): Promise<TestServer> {
  const base = await createTestPlatform(env);
  const server = await startHttpServer(base.platform, { port: 0, host: '127.0.0.1' });
  return {
    ...base,
    server,
    graphql: async (query, options = {}) => {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
      if (options.purpose !== undefined) headers['x-purpose'] = options.purpose;
      const response = await fetch(server.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          query: typeof query === 'string' ? query : print(query),
          variables: options.variables,
        }),
      });
      return { status: response.status, body: (await response.json()) as never, headers: response.headers };
    },
    close: async () => {
      await server.stop();
      await base.close();
    },
  };
}
