/**
 * Input that cannot match or cannot be stored is refused as BAD_USER_INPUT (or NOT_FOUND for an id that
 * names nothing) naming the field, never answered with an empty list or an internal error, and nothing
 * SQL-like reaches the client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessSummaryDocument,
  AuditEventsDocument,
  CreateCustomerDocument,
  LiftRestrictionDocument,
  OrdersDocument,
  ReviewOrderDocument,
  UnusualAccessDocument,
} from '../../schema/generated/graphql';
import { startTestServer, type GraphQLErrorBody, type TestServer } from '../support/test-platform';

const UNKNOWN = '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f';

describe('bad input over HTTP', () => {
  let t: TestServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestServer();
    const em = t.platform.db.orm.em.fork();
    for (const role of ['privacy_officer', 'support', 'admin']) {
      tokens[role] = (
        await t.platform.services.actors.create(em, { kind: 'employee', role, name: role })
      ).token;
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const refusal = (errors: GraphQLErrorBody[] | undefined) => {
    expect(JSON.stringify(errors)).not.toMatch(/select|insert|relation|_enc|node_modules/i);
    return errors?.[0]?.extensions;
  };

  it('refuses audit filters that cannot match, instead of answering "nobody"', async () => {
    const events = (filter: Record<string, unknown>) =>
      t.graphql(AuditEventsDocument, {
        variables: { filter },
        token: tokens.privacy_officer,
        purpose: 'inspection',
      });
    for (const [filter, field] of [
      [{ subjectId: 'femke' }, 'filter.subjectId'],
      [{ actorId: '42' }, 'filter.actorId'],
      [{ actorKind: 'robot' }, 'filter.actorKind'],
      [{ action: 'peek' }, 'filter.action'],
      [{ category: 'shoe_size' }, 'filter.category'],
      [{ purpose: 'support-ticket:1\u0000' }, 'filter.purpose'],
      [{ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'filter.to'],
    ] as const) {
      const r = await events(filter);
      expect(r.body.data ?? null, JSON.stringify(filter)).toBeNull();
      expect(refusal(r.body.errors), JSON.stringify(filter)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    // A well-formed filter still answers.
    const fine = await events({ subjectId: UNKNOWN, action: 'read', category: 'email' });
    expect(fine.body.errors).toBeUndefined();
    expect(fine.body.data?.auditEvents.edges).toEqual([]);

    const summary = await t.graphql(AccessSummaryDocument, {
      variables: { subjectId: UNKNOWN, from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      token: tokens.privacy_officer,
      purpose: 'inspection',
    });
    expect(refusal(summary.body.errors)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    const ages = await t.graphql(UnusualAccessDocument, {
      variables: { from: '0001-01-01T00:00:00Z', to: '9999-12-31T00:00:00Z' },
      token: tokens.privacy_officer,
      purpose: 'inspection',
    });
    expect(refusal(ages.body.errors)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(ages.body.errors?.[0]?.message).toMatch(/366 days/);
  });

  it('refuses order filters and review notes that cannot be used', async () => {
    for (const [filter, field] of [
      [{ customerId: 'femke' }, 'filter.customerId'],
      [{ reasonCode: 'NO_SUCH_REASON' }, 'filter.reasonCode'],
      [{ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'filter.to'],
    ] as const) {
      const r = await t.graphql(OrdersDocument, {
        variables: { filter },
        token: tokens.support,
        purpose: 'fraud-prevention',
      });
      expect(refusal(r.body.errors), JSON.stringify(filter)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const note = await t.graphql(ReviewOrderDocument, {
      variables: { id: UNKNOWN, outcome: 'APPROVED', note: 'ok\u0000' },
      token: tokens.support,
      // The answer's note is personal data (order_review): the request states why.
      purpose: 'fraud-prevention',
    });
    expect(refusal(note.body.errors)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    // Line breaks are fine in a note: the order is simply unknown.
    const lines = await t.graphql(ReviewOrderDocument, {
      variables: { id: UNKNOWN, outcome: 'APPROVED', note: 'called back\r\nconfirmed' },
      token: tokens.support,
      purpose: 'fraud-prevention',
    });
    expect(refusal(lines.body.errors)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers NOT_FOUND for an id that is no id, and BAD_USER_INPUT for a date the database cannot hold', async () => {
    const lift = await t.graphql(LiftRestrictionDocument, {
      variables: { customerId: 'femke' },
      token: tokens.privacy_officer,
      purpose: 'privacy-request:3',
    });
    expect(refusal(lift.body.errors)).toMatchObject({ code: 'NOT_FOUND' });

    const sql = await t.db.superuser();
    try {
      const before = (await sql.query('select count(*)::int as n from customer')).rows[0].n as number;
      const ancient = await t.graphql(CreateCustomerDocument, {
        variables: {
          input: {
            name: 'Oude Klant',
            email: 'oud@example.nl',
            address: { street: 'Dam 1', postalCode: '1012 JS', city: 'Amsterdam', country: 'NL' },
            subscriptionStart: '0000-01-01T00:00:00Z',
          },
        },
        token: tokens.admin,
        purpose: 'account-management',
      });
      expect(refusal(ancient.body.errors)).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect((await sql.query('select count(*)::int as n from customer')).rows[0].n).toBe(before);
    } finally {
      await sql.end();
    }
  });
});
