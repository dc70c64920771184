/** A fresh database for one test file, cloned from the migrated template the global setup made. */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  url: string;
  name: string;
  /** A client on the test database with the server's superuser rights, for SQL checks and tampering. */
  superuser(): Promise<Client>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('adminUrl');
  const template = inject('templateDatabase');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const clients: Client[] = [];
  return {
    url: url.toString(),
    name,
    superuser: async () => {
      const client = new Client({ connectionString: url.toString() });
      await client.connect();
      clients.push(client);
      return client;
    },
    drop: async () => {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      const dropper = new Client({ connectionString: adminUrl });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
        // Roles are cluster-wide; a test's own login role is named after its database.
        await dropper.query(`drop role if exists app_${name}`);
      } finally {
        await dropper.end();
      }
    },
  };
}
