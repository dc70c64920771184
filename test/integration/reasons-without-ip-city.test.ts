// Where GeoIP placed the customer's IP address is location data: kept encrypted with the order (geo_enc)
// and erased with it. Order reasons are stored in clear, so IP_FAR_FROM_BILLING_CITY names no city any
// more, and migration 14 takes the city out of the reasons stored before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditContext } from '../../audit/audit-context';
import { migrate } from '../../src/db/orm';
import { orderSystemContext } from '../support/order-system';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

const UTRECHT = { street: 'Oudegracht 1', postalCode: '3511 AB', city: 'Utrecht', country: 'NL' };
const MIGRATION = 'Migration20261209000014_reasons_without_ip_city';

describe('order reasons name no place GeoIP put the customer in', () => {
  let t: TestPlatform;
  let context: AuditContext;

  beforeAll(async () => {
    t = await createTestPlatform();
    context = await orderSystemContext(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores IP_FAR_FROM_BILLING_CITY without the city GeoIP gave', async () => {
    const scored = await t.platform.services.orders.score(
      t.platform.db.orm.em.fork(),
      {
        idempotencyKey: 'far-1',
        customer: { name: 'Eva de Jong', email: 'eva@example.nl', address: UTRECHT },
        // An address in Bracknell (GB) in the GeoIP data, some 400 km from Utrecht.
        ipAddress: '81.2.69.160',
        billingAddress: UTRECHT,
        items: [{ product: 'hosting', amountCents: 995 }],
        currency: 'EUR',
      },
      context,
    );
    const city = scored.order.geoIp?.city;
    expect(city).toBeTruthy();
    const far = scored.reasons.find((r) => r.code === 'IP_FAR_FROM_BILLING_CITY');
    expect(far?.message).toMatch(/^IP location is about \d+ km from the billing address/);
    expect(far?.evidence).not.toHaveProperty('ipCity');

    const sql = await t.db.superuser();
    const stored = await sql.query<{ reasons: unknown }>('select reasons from customer_order where id = $1', [
      scored.order.id,
    ]);
    expect(JSON.stringify(stored.rows[0]!.reasons)).not.toContain(city!);
  });

  it('migration 14 takes the city out of the reasons stored before it, and leaves the rest as it was', async () => {
    const scored = await t.platform.services.orders.score(
      t.platform.db.orm.em.fork(),
      {
        idempotencyKey: 'old-1',
        customer: { name: 'Jan Smit', email: 'jan@example.nl', address: UTRECHT },
        ipAddress: '77.160.1.1',
        billingAddress: UTRECHT,
        items: [{ product: 'hosting', amountCents: 995 }],
        currency: 'EUR',
      },
      context,
    );
    const old = [
      {
        code: 'IP_COUNTRY_MISMATCH_BILLING',
        weight: 20,
        message: 'IP address is in GB, billing address in NL',
        evidence: { ipCountry: 'GB', billingCountry: 'NL' },
      },
      {
        code: 'IP_FAR_FROM_BILLING_CITY',
        weight: 10,
        message:
          'IP location (Bracknell) is about 412 km from the billing address, more than its assumed accuracy of 100 km plus 200 km',
        evidence: {
          ipCity: 'Bracknell',
          marginKm: 200,
          distanceKm: 412,
          accuracyRadiusKm: 100,
          accuracyRadiusAssumed: true,
        },
      },
    ];
    const sql = await t.db.superuser();
    await sql.query('update customer_order set reasons = $2 where id = $1', [
      scored.order.id,
      JSON.stringify(old),
    ]);
    await sql.query(
      `insert into order_rescore (id, order_id, rescored_at, rules_version, risk_score, decision, reasons)
       values (gen_random_uuid(), $1, now(), 'old', 30, 'REVIEW', $2)`,
      [scored.order.id, JSON.stringify(old)],
    );

    await t.platform.db.orm.getMigrator().down({ migrations: [MIGRATION] });
    expect(await migrate(t.platform.db.orm)).toEqual([MIGRATION]);

    const expected = [
      old[0],
      {
        ...old[1],
        message:
          'IP location is about 412 km from the billing address, more than its assumed accuracy of 100 km plus 200 km',
        evidence: { marginKm: 200, distanceKm: 412, accuracyRadiusKm: 100, accuracyRadiusAssumed: true },
      },
    ];
    const order = await sql.query('select reasons from customer_order where id = $1', [scored.order.id]);
    expect(order.rows[0].reasons).toEqual(expected);
    const rescore = await sql.query('select reasons from order_rescore where order_id = $1', [
      scored.order.id,
    ]);
    expect(rescore.rows[0].reasons).toEqual(expected);
  });
});
