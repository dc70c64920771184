import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineContext } from '../../audit/audit-context';
import { CustomerService } from '../../src/customers/customer.service';
import { InputValidationError } from '../../src/validation';
import { ValidationError, NotFoundError, ConflictError } from '../../src/errors/errors';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

const author = offlineContext(null, 'account-management');

function dutchConsumer(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Jan de Boer',
    email: 'Jan.de.Boer@Example.NL',
    phone: '+31 20 123 4567',
    address: { street: 'Keizersgracht 1', postalCode: '1015 CJ', city: 'Amsterdam', country: 'NL' },
    iban: 'NL91 ABNA 0417 1643 00',
    bankName: 'ABN AMRO',
    idCardNumber: 'IX1234567',
    username: 'janboer',
    password: 'correct horse battery staple',
    ...overrides,
  };
}

describe('CustomerService on PostgreSQL', () => {
  let t: TestPlatform;
  let customers: CustomerService;
  beforeAll(async () => {
    t = await createTestPlatform();
    customers = t.platform.services.customers;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores personal values only as ciphertext and reads them back decrypted', async () => {
    const em = t.platform.db.orm.em.fork();
    const created = await customers.create(em, dutchConsumer(), author);
    expect(created.email).toBe('Jan.de.Boer@example.nl');
    expect(created.iban).toBe('NL91ABNA0417164300');

    const sql = await t.db.superuser();
    const row = await sql.query('select * from customer where id = $1', [created.id]);
    const dump = JSON.stringify(row.rows[0]);
    for (const plain of [
      'Jan de Boer',
      'example.nl',
      'NL91ABNA0417164300',
      '1234567',
      'IX1234567',
      'Keizersgracht',
      'janboer',
    ]) {
      expect(dump).not.toContain(plain);
    }
    expect(row.rows[0].password_hash).toMatch(/^scrypt\$/);

    const again = await customers.get(t.platform.db.orm.em.fork(), created.id);
    expect(again.name).toBe('Jan de Boer');
    expect(again.address?.city).toBe('Amsterdam');
  });

  it('finds customers by exact email, IBAN, VAT number and ID-card number through blind indexes', async () => {
    const em = t.platform.db.orm.em.fork();
    const business = await customers.create(
      em,
      dutchConsumer({
        name: 'Petra Smit',
        email: 'petra@smit-hosting.nl',
        companyName: 'Smit Hosting B.V.',
        vatNumber: 'NL004495445B01',
        iban: 'NL02ABNA0123456789',
        idCardNumber: 'AB9876543',
        username: 'petrasmit',
      }),
      author,
    );
    const lookups = [
      { email: ' PETRA@smit-hosting.nl ' },
      { iban: 'nl02 abna 0123 4567 89' },
      { vatNumber: 'nl 004495445b01' },
      { idCardNumber: 'ab9876543' },
    ];
    for (const filter of lookups) {
      const page = await customers.list(t.platform.db.orm.em.fork(), filter);
      expect(
        page.edges.map((e) => e.node.id),
        JSON.stringify(filter),
      ).toEqual([business.id]);
    }
    const none = await customers.list(t.platform.db.orm.em.fork(), { email: 'nobody@example.com' });
    expect(none.edges).toHaveLength(0);
    expect(business.customerType).toBe('business');
  });

  it('refuses invalid input naming every bad field, and stores nothing', async () => {
    const em = t.platform.db.orm.em.fork();
    const count = async () =>
      (await em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from customer'))[0]?.n;
    const before = await count();
    let error: unknown;
    try {
      await customers.create(
        em,
        dutchConsumer({
          email: 'not-an-email',
          iban: 'NL00ABNA0417164300',
          kvkNumber: '123',
          username: 'other1',
        }),
        author,
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputValidationError);
    const fields = (error as InputValidationError).fields.map((f) => f.field).sort();
    expect(fields).toEqual(['email', 'iban', 'kvkNumber']);
    expect(await count()).toBe(before);
  });

  it('paginates newest first with cursors, and rejects a foreign cursor', async () => {
    const em = t.platform.db.orm.em.fork();
    for (let i = 0; i < 5; i++) {
      await customers.create(
        em,
        dutchConsumer({ email: `page${i}@example.com`, username: `page${i}`, idCardNumber: null }),
        author,
      );
    }
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await customers.list(t.platform.db.orm.em.fork(), {}, 2, after);
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.hasNextPage) break;
      after = page.edges[page.edges.length - 1]?.cursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    const total = await em
      .getConnection()
      .execute<{ n: number }[]>('select count(*)::int as n from customer');
    expect(seen.length).toBe(total[0]?.n);
    await expect(customers.list(em, {}, 2, 'bogus')).rejects.toBeInstanceOf(ValidationError);
    await expect(customers.list(em, {}, 101)).rejects.toThrow(/first: must be a whole number from 1 to 100/);
  });

  it('records a customer whose subscription has already ended as ended, so that retention archives it', async () => {
    const day = 86_400_000;
    const ended = await customers.create(
      t.platform.db.orm.em.fork(),
      dutchConsumer({
        email: 'ended@example.com',
        username: 'ended',
        idCardNumber: null,
        subscriptionStart: new Date(Date.now() - 900 * day),
        subscriptionEnd: new Date(Date.now() - 400 * day),
      }),
      author,
    );
    expect(ended.status).toBe('ended');
    const running = await customers.create(
      t.platform.db.orm.em.fork(),
      dutchConsumer({ email: 'running@example.com', username: 'running', idCardNumber: null }),
      author,
    );
    expect(running.status).toBe('active');
    const run = await t.platform.services.retention.run(t.platform.db.orm.em.fork());
    expect(run.archived).toBeGreaterThanOrEqual(1);
    expect((await customers.get(t.platform.db.orm.em.fork(), ended.id)).status).toBe('archived');
  });

  it('updates a field, records the mailing opt-out history, and ends a subscription once', async () => {
    const em = t.platform.db.orm.em.fork();
    const c = await customers.create(
      em,
      dutchConsumer({ email: 'upd@example.com', username: 'upd', idCardNumber: null }),
      author,
    );
    const updated = await customers.update(
      t.platform.db.orm.em.fork(),
      c.id,
      { phone: '+32 2 555 12 12', mailingOptOut: true },
      author,
    );
    expect(updated.phone).toBe('+3225551212');
    const history = await em
      .getConnection()
      .execute<{ opted_out: boolean }[]>(
        'select opted_out from mailing_consent_change where customer_id = ? order by changed_at',
        [c.id],
      );
    expect(history.map((h) => h.opted_out)).toEqual([false, true]);
    await expect(
      customers.update(t.platform.db.orm.em.fork(), c.id, { name: null }, author),
    ).rejects.toBeInstanceOf(ValidationError);

    const ended = await customers.endSubscription(t.platform.db.orm.em.fork(), c.id, author);
    expect(ended.status).toBe('ended');
    await expect(customers.endSubscription(t.platform.db.orm.em.fork(), c.id, author)).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(customers.get(em, '00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('refuses a username that another customer has', async () => {
    const em = t.platform.db.orm.em.fork();
    await customers.create(
      em,
      dutchConsumer({ email: 'u1@example.com', username: 'TakenName', idCardNumber: null }),
      author,
    );
    await expect(
      customers.create(
        t.platform.db.orm.em.fork(),
        dutchConsumer({ email: 'u2@example.com', username: 'takenname', idCardNumber: null }),
        author,
      ),
    ).rejects.toThrow(/username: is already taken/);
  });
});
