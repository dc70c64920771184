/** Shared set-up for the privacy service tests: customers to work on and the audit events they caused. */
import { randomUUID } from 'node:crypto';
import { offlineContext } from '../../../audit/audit-context';
import type { Client } from 'pg';
import type { AuditLog } from '../../../audit/audit-log';
import type { CustomerInput } from '../../../src/validation/customer-input';
import type { TestPlatform } from '../../support/test-platform';

export const officer = offlineContext(null, 'privacy-officer');
export const accountManagement = offlineContext(null, 'account-management');

export function consumer(overrides: Partial<CustomerInput> = {}): CustomerInput {
  const tag = randomUUID().slice(0, 8);
  return {
    name: 'Anna de Vries',
    email: `anna.${tag}@example.nl`,
    phone: '+31 20 765 4321',
    address: { street: 'Prinsengracht 263', postalCode: '1016 GV', city: 'Amsterdam', country: 'NL' },
    iban: 'NL91 ABNA 0417 1643 00',
    bankName: 'ABN AMRO',
    ...overrides,
  };
}

export async function newCustomer(t: TestPlatform, overrides: Partial<CustomerInput> = {}): Promise<string> {
  const created = await t.platform.services.customers.create(
    t.platform.db.orm.em.fork(),
    consumer(overrides),
    accountManagement,
  );
  return created.id;
}

const superusers = new WeakMap<TestPlatform, Promise<Client>>();

/** One superuser connection per test platform, for SQL checks behind the services' backs. */
export function superuser(t: TestPlatform): Promise<Client> {
  let client = superusers.get(t);
  if (client === undefined) {
    client = t.db.superuser();
    superusers.set(t, client);
  }
  return client;
}

export interface StoredEvent {
  event_id: string;
  action: string;
  subject_id: string | null;
  categories: string[];
  fields: string[];
  purpose: string | null;
}

/** Seals what is pending, then reads the sealed events about one subject (or none), oldest first. */
export async function sealedEvents(
  t: TestPlatform,
  subjectId: string | null,
  field?: string,
): Promise<StoredEvent[]> {
  await t.platform.services.audit.sealer.sealPending();
  const sql = await superuser(t);
  const where = subjectId === null ? 'subject_id is null' : 'subject_id = $1';
  const params: unknown[] = subjectId === null ? [] : [subjectId];
  const result = await sql.query<StoredEvent>(
    `select event_id, action, subject_id, categories, fields, purpose from audit_event where ${where} order by sequence`,
    params,
  );
  return field === undefined ? result.rows : result.rows.filter((r) => r.fields.includes(field));
}

export async function countRows(t: TestPlatform, table: string): Promise<number> {
  const sql = await superuser(t);
  const result = await sql.query<{ n: number }>(`select count(*)::int as n from ${table}`);
  return result.rows[0]?.n ?? 0;
}

/** An audit log whose writes always fail, to prove that a change and its event commit together. */
export function failingAudit(): AuditLog {
  return {
    recordInTransaction: async () => {
      throw new Error('audit log unavailable');
    },
  } as unknown as AuditLog;
}

/** Fails the test unless `promise` rejects with an instance of `type` whose `field` (if given) matches. */
export async function expectRejection<T extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => T,
  field?: string,
): Promise<T> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  if (!(error instanceof type)) {
    throw new Error(
      `expected ${type.name}, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
  }
  if (field !== undefined && (error as unknown as { field?: string }).field !== field) {
    throw new Error(`expected ${type.name} on field ${field}, got: ${error.message}`);
  }
  return error;
}
