// Finance's VAT summary counts the orders that went ahead: a rejected order is no supply to tax.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditContext } from '../../audit/audit-context';
import { sqlRunner } from '../../src/db/sql-runner';
import { summaryCsv, vatEvidenceSummary, vatMismatches } from '../../src/finance/vat-reports';
import { orderSystemContext } from '../support/order-system';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

const ADDRESS = { street: 'Stationsplein 1', postalCode: '3511 ED', city: 'Utrecht', country: 'NL' };

describe('VAT evidence summary', () => {
  let t: TestPlatform;
  let context: AuditContext;
  const em = () => t.platform.db.orm.em.fork();

  beforeAll(async () => {
    t = await createTestPlatform();
    context = await orderSystemContext(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('leaves rejected orders out of the orders and amounts and counts them apart', async () => {
    const from = new Date(Date.now() - 60_000);
    const ids: string[] = [];
    for (const [i, amountCents] of [1000, 2000, 4000, 8000].entries()) {
      const assessment = await t.platform.services.orders.score(
        em(),
        {
          idempotencyKey: randomUUID(),
          customer: { name: `Klant ${i}`, email: `vat-summary-${i}@example.nl`, address: ADDRESS },
          ipAddress: '77.160.1.1',
          billingAddress: ADDRESS,
          items: [{ product: 'hosting', amountCents }],
          currency: 'EUR',
        },
        context,
      );
      ids.push(assessment.order.id);
    }
    // Stored outcomes as scoring and review leave them: REJECT; REJECT approved on review; REVIEW
    // rejected on review; ACCEPT.
    const sql = await t.db.superuser();
    try {
      const set = (id: string, decision: string, outcome: string | null) =>
        sql.query('update customer_order set decision = $2, review_outcome = $3 where id = $1', [
          id,
          decision,
          outcome,
        ]);
      await set(ids[0]!, 'REJECT', null);
      await set(ids[1]!, 'REJECT', 'APPROVED');
      await set(ids[2]!, 'REVIEW', 'REJECTED');
      await set(ids[3]!, 'ACCEPT', null);
    } finally {
      await sql.end();
    }

    const to = new Date(Date.now() + 60_000);
    const rows = await vatEvidenceSummary(sqlRunner(em()), from, to);
    expect(rows).toEqual([
      {
        country: 'NL',
        territory: null,
        currency: 'EUR',
        orders: 2,
        amountCents: 2000 + 8000,
        reverseCharged: 0,
        conflicting: 0,
        unverified: 0,
        rejected: 2,
      },
    ]);
    expect(summaryCsv(rows).split('\n')[0]).toBe(
      'vatCountry,currency,orders,amountCents,reverseCharged,conflicting,unverified,rejected,vatTerritory',
    );
    // No country mismatch among them, rejected or not.
    expect((await vatMismatches(sqlRunner(em()), em(), from, to, null)).edges).toEqual([]);
  });
});
