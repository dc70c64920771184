// Reviewing and re-scoring orders on PostgreSQL: what two reviewers at once leave behind, and what a
// re-scoring under the same rules gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditContext } from '../../audit/audit-context';
import { ConflictError } from '../../src/errors/errors';
import { orderAad } from '../../src/orders/order-view';
import type { ScoreOrderRequest } from '../../src/orders/score-order-input';
import { sessionsWaitingForLocks } from '../support/lock-waits';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

const ADDRESS = { street: 'Prinsengracht 263', postalCode: '1016 GV', city: 'Amsterdam', country: 'NL' };

function firstOrder(n: string, overrides: Partial<ScoreOrderRequest> = {}): ScoreOrderRequest {
  return {
    idempotencyKey: `key-${n}`,
    customer: { name: `Klant ${n}`, email: `klant-${n}@example.nl`, address: ADDRESS },
    ipAddress: '77.160.1.1',
    billingAddress: ADDRESS,
    email: `klant-${n}@example.nl`,
    items: [{ product: 'hosting', amountCents: 995 }],
    currency: 'EUR',
    ...overrides,
  };
}

describe('order review and re-scoring on PostgreSQL', () => {
  let t: TestPlatform;
  const em = () => t.platform.db.orm.em.fork();
  const contexts: Record<'order_system' | 'support' | 'admin', AuditContext> = {} as never;

  beforeAll(async () => {
    t = await createTestPlatform();
    for (const [kind, role] of [
      ['service', 'order_system'],
      ['employee', 'support'],
      ['employee', 'admin'],
    ] as const) {
      const { actor } = await t.platform.services.actors.create(em(), { kind, role, name: role });
      contexts[role] = {
        actorId: actor.id,
        actorKind: kind,
        role,
        onBehalfOf: null,
        purpose: 'fraud-prevention',
        requestId: null,
        traceId: null,
        clientIp: null,
        userAgent: null,
      };
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const score = (request: ScoreOrderRequest) =>
    t.platform.services.orders.score(em(), request, contexts.order_system);

  it('records one review of two given at once; the other is refused, not silently overwritten', async () => {
    const scored = await score(firstOrder('race', { ipAddress: '77.160.9.1' }));
    const id = scored.order.id;
    const reviews = t.platform.services.orderReview;
    // The first reviewer's review is written but not committed when the second one looks.
    const sql = await t.db.superuser();
    let second: Promise<unknown> | undefined;
    const first = await em().transactional(async (tx) => {
      const recorded = await reviews.review(tx, id, 'APPROVED', 'looks fine', contexts.support);
      second = reviews.review(em(), id, 'REJECTED', 'stolen card', contexts.support);
      second.catch(() => undefined);
      await sessionsWaitingForLocks(sql, 1);
      return recorded;
    });
    expect(first.reviewOutcome).toBe('APPROVED');
    await expect(second!).rejects.toBeInstanceOf(ConflictError);
    await expect(second!).rejects.toThrow(/already reviewed \(APPROVED\)/);
    const { rows } = await sql.query<{ review_outcome: string; review_note_enc: string }>(
      'select review_outcome, review_note_enc from customer_order where id = $1',
      [id],
    );
    // The reviewer who was told the review was recorded is the one whose review is stored.
    expect(rows[0]!.review_outcome).toBe('APPROVED');
    expect(t.platform.keys.cipher.decrypt(rows[0]!.review_note_enc, orderAad(id, 'orderReviewNote'))).toBe(
      'looks fine',
    );
  });

  it('re-scores an order that named no email with the email on file, as it was scored, and records that read', async () => {
    // A later order that names no email: scoring used the customer's email on file, a disposable one.
    const first = await score(
      firstOrder('throwaway', {
        ipAddress: '77.160.9.2',
        customer: { name: 'Klant wegwerp', email: 'wegwerp@yopmail.com', address: ADDRESS },
        email: null,
      }),
    );
    const customerId = first.order.customerId;
    const from = new Date();
    const later = await score({
      ...firstOrder('throwaway-2', { ipAddress: '77.160.9.3', email: null }),
      customer: null,
      customerId,
    });
    expect(later.reasons.map((r) => r.code)).toContain('DISPOSABLE_EMAIL');
    const to = new Date(Date.now() + 1);
    const sql = await t.db.superuser();

    const results = await t.platform.services.orderReview.rescore(em(), from, to, {
      ...contexts.admin,
      requestId: 'req-rescore-email',
    });
    const again = results.find((r) => r.orderId === later.order.id)!;
    // The same rules over the same order: the same answer.
    expect(again.reasons.map((r) => r.code)).toEqual(later.reasons.map((r) => r.code));
    expect(again).toMatchObject({ riskScore: later.riskScore, decision: later.decision, changed: false });
    const { rows } = await sql.query<{ action: string; fields: string[]; subject_id: string }>(
      `select action, fields, subject_id from (
         select action, fields, subject_id, request_id from audit_inbox
         union all select action, fields, subject_id, request_id from audit_event) e
       where request_id = 'req-rescore-email'`,
    );
    expect(rows).toContainEqual({ action: 'read', fields: ['email'], subject_id: customerId });
  });

  it('re-scores an order without the customers and orders that came after it sharing its IBAN or ID card', async () => {
    const iban = 'NL91ABNA0417164300';
    const from = new Date();
    const first = await score(
      firstOrder('shared-a', {
        ipAddress: '77.160.9.4',
        iban,
        customer: {
          name: 'Anna Eerst',
          email: 'anna@example.nl',
          address: ADDRESS,
          idCardNumber: 'IXH123456',
        },
      }),
    );
    expect(first.reasons.map((r) => r.code)).toEqual([]);
    const to = new Date(Date.now() + 1);
    // Two other names take the same IBAN and ID card afterwards: their orders are flagged, not the first.
    for (const n of ['Bram Later', 'Cor Later']) {
      const later = await score(
        firstOrder(`shared-${n.split(' ')[0]!.toLowerCase()}`, {
          ipAddress: '77.160.9.5',
          iban,
          customer: {
            name: n,
            email: `${n.split(' ')[0]}@example.nl`,
            address: ADDRESS,
            idCardNumber: 'IXH123456',
          },
        }),
      );
      expect(later.reasons.map((r) => r.code)).toContain('ID_CARD_REUSED_OTHER_NAME');
    }
    const results = await t.platform.services.orderReview.rescore(em(), from, to, contexts.admin);
    const again = results.find((r) => r.orderId === first.order.id)!;
    expect(again.reasons.map((r) => r.code)).toEqual([]);
    expect(again).toMatchObject({ riskScore: first.riskScore, decision: first.decision, changed: false });
  });
});
