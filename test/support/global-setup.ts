/**
 * Global setup of the `db` test project: a real PostgreSQL (the embedded one under .data/test-postgres,
 * or TEST_DATABASE_URL), and a template database with every migration applied. Each test file then
 * clones the template into a database of its own (see test-database.ts), so files run in parallel.
 */
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/db/embedded-postgres';
import { initORM, migrate } from '../../src/db/orm';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDatabase: string;
  }
}

export const TEMPLATE_DATABASE = 'platform_test_template';

let server: RunningPostgres | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Tests that run the service or the command line as a user does need the build (dist/).
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl === undefined || adminUrl === '') {
    server = await startEmbeddedPostgres({
      dataDir: '.data',
      name: 'test-postgres',
      port: Number(process.env.TEST_EMBEDDED_POSTGRES_PORT ?? 54339),
    });
    adminUrl = server.adminUrl;
  }
  await recreateTemplate(adminUrl);
  project.provide('adminUrl', adminUrl);
  project.provide('templateDatabase', TEMPLATE_DATABASE);
  return async () => {
    await server?.stop();
  };
}

async function recreateTemplate(adminUrl: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.query(`create database ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${TEMPLATE_DATABASE}`;
  const orm = await initORM({ url: url.toString(), poolMax: 2 });
  try {
    await migrate(orm);
  } finally {
    await orm.close(true);
  }
}
