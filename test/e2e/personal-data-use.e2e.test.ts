/**
 * Every use of personal data is asked for and recorded like a read, also where no personal field is
 * selected: a search by a personal value (customers(filter: { iban })) needs a role allowed that
 * category and a purpose that fits it, and records the people it found as read; an operation with a
 * purpose of its own (scoreOrder) is recorded under it also when public fields are asked beside it; a
 * change of personal data says why, whatever its answer selects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateCustomerDocument, type ScoreOrderInput } from '../../schema/generated/graphql';
import { startTestServer, type TestServer } from '../support/test-platform';

const customer = {
  name: 'Iris Bos',
  email: 'iris.bos@example.nl',
  address: { street: 'Damrak 1', postalCode: '1012 LG', city: 'Amsterdam', country: 'NL' },
  iban: 'NL91ABNA0417164300',
  idCardNumber: 'NX7654321',
};

const order = (key: string, email: string): ScoreOrderInput => ({
  idempotencyKey: key,
  customer: { name: 'Eva de Jong', email, address: customer.address },
  ipAddress: '145.53.1.1',
  billingAddress: customer.address,
  email,
  items: [{ product: 'hosting', amountCents: 1000 }],
  currency: 'EUR',
});

const SCORE_BESIDE = (beside: string) =>
  `mutation($input: ScoreOrderInput!) { ${beside} scoreOrder(input: $input) { decision order { id customerId } } }`;

const SEARCH_IDS = 'query($f: CustomerFilterInput) { customers(filter: $f) { edges { node { id } } } }';

interface EventNode {
  subjectId: string | null;
  role: string | null;
  purpose: string | null;
  action: string;
  categories: string[];
  fields: string[];
}

describe('uses of personal data beyond the fields selected', () => {
  let t: TestServer;
  const tokens: Record<string, string> = {};
  let customerId: string;

  /** The audit events about the customer, newest first, as the privacy officer sees them. */
  const eventsOf = async (subjectId: string): Promise<EventNode[]> => {
    await t.platform.services.audit.sealer.sealPending();
    const r = await t.graphql<{ auditEvents: { edges: { node: EventNode }[] } }>(
      'query($s: ID!) { auditEvents(filter: { subjectId: $s }, first: 100) { edges { node { subjectId role purpose action categories fields } } } }',
      { variables: { s: subjectId }, token: tokens.privacy_officer, purpose: 'inspection' },
    );
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    return r.body.data!.auditEvents.edges.map((e) => e.node).filter((e) => e.role !== 'privacy_officer');
  };

  beforeAll(async () => {
    t = await startTestServer();
    const em = t.platform.db.orm.em.fork();
    for (const role of ['support', 'finance', 'privacy_officer', 'admin'] as const) {
      tokens[role] = (
        await t.platform.services.actors.create(em, { kind: 'employee', role, name: role })
      ).token;
    }
    tokens.order_system = (
      await t.platform.services.actors.create(em, { kind: 'service', role: 'order_system', name: 'orders' })
    ).token;
    const created = await t.graphql(CreateCustomerDocument, {
      variables: { input: customer },
      token: tokens.admin,
      purpose: 'account-management',
    });
    expect(created.body.errors, JSON.stringify(created.body.errors)).toBeUndefined();
    customerId = created.body.data!.createCustomer.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('a search by a personal value', () => {
    it('needs a purpose, like reading the value would', async () => {
      const r = await t.graphql(SEARCH_IDS, {
        variables: { f: { email: customer.email } },
        token: tokens.support,
      });
      expect(r.status).toBe(400);
      expect(r.body.errors?.[0]?.extensions?.code).toBe('PURPOSE_REQUIRED');
      expect(r.body.data ?? null).toBeNull();
    });

    it('is refused to a role that may not read the category, in a literal, a variable or a fragment', async () => {
      const attempts: [string, string, Record<string, unknown> | undefined, string][] = [
        ['support', SEARCH_IDS, { f: { iban: customer.iban } }, 'bank_details'],
        ['support', SEARCH_IDS, { f: { idCardNumber: customer.idCardNumber } }, 'id_document'],
        [
          'support',
          `{ customers(filter: { iban: "${customer.iban}" }) { edges { node { id } } } }`,
          undefined,
          'bank_details',
        ],
        [
          'support',
          `{ ...F } fragment F on Query { customers(filter: { idCardNumber: "${customer.idCardNumber}" }) { edges { node { id } } } }`,
          undefined,
          'id_document',
        ],
        ['finance', SEARCH_IDS, { f: { email: customer.email } }, 'email'],
      ];
      for (const [role, query, variables, category] of attempts) {
        const r = await t.graphql(query, {
          variables,
          token: tokens[role],
          purpose: role === 'support' ? 'support-ticket:1' : 'vat-audit',
        });
        expect(r.status, `${role} ${query}`).toBe(403);
        expect(r.body.errors?.[0]?.extensions).toMatchObject({
          code: 'FORBIDDEN',
          reason: 'CATEGORY_NOT_ALLOWED',
          categories: [category],
        });
        expect(r.body.data ?? null).toBeNull();
      }
    });

    it('binds a bank-detail search to the purposes of bank details', async () => {
      const r = await t.graphql(SEARCH_IDS, {
        variables: { f: { iban: customer.iban } },
        token: tokens.admin,
        purpose: 'account-management',
      });
      expect(r.status).toBe(403);
      expect(r.body.errors?.[0]?.extensions?.reason).toBe('PURPOSE_MISMATCH');
    });

    it('records the people it found as read, with the fields searched by', async () => {
      const r = await t.graphql<{ customers: { edges: { node: { id: string } }[] } }>(SEARCH_IDS, {
        variables: { f: { iban: customer.iban } },
        token: tokens.admin,
        purpose: 'direct-debit',
      });
      expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
      expect(r.body.data!.customers.edges.map((e) => e.node.id)).toEqual([customerId]);
      const [latest] = await eventsOf(customerId);
      expect(latest).toMatchObject({
        role: 'admin',
        purpose: 'direct-debit',
        action: 'read',
        categories: ['bank_details'],
        fields: ['iban'],
      });
    });

    it('leaves a filter on what is not personal (status, type) as it was: no purpose, nothing recorded', async () => {
      const before = await eventsOf(customerId);
      const r = await t.graphql(SEARCH_IDS, {
        variables: { f: { status: 'ACTIVE' } },
        token: tokens.support,
      });
      expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
      expect(await eventsOf(customerId)).toEqual(before);
    });
  });

  describe('an operation with a purpose of its own', () => {
    it('is recorded under it when public fields are asked beside it', async () => {
      for (const [i, beside] of ['ping', '__typename'].entries()) {
        const r = await t.graphql<{ scoreOrder: { order: { customerId: string } } }>(SCORE_BESIDE(beside), {
          variables: { input: order(`beside-${i}`, `eva${i}@example.nl`) },
          token: tokens.order_system,
        });
        expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
        const events = await eventsOf(r.body.data!.scoreOrder.order.customerId);
        expect(events.length).toBeGreaterThan(0);
        for (const event of events)
          expect(event).toMatchObject({ role: 'order_system', purpose: 'fraud-prevention' });
      }
    });

    it('needs its purpose stated when asked for beside an operation that does not imply it', async () => {
      const r = await t.graphql(
        'mutation($input: ScoreOrderInput!, $c: NewCustomerInput!) { createCustomer(input: $c) { id } scoreOrder(input: $input) { decision } }',
        {
          variables: {
            input: order('beside-create', 'eva.c@example.nl'),
            c: { ...customer, email: 'other@example.nl', iban: null, idCardNumber: null },
          },
          token: tokens.order_system,
        },
      );
      expect(r.status).toBe(400);
      expect(r.body.errors?.[0]?.extensions).toMatchObject({
        code: 'PURPOSE_REQUIRED',
        operation: 'scoreOrder',
      });
      expect(r.body.data ?? null).toBeNull();
    });
  });

  describe('a change of personal data', () => {
    it('needs a purpose even when its answer selects nothing personal, and stores nothing without one', async () => {
      const before = await eventsOf(customerId);
      const attempts: [string, string, Record<string, unknown>][] = [
        [
          'support',
          'mutation($id: ID!) { updateCustomer(id: $id, input: { iban: "DE89370400440532013000" }) { id } }',
          { id: customerId },
        ],
        ['support', 'mutation($id: ID!) { endSubscription(id: $id) { id status } }', { id: customerId }],
        [
          'order_system',
          'mutation($c: NewCustomerInput!) { createCustomer(input: $c) { id } }',
          { c: { ...customer, email: 'new@example.nl', iban: null, idCardNumber: null } },
        ],
      ];
      for (const [role, query, variables] of attempts) {
        const r = await t.graphql(query, { variables, token: tokens[role] });
        expect(r.status, query).toBe(400);
        expect(r.body.errors?.[0]?.extensions?.code).toBe('PURPOSE_REQUIRED');
        expect(r.body.errors?.[0]?.message).toMatch(/changes personal data/);
      }
      expect(await eventsOf(customerId)).toEqual(before);
    });

    it('is recorded with the purpose stated', async () => {
      const r = await t.graphql(
        'mutation($id: ID!) { updateCustomer(id: $id, input: { phone: "+31 6 12345678" }) { id } }',
        { variables: { id: customerId }, token: tokens.support, purpose: 'support-ticket:31' },
      );
      expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
      const [latest] = await eventsOf(customerId);
      expect(latest).toMatchObject({ role: 'support', action: 'update', purpose: 'support-ticket:31' });
    });

    it('records re-scoring under fraud-prevention when no purpose is sent', async () => {
      const scored = await t.graphql<{ scoreOrder: { order: { customerId: string } } }>(SCORE_BESIDE(''), {
        variables: { input: order('rescore-1', 'rescore@example.nl') },
        token: tokens.order_system,
      });
      expect(scored.body.errors, JSON.stringify(scored.body.errors)).toBeUndefined();
      const r = await t.graphql(
        'mutation($from: DateTime!, $to: DateTime!) { rescoreOrders(from: $from, to: $to) { orderId } }',
        {
          variables: {
            from: new Date(Date.now() - 3_600_000).toISOString(),
            to: new Date(Date.now() + 3_600_000).toISOString(),
          },
          token: tokens.admin,
        },
      );
      expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
      const [latest] = await eventsOf(scored.body.data!.scoreOrder.order.customerId);
      expect(latest).toMatchObject({ role: 'admin', action: 'read', purpose: 'fraud-prevention' });
    });
  });
});
