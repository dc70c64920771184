/**
 * The foundation over HTTP: authentication, roles, purposes, validation, masking of internal errors,
 * health and readiness, using the typed operations generated from schema/operations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateCustomerDocument,
  CustomerBankDetailsDocument,
  CustomerDocument,
  CustomerIdDocumentDocument,
  CustomersDocument,
  CustomerStatusDocument,
  EndSubscriptionDocument,
  MeDocument,
  TypenameDocument,
  UpdateCustomerDocument,
} from '../../schema/generated/graphql';
import { startTestServer, type TestServer } from '../support/test-platform';

const newCustomer = {
  name: 'Sanne Visser',
  email: 'sanne@example.nl',
  phone: '+31 6 12345678',
  address: { street: 'Damrak 1', postalCode: '1012 LG', city: 'Amsterdam', country: 'NL' },
  iban: 'NL91ABNA0417164300',
  bankName: 'ABN AMRO',
  idCardNumber: 'NX7654321',
};

describe('foundation over HTTP', () => {
  let t: TestServer;
  const tokens: Record<string, string> = {};
  let customerId: string;

  beforeAll(async () => {
    t = await startTestServer();
    const em = t.platform.db.orm.em.fork();
    const specs = [
      ['support', 'employee'],
      ['finance', 'employee'],
      ['privacy_officer', 'employee'],
      ['admin', 'employee'],
      ['order_system', 'service'],
      ['registry', 'third_party'],
    ] as const;
    for (const [role, kind] of specs) {
      tokens[role] = (await t.platform.services.actors.create(em, { kind, role, name: role })).token;
    }
    const created = await t.graphql(CreateCustomerDocument, {
      variables: { input: newCustomer },
      token: tokens.admin,
      purpose: 'account-management',
    });
    expect(created.body.errors, JSON.stringify(created.body.errors)).toBeUndefined();
    customerId = created.body.data!.createCustomer.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers { __typename } without a token', async () => {
    const r = await t.graphql(TypenameDocument);
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({ __typename: 'Query' });
  });

  it('refuses an operation without a token with UNAUTHENTICATED (401)', async () => {
    const r = await t.graphql(CustomersDocument, { purpose: 'support-ticket:1' });
    expect(r.status).toBe(401);
    expect(r.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(r.body.data ?? null).toBeNull();
  });

  it('refuses unknown, malformed and revoked tokens', async () => {
    const unknown = await t.graphql(MeDocument, { token: `pfp_${'A'.repeat(43)}` });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const malformed = await t.graphql(MeDocument, { headers: { authorization: 'Basic abc' } });
    expect(malformed.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const em = t.platform.db.orm.em.fork();
    const temp = await t.platform.services.actors.create(em, {
      kind: 'employee',
      role: 'support',
      name: 'temp',
    });
    expect((await t.graphql(MeDocument, { token: temp.token })).body.data?.me.role).toBe('support');
    await t.platform.services.actors.revoke(em, { token: temp.token });
    const revoked = await t.graphql(MeDocument, { token: temp.token });
    expect(revoked.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('asks for a purpose before releasing personal data', async () => {
    const r = await t.graphql(CustomerDocument, { variables: { id: customerId }, token: tokens.support });
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.extensions?.code).toBe('PURPOSE_REQUIRED');
    expect(r.body.errors?.[0]?.message).toMatch(/X-Purpose/);
    expect(r.body.data ?? null).toBeNull();

    // Non-personal fields need no purpose.
    const plain = await t.graphql(CustomerStatusDocument, {
      variables: { id: customerId },
      token: tokens.support,
    });
    expect(plain.body.data?.customer.status).toBe('ACTIVE');
  });

  it('rejects an unknown purpose naming the header', async () => {
    const r = await t.graphql(CustomerDocument, {
      variables: { id: customerId },
      token: tokens.support,
      purpose: 'curiosity',
    });
    expect(r.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.body.errors?.[0]?.extensions?.field).toBe('X-Purpose');
  });

  it('releases personal data to an allowed role with a purpose', async () => {
    const r = await t.graphql(CustomerDocument, {
      variables: { id: customerId },
      token: tokens.support,
      purpose: 'support-ticket:4711',
    });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data?.customer).toMatchObject({
      name: 'Sanne Visser',
      email: 'sanne@example.nl',
      phone: '+31612345678',
    });
  });

  it('refuses finance what finance may not read (FORBIDDEN), and allows its bank-detail reads for vat-audit', async () => {
    const idCard = await t.graphql(CustomerIdDocumentDocument, {
      variables: { id: customerId },
      token: tokens.finance,
      purpose: 'vat-audit',
    });
    expect(idCard.status).toBe(403);
    expect(idCard.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(idCard.body.errors?.[0]?.extensions?.categories).toEqual(['id_document']);

    const bank = await t.graphql(CustomerBankDetailsDocument, {
      variables: { id: customerId },
      token: tokens.finance,
      purpose: 'vat-audit',
    });
    expect(bank.body.data?.customer.iban).toBe('NL91ABNA0417164300');
  });

  it('binds bank details to their purposes even for a role that may read them', async () => {
    const r = await t.graphql(CustomerBankDetailsDocument, {
      variables: { id: customerId },
      token: tokens.privacy_officer,
      purpose: 'support-ticket:12',
    });
    expect(r.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(r.body.errors?.[0]?.extensions?.reason).toBe('PURPOSE_MISMATCH');
  });

  it('refuses an operation the role may not call, before anything runs', async () => {
    const r = await t.graphql(EndSubscriptionDocument, {
      variables: { id: customerId },
      token: tokens.finance,
      purpose: 'vat-audit',
    });
    expect(r.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const status = await t.graphql(CustomerStatusDocument, {
      variables: { id: customerId },
      token: tokens.support,
    });
    expect(status.body.data?.customer.status).toBe('ACTIVE');
  });

  it('rejects invalid input with BAD_USER_INPUT naming each field, storing nothing', async () => {
    const before = await t.graphql(CustomersDocument, {
      token: tokens.admin,
      purpose: 'account-management',
      variables: { first: 100 },
    });
    const r = await t.graphql(CreateCustomerDocument, {
      variables: {
        input: {
          ...newCustomer,
          email: 'nope',
          iban: 'NL00ABNA0417164300',
          address: { ...newCustomer.address, country: 'XX' },
        },
      },
      token: tokens.admin,
      purpose: 'account-management',
    });
    expect(r.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const fields = (r.body.errors?.[0]?.extensions?.fields as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['address.country', 'email', 'iban']));
    const after = await t.graphql(CustomersDocument, {
      token: tokens.admin,
      purpose: 'account-management',
      variables: { first: 100 },
    });
    expect(after.body.data?.customers.edges.length).toBe(before.body.data?.customers.edges.length);
  });

  it('updates and ends a subscription for support, and reports NOT_FOUND for an unknown id', async () => {
    const upd = await t.graphql(UpdateCustomerDocument, {
      variables: {
        id: customerId,
        input: {
          mailingOptOut: true,
          address: { ...newCustomer.address, city: 'Haarlem', postalCode: '2011 AB' },
        },
      },
      token: tokens.support,
      purpose: 'support-ticket:99',
    });
    expect(upd.body.errors).toBeUndefined();
    expect(upd.body.data?.updateCustomer).toMatchObject({
      mailingOptOut: true,
      address: { city: 'Haarlem' },
    });
    const missing = await t.graphql(CustomerStatusDocument, {
      variables: { id: '3f1e2d3c-0000-4000-8000-000000000000' },
      token: tokens.support,
    });
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses pages larger than 100 and over-expensive queries', async () => {
    const big = await t.graphql(CustomersDocument, {
      token: tokens.admin,
      purpose: 'account-management',
      variables: { first: 500 },
    });
    expect(big.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const aliases = Array.from(
      { length: 12 },
      (_, i) => `c${i}: customers(first: 100) { edges { node { id name email phone } } }`,
    );
    const costly = await t.graphql(`{ ${aliases.join(' ')} }`, {
      token: tokens.admin,
      purpose: 'account-management',
    });
    expect(costly.body.errors?.[0]?.extensions?.code, JSON.stringify(costly.body).slice(0, 300)).toBe(
      'BAD_USER_INPUT',
    );
    expect(costly.body.errors?.[0]?.message).toMatch(/too expensive/);
    // The cost of one document with the page size as a variable is counted for each request's value.
    const sized = `query Sized($n: Int) { ${aliases.join(' ').replace(/first: 100/g, 'first: $n')} }`;
    const cheap = await t.graphql(sized, {
      token: tokens.admin,
      purpose: 'account-management',
      variables: { n: 1 },
    });
    expect(cheap.body.errors).toBeUndefined();
    const dear = await t.graphql(sized, {
      token: tokens.admin,
      purpose: 'account-management',
      variables: { n: 100 },
    });
    expect(dear.body.errors?.[0]?.message).toMatch(/too expensive/);
  });

  it('serves /healthz and /readyz', async () => {
    const base = t.server.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('masks internal errors: no SQL or stack reaches the client', async () => {
    const sql = await t.db.superuser();
    await sql.query('alter table customer rename to customer_moved');
    try {
      const r = await t.graphql(CustomerStatusDocument, {
        variables: { id: customerId },
        token: tokens.support,
      });
      expect(r.body.errors?.[0]?.extensions?.code, JSON.stringify(r.body)).toBe('INTERNAL_SERVER_ERROR');
      expect(r.body.errors?.[0]?.message).toBe('Internal server error (logged on the server)');
      expect(JSON.stringify(r.body)).not.toMatch(/select|relation|customer_|at .*\.ts/i);
    } finally {
      await sql.query('alter table customer_moved rename to customer');
    }
  });
});
