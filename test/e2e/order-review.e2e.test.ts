/**
 * After scoring: employees work through REVIEW decisions, an admin re-scores a period under other
 * rules (the original stays), and finance finds VAT country mismatches and the per-country summary.
 */
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OrdersDocument,
  RescoreOrdersDocument,
  ReviewOrderDocument,
  ScoreOrderDocument,
  VatEvidenceSummaryDocument,
  VatMismatchesDocument,
  type ScoreOrderInput,
} from '../../schema/generated/graphql';
import { DEFAULT_RISK_RULES } from '../../src/scoring/risk-rules';
import { startTestServer, type TestServer } from '../support/test-platform';

function order(key: string, overrides: Partial<ScoreOrderInput> = {}): ScoreOrderInput {
  return {
    idempotencyKey: key,
    customer: {
      name: `Klant ${key}`,
      email: `${key}@example.nl`,
      address: { street: 'Stationsplein 1', postalCode: '3511 ED', city: 'Utrecht', country: 'NL' },
    },
    ipAddress: '77.160.1.1',
    billingAddress: { street: 'Stationsplein 1', postalCode: '3511 ED', city: 'Utrecht', country: 'NL' },
    items: [{ product: 'hosting', amountCents: 1500 }],
    currency: 'EUR',
    ...overrides,
  };
}

describe('order review, re-scoring and VAT reports', () => {
  let t: TestServer;
  const tokens: Record<string, string> = {};
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = () => new Date(Date.now() + 3_600_000).toISOString();
  let reviewId: string;
  let rulesFile: string;

  beforeAll(async () => {
    rulesFile = path.join(mkdtempSync(path.join(tmpdir(), 'rules-')), 'risk-rules.json');
    writeFileSync(rulesFile, JSON.stringify(DEFAULT_RISK_RULES));
    t = await startTestServer({ RISK_RULES_FILE: rulesFile });
    const em = t.platform.db.orm.em.fork();
    for (const [kind, role] of [
      ['service', 'order_system'],
      ['employee', 'support'],
      ['employee', 'finance'],
      ['employee', 'admin'],
      ['employee', 'privacy_officer'],
    ] as const) {
      tokens[role] = (await t.platform.services.actors.create(em, { kind, role, name: role })).token;
    }
    await t.graphql(ScoreOrderDocument, { variables: { input: order('nl-ok') }, token: tokens.order_system });
    // Billing NL, IP in Germany at a hoster, German IBAN and phone: the evidence points to DE.
    const review = await t.graphql(ScoreOrderDocument, {
      variables: {
        input: order('nl-billing-de-evidence', {
          ipAddress: '35.156.1.1',
          iban: 'DE89370400440532013000',
          phone: '+49 30 1234567',
        }),
      },
      token: tokens.order_system,
    });
    expect(review.body.errors, JSON.stringify(review.body.errors)).toBeUndefined();
    expect(review.body.data!.scoreOrder.decision).toBe('REVIEW');
    reviewId = review.body.data!.scoreOrder.order.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists REVIEW orders and records a review once', async () => {
    // The list selects the countries of the evidence and the reasons (personal data): no purpose, no list.
    const unstated = await t.graphql(OrdersDocument, {
      variables: { filter: { decision: 'REVIEW', unreviewed: true } },
      token: tokens.support,
    });
    expect(unstated.body.data ?? null).toBeNull();
    expect(unstated.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PURPOSE_REQUIRED',
      categories: ['address'],
    });
    const list = await t.graphql(OrdersDocument, {
      variables: { filter: { decision: 'REVIEW', unreviewed: true } },
      token: tokens.support,
      purpose: 'fraud-prevention',
    });
    expect(list.body.errors).toBeUndefined();
    expect(list.body.data!.orders.edges.map((e) => e.node.id)).toEqual([reviewId]);
    const byReason = await t.graphql(OrdersDocument, {
      variables: { filter: { reasonCode: 'HOSTING_IP' } },
      token: tokens.support,
      purpose: 'fraud-prevention',
    });
    expect(byReason.body.data!.orders.edges.map((e) => e.node.id)).toEqual([reviewId]);
    // Which orders drew a reason tells where their customers are, even when only ids are selected.
    const idsByReason = '{ orders(filter: { reasonCode: "HOSTING_IP" }) { edges { node { id } } } }';
    const unstatedReason = await t.graphql(idsByReason, { token: tokens.support });
    expect(unstatedReason.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PURPOSE_REQUIRED',
      categories: ['address'],
    });
    const statedReason = await t.graphql(idsByReason, { token: tokens.support, purpose: 'fraud-prevention' });
    expect(statedReason.body.errors).toBeUndefined();

    // The note is the customer's personal data (order_review): released only for a purpose, and audited.
    const withoutPurpose = await t.graphql(ReviewOrderDocument, {
      variables: { id: reviewId, outcome: 'APPROVED', note: 'customer confirmed by phone' },
      token: tokens.support,
    });
    expect(withoutPurpose.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PURPOSE_REQUIRED',
      categories: ['order_review'],
    });
    const reviewed = await t.graphql(ReviewOrderDocument, {
      variables: { id: reviewId, outcome: 'APPROVED', note: 'customer confirmed by phone' },
      token: tokens.support,
      purpose: 'fraud-prevention',
    });
    expect(reviewed.body.data!.reviewOrder).toMatchObject({
      reviewOutcome: 'APPROVED',
      reviewNote: 'customer confirmed by phone',
    });
    const sql = await t.db.superuser();
    try {
      const reads = await sql.query(
        `select action, categories from audit_inbox where 'orderReviewNote' = any(fields)
         union all select action, categories from audit_event where 'orderReviewNote' = any(fields)
         order by action`,
      );
      expect(reads.rows).toEqual([
        { action: 'read', categories: ['order_review'] },
        { action: 'update', categories: ['order_review'] },
      ]);
      // The lists released the countries and reasons of the order, and the search by reason which
      // orders drew it: each recorded as a read by support.
      const listed = await sql.query(
        `select purpose, categories from audit_event
         where role = 'support' and action = 'read' and 'orderVatEvidence' = any(fields)`,
      );
      expect(listed.rows).toHaveLength(3);
      expect(listed.rows[0]).toEqual({ purpose: 'fraud-prevention', categories: ['address'] });
    } finally {
      await sql.end();
    }
    // Finance does not review orders, and does not read their notes.
    const financeRead = await t.graphql('{ orders(first: 5) { edges { node { id reviewNote } } } }', {
      token: tokens.finance,
      purpose: 'vat-audit',
    });
    expect(financeRead.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'CATEGORY_NOT_ALLOWED',
      categories: ['order_review'],
    });
    const twice = await t.graphql(ReviewOrderDocument, {
      variables: { id: reviewId, outcome: 'REJECTED' },
      token: tokens.support,
      purpose: 'fraud-prevention',
    });
    expect(twice.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const finance = await t.graphql(ReviewOrderDocument, {
      variables: { id: reviewId, outcome: 'REJECTED' },
      token: tokens.finance,
    });
    expect(finance.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('re-scores a period under the current rules without changing the stored original', async () => {
    // A new rules version, picked up without a restart: every hosting IP is now rejected.
    writeFileSync(
      rulesFile,
      JSON.stringify({
        ...DEFAULT_RISK_RULES,
        version: 'strict-1',
        weights: { ...DEFAULT_RISK_RULES.weights, HOSTING_IP: 90 },
      }),
    );
    utimesSync(rulesFile, new Date(), new Date(Date.now() + 5_000));
    const r = await t.graphql(RescoreOrdersDocument, {
      variables: { from, to: to() },
      token: tokens.admin,
      purpose: 'fraud-prevention',
    });
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    const result = r.body.data!.rescoreOrders.find((x) => x.orderId === reviewId)!;
    expect(result).toMatchObject({
      originalDecision: 'REVIEW',
      decision: 'REJECT',
      rulesVersion: 'strict-1',
      changed: true,
    });
    expect(result.originalRulesVersion).toBe(DEFAULT_RISK_RULES.version);
    const stored = await t.graphql(OrdersDocument, {
      variables: { filter: { decision: 'REVIEW' } },
      token: tokens.support,
      purpose: 'fraud-prevention',
    });
    expect(stored.body.data!.orders.edges.map((e) => e.node.id)).toContain(reviewId);
    const sql = await t.db.superuser();
    expect(
      (await sql.query('select count(*)::int as n from order_rescore where order_id = $1', [reviewId]))
        .rows[0].n,
    ).toBe(1);
  });

  it('shows finance the VAT country mismatches with their evidence, and the per-country summary', async () => {
    const m = await t.graphql(VatMismatchesDocument, {
      variables: { from, to: to() },
      token: tokens.finance,
      purpose: 'vat-audit',
    });
    expect(m.body.errors, JSON.stringify(m.body.errors)).toBeUndefined();
    const nodes = m.body.data!.vatMismatches.edges.map((e) => e.node);
    expect(nodes.map((n) => n.order.id)).toEqual([reviewId]);
    expect(nodes[0]).toMatchObject({
      billingCountry: 'NL',
      vatCountry: 'DE',
      ipCountry: 'DE',
      ibanCountry: 'DE',
      phoneCountry: 'DE',
      conflict: true,
    });
    expect(nodes[0]!.evidence.find((e) => e.kind === 'billingCountry')).toEqual({
      kind: 'billingCountry',
      country: 'NL',
      territory: 'NL',
      supports: false,
    });
    // The hoster's address is no evidence of where the customer is: listed as left out, not counted.
    expect(nodes[0]!.evidence.map((e) => e.kind)).not.toContain('ipCountry');
    expect(nodes[0]!.excludedEvidence).toEqual([
      {
        kind: 'ipCountry',
        country: 'DE',
        why: 'IP address of a hosting provider: it says where a server is, not where the customer is',
      },
    ]);
    const byCountry = await t.graphql(VatMismatchesDocument, {
      variables: { from, to: to(), country: 'BE' },
      token: tokens.finance,
      purpose: 'vat-audit',
    });
    expect(byCountry.body.data!.vatMismatches.edges).toEqual([]);

    const s = await t.graphql(VatEvidenceSummaryDocument, {
      variables: { from, to: to() },
      token: tokens.finance,
      purpose: 'vat-audit',
    });
    expect(s.body.errors).toBeUndefined();
    expect(s.body.data!.vatEvidenceSummary).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          country: 'NL',
          currency: 'EUR',
          orders: 1,
          amountCents: 1500,
          conflicting: 0,
        }),
        expect.objectContaining({ country: 'DE', currency: 'EUR', orders: 1, conflicting: 1 }),
      ]),
    );
    const bad = await t.graphql(VatEvidenceSummaryDocument, {
      variables: { from: to(), to: from },
      token: tokens.finance,
      purpose: 'vat-audit',
    });
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('leaves the orders of restricted and archived customers out of lists, reviews and re-scoring for those who may not see them', async () => {
    const scored = await Promise.all(
      ['restricted', 'archived'].map((key) =>
        t.graphql(ScoreOrderDocument, {
          variables: { input: order(`hidden-${key}`) },
          token: tokens.order_system,
        }),
      ),
    );
    const [restricted, archived] = scored.map((r) => r.body.data!.scoreOrder.order);
    const sql = await t.db.superuser();
    await sql.query('update customer set restricted = true where id = $1', [restricted!.customerId]);
    await sql.query("update customer set status = 'archived' where id = $1", [archived!.customerId]);

    const listed = async (token: string, purpose: string, customerId?: string) => {
      const r = await t.graphql(OrdersDocument, {
        variables: { filter: customerId === undefined ? {} : { customerId }, first: 100 },
        token,
        purpose,
      });
      expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
      return r.body.data!.orders.edges.map((e) => e.node.id);
    };
    for (const [role, purpose] of [
      ['support', 'support-ticket:7'],
      ['admin', 'account-management'],
    ] as const) {
      const ids = await listed(tokens[role]!, purpose);
      expect(ids).toContain(reviewId);
      expect(ids).not.toContain(restricted!.id);
      expect(ids).not.toContain(archived!.id);
      expect(await listed(tokens[role]!, purpose, restricted!.customerId)).toEqual([]);
    }
    // Archived customers' orders are there for administrative obligations; restricted ones only for the officer.
    expect(await listed(tokens.admin!, 'administrative-obligation')).toContain(archived!.id);
    const officer = await listed(tokens.privacy_officer!, 'inspection');
    expect(officer).toEqual(expect.arrayContaining([restricted!.id, archived!.id, reviewId]));

    // Reviewing such an order is refused alike, and changes nothing.
    for (const [hidden, reason] of [
      [restricted!, 'RESTRICTED'],
      [archived!, 'ARCHIVED'],
    ] as const) {
      const r = await t.graphql(ReviewOrderDocument, {
        variables: { id: hidden.id, outcome: 'APPROVED' },
        token: tokens.support,
        purpose: 'support-ticket:7',
      });
      expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason });
      expect(r.body.data?.reviewOrder ?? null).toBeNull();
    }
    const reviewed = await sql.query(
      'select count(*)::int as n from customer_order where id = any($1) and review_outcome is not null',
      [[restricted!.id, archived!.id]],
    );
    expect(reviewed.rows[0].n).toBe(0);

    // Re-scoring uses the orders' personal data: theirs is left out, and nothing is stored for them.
    const rescored = await t.graphql(RescoreOrdersDocument, {
      variables: { from, to: to() },
      token: tokens.admin,
      purpose: 'fraud-prevention',
    });
    expect(rescored.body.errors, JSON.stringify(rescored.body.errors)).toBeUndefined();
    const rescoredIds = rescored.body.data!.rescoreOrders.map((x) => x.orderId);
    expect(rescoredIds).toContain(reviewId);
    expect(rescoredIds).not.toContain(restricted!.id);
    expect(rescoredIds).not.toContain(archived!.id);
    const stored = await sql.query('select count(*)::int as n from order_rescore where order_id = any($1)', [
      [restricted!.id, archived!.id],
    ]);
    expect(stored.rows[0].n).toBe(0);
  });
});
