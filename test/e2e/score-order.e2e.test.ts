/**
 * scoreOrder over HTTP as the order system calls it, against the bundled GeoLite2 data: a clean Dutch
 * consumer, a German business ordering from a hosting provider abroad, an idempotent retry, and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IpIntelligenceDocument,
  ScoreOrderDocument,
  type ScoreOrderInput,
} from '../../schema/generated/graphql';
import { analyseVatNumber } from '../../src/vat/vat-number';
import { startTestServer, type TestServer } from '../support/test-platform';

const GERMAN_VAT = 'DE136695976';

function dutchConsumerOrder(key: string): ScoreOrderInput {
  return {
    idempotencyKey: key,
    customer: {
      name: 'Eva de Jong',
      email: `eva.${key}@example.nl`,
      address: { street: 'Prinsengracht 263', postalCode: '1016 GV', city: 'Amsterdam', country: 'NL' },
    },
    ipAddress: '77.160.1.1',
    billingAddress: { street: 'Prinsengracht 263', postalCode: '1016 GV', city: 'Amsterdam', country: 'NL' },
    phone: '+31 20 555 0101',
    email: `eva.${key}@example.nl`,
    iban: 'NL91ABNA0417164300',
    items: [
      { product: 'hosting', amountCents: 995 },
      { product: 'domain-registration', tld: 'nl', amountCents: 799 },
    ],
    currency: 'EUR',
  };
}

describe('scoreOrder over HTTP', () => {
  let t: TestServer;
  let orderSystem: string;

  beforeAll(async () => {
    t = await startTestServer();
    const em = t.platform.db.orm.em.fork();
    orderSystem = (
      await t.platform.services.actors.create(em, { kind: 'service', role: 'order_system', name: 'orders' })
    ).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('accepts a clean Dutch consumer, with VAT established in NL from agreeing evidence', async () => {
    const r = await t.graphql(ScoreOrderDocument, {
      variables: { input: dutchConsumerOrder('clean-1') },
      token: orderSystem,
    });
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    const a = r.body.data!.scoreOrder;
    expect(a.decision).toBe('ACCEPT');
    expect(a.reasons).toEqual([]);
    expect(a.ip).toMatchObject({ ip: '77.160.1.1', classification: 'public', country: 'NL', asn: 1136 });
    expect(a.ip.source).toMatch(/geolite2/i);
    expect(a.vat).toMatchObject({
      customerType: 'consumer',
      country: 'NL',
      conflict: false,
      reverseCharge: false,
      treatment: 'DOMESTIC',
    });
    expect(a.vat.evidence.map((e) => e.kind).sort()).toEqual([
      'bankCountry',
      'billingCountry',
      'ipCountry',
      'phoneCountry',
    ]);
    expect(a.order.rulesVersion).toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('reviews or rejects a German VAT number ordered from a hosting provider in another country, with the reasons', async () => {
    expect(analyseVatNumber(GERMAN_VAT).status).toBe('VALID');
    const input: ScoreOrderInput = {
      idempotencyKey: 'de-business-1',
      customer: {
        companyName: 'Muster Hosting GmbH',
        name: 'Max Mustermann',
        email: 'max@muster-hosting.de',
        address: { street: 'Friedrichstraße 1', postalCode: '10117', city: 'Berlin', country: 'DE' },
      },
      ipAddress: '95.216.1.1',
      billingAddress: { street: 'Friedrichstraße 1', postalCode: '10117', city: 'Berlin', country: 'DE' },
      vatNumber: GERMAN_VAT,
      items: [{ product: 'hosting', amountCents: 4900 }],
      currency: 'EUR',
    };
    const r = await t.graphql(ScoreOrderDocument, { variables: { input }, token: orderSystem });
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    const a = r.body.data!.scoreOrder;
    expect(['REVIEW', 'REJECT']).toContain(a.decision);
    const codes = a.reasons.map((x) => x.code);
    expect(codes).toEqual(
      expect.arrayContaining(['HOSTING_IP', 'IP_COUNTRY_MISMATCH_BILLING', 'IP_COUNTRY_MISMATCH_VAT']),
    );
    const mismatch = a.reasons.find((x) => x.code === 'IP_COUNTRY_MISMATCH_BILLING')!;
    expect(mismatch.evidence).toMatchObject({ ipCountry: 'FI', billingCountry: 'DE' });
    expect(a.riskScore).toBe(a.reasons.reduce((s, x) => s + x.weight, 0));
    // VIES is off by default: the number is well-formed but not verified, so no reverse charge.
    expect(a.vat.vatNumber).toEqual({
      valid: true,
      country: 'DE',
      verified: 'NOT_VERIFIED',
      nameMatch: 'NOT_COMPARED',
      addressMatch: 'NOT_COMPARED',
      checkedAt: null,
      consultationNumber: null,
    });
    expect(a.vat.reverseCharge).toBe(false);
  });

  // Regression: a national-format number was read as a number of the billing country, so billing alone
  // gave two pieces of VAT evidence and the IP country was held against a phone country nobody gave.
  it('counts a phone number as evidence only with its country code: a national one is not counted, and says so', async () => {
    const berlin = { street: 'Friedrichstraße 1', postalCode: '10117', city: 'Berlin', country: 'DE' };
    const order = (key: string, phone: string): ScoreOrderInput => ({
      ...dutchConsumerOrder(key),
      customer: { name: 'Jan Smit', email: `jan.${key}@example.nl`, address: berlin },
      billingAddress: berlin,
      iban: null,
      phone,
    });
    const national = await t.graphql(ScoreOrderDocument, {
      variables: { input: order('phone-national', '06 12345678') },
      token: orderSystem,
    });
    expect(national.body.errors, JSON.stringify(national.body.errors)).toBeUndefined();
    const a = national.body.data!.scoreOrder;
    expect(a.reasons.map((x) => x.code)).not.toContain('IP_COUNTRY_MISMATCH_PHONE');
    expect(a.vat.evidence).toEqual([
      { kind: 'billingCountry', country: 'DE', territory: 'DE', supports: false },
      { kind: 'ipCountry', country: 'NL', territory: 'NL', supports: false },
    ]);
    expect(a.vat.excludedEvidence).toEqual([
      {
        kind: 'phoneCountry',
        country: null,
        why: 'phone number in national format, without a country code: its country is not known from the number',
      },
    ]);
    expect(a.vat).toMatchObject({ country: null, treatment: 'UNDETERMINED' });
    expect(a.vat.reason).toContain('not counted: phoneCountry (phone number in national format');
    const sql = await t.db.superuser();
    const stored = await sql.query(`select phone_country, phone_enc from customer_order where id = $1`, [
      a.order.id,
    ]);
    expect(stored.rows[0]).toMatchObject({ phone_country: null, phone_enc: expect.any(String) });

    const international = await t.graphql(ScoreOrderDocument, {
      variables: { input: order('phone-international', '0031 6 12345678') },
      token: orderSystem,
    });
    const b = international.body.data!.scoreOrder;
    expect(b.vat.excludedEvidence).toEqual([]);
    expect(b.vat.evidence).toContainEqual({
      kind: 'phoneCountry',
      country: 'NL',
      territory: 'NL',
      supports: true,
    });
    expect(b.vat).toMatchObject({ country: 'NL', conflict: true });
  });

  // Regression: a hosting provider's address counted as evidence of the customer's country.
  it("leaves a hosting provider's IP address out of the VAT evidence, saying why, and still flags it", async () => {
    const berlin = { street: 'Friedrichstraße 1', postalCode: '10117', city: 'Berlin', country: 'DE' };
    const input: ScoreOrderInput = {
      ...dutchConsumerOrder('hosting-ip'),
      customer: { name: 'Jan Smit', email: 'jan.hosting@example.de', address: berlin },
      billingAddress: berlin,
      ipAddress: '95.216.1.1',
      iban: 'DE89370400440532013000',
      phone: null,
    };
    const r = await t.graphql(ScoreOrderDocument, { variables: { input }, token: orderSystem });
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    const a = r.body.data!.scoreOrder;
    expect(a.ip).toMatchObject({ country: 'FI', anonymity: { isHostingProvider: true } });
    expect(a.vat.evidence).toEqual([
      { kind: 'billingCountry', country: 'DE', territory: 'DE', supports: true },
      // An IBAN names only the country, which for Germany may be Büsingen's or Heligoland's too.
      { kind: 'bankCountry', country: 'DE', territory: null, supports: true },
    ]);
    expect(a.vat.excludedEvidence).toEqual([
      {
        kind: 'ipCountry',
        country: 'FI',
        why: 'IP address of a hosting provider: it says where a server is, not where the customer is',
      },
    ]);
    expect(a.vat).toMatchObject({ country: 'DE', conflict: false, treatment: 'OSS' });
    const codes = a.reasons.map((x) => x.code);
    expect(codes).toEqual(expect.arrayContaining(['HOSTING_IP', 'IP_COUNTRY_MISMATCH_BILLING']));
    expect(codes).not.toContain('VAT_EVIDENCE_CONFLICT');
  });

  it('returns the first answer for a retried idempotency key, and refuses the key for another order', async () => {
    const input = dutchConsumerOrder('retry-1');
    const first = await t.graphql(ScoreOrderDocument, { variables: { input }, token: orderSystem });
    const again = await t.graphql(ScoreOrderDocument, { variables: { input }, token: orderSystem });
    expect(again.body.data!.scoreOrder.order.id).toBe(first.body.data!.scoreOrder.order.id);
    expect(again.body.data!.scoreOrder.replayed).toBe(true);
    expect(again.body.data!.scoreOrder.ip).toEqual(first.body.data!.scoreOrder.ip);
    const sql = await t.db.superuser();
    const count = await sql.query(
      "select count(*)::int as n from customer_order where idempotency_key = 'retry-1'",
    );
    expect(count.rows[0].n).toBe(1);

    const other = await t.graphql(ScoreOrderDocument, {
      variables: { input: { ...input, items: [{ product: 'hosting', amountCents: 1 }] } },
      token: orderSystem,
    });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('flags a private address as non-public and never geolocates it', async () => {
    const r = await t.graphql(ScoreOrderDocument, {
      variables: { input: { ...dutchConsumerOrder('private-1'), ipAddress: '192.168.1.20' } },
      token: orderSystem,
    });
    const a = r.body.data!.scoreOrder;
    expect(a.ip).toMatchObject({ classification: 'private', country: null, asn: null });
    expect(a.reasons.map((x) => x.code)).toContain('NON_PUBLIC_IP');
  });

  it('refuses unparsable IPs and bad items with BAD_USER_INPUT naming the field, storing nothing', async () => {
    const bad = await t.graphql(ScoreOrderDocument, {
      variables: { input: { ...dutchConsumerOrder('bad-1'), ipAddress: '300.1.1.1' } },
      token: orderSystem,
    });
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ipAddress' });
    const items = await t.graphql(ScoreOrderDocument, {
      variables: {
        input: { ...dutchConsumerOrder('bad-2'), items: [{ product: 'hosting', amountCents: -5 }] },
      },
      token: orderSystem,
    });
    expect(items.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'items.0.amountCents',
    });
    const sql = await t.db.superuser();
    const count = await sql.query(
      "select count(*)::int as n from customer_order where idempotency_key like 'bad-%'",
    );
    expect(count.rows[0].n).toBe(0);
  });

  it('refuses variables of the wrong type with BAD_USER_INPUT, the first time and again', async () => {
    // The second request reuses what the guard found for the same document (its cost, its analysis).
    for (const key of ['typed-1', 'typed-2']) {
      const response = await t.graphql(ScoreOrderDocument, {
        variables: {
          input: { ...dutchConsumerOrder(key), items: [{ product: 'hosting', amountCents: 'x' }] },
        } as never,
        token: orderSystem,
      });
      expect(response.body.data ?? null).toBeNull();
      expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
  });

  it('audits scoring as the order system with purpose fraud-prevention', async () => {
    await t.platform.services.audit.sealer.sealPending();
    const sql = await t.db.superuser();
    const { rows } = await sql.query(
      "select distinct action, purpose, role from audit_event where actor_kind = 'service' order by action",
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { action: 'create', purpose: 'fraud-prevention', role: 'order_system' },
        { action: 'read', purpose: 'fraud-prevention', role: 'order_system' },
      ]),
    );
  });

  it('refuses any purpose but fraud-prevention, so the audit log cannot carry another one', async () => {
    for (const purpose of ['privacy-request:9', 'inspection', 'support-ticket:1', 'order-fulfilment']) {
      const r = await t.graphql(ScoreOrderDocument, {
        variables: { input: dutchConsumerOrder(`purpose-${purpose}`) },
        token: orderSystem,
        purpose,
      });
      expect(r.status, purpose).toBe(403);
      expect(r.body.data ?? null).toBeNull();
      expect(r.body.errors?.[0]?.extensions).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'PURPOSE_MISMATCH',
        operation: 'scoreOrder',
        allowedPurposes: ['fraud-prevention'],
      });
      expect(r.body.errors?.[0]?.message).toMatch(/scoreOrder is done for fraud-prevention only/);
    }
    const stated = await t.graphql(ScoreOrderDocument, {
      variables: { input: dutchConsumerOrder('purpose-stated') },
      token: orderSystem,
      purpose: 'fraud-prevention',
    });
    expect(stated.body.errors, JSON.stringify(stated.body.errors)).toBeUndefined();
    await t.platform.services.audit.sealer.sealPending();
    const sql = await t.db.superuser();
    const { rows } = await sql.query(
      "select distinct purpose from audit_event where role = 'order_system' order by purpose",
    );
    expect(rows).toEqual([{ purpose: 'fraud-prevention' }]);
    const { rows: orders } = await sql.query(
      "select count(*)::int as n from customer_order where idempotency_key like 'purpose-%'",
    );
    expect(orders).toEqual([{ n: 1 }]);
  });

  it('answers ipIntelligence for IPv4 and IPv6, and refuses other roles', async () => {
    const v6 = await t.graphql(IpIntelligenceDocument, {
      variables: { ip: '::ffff:77.160.1.1' },
      token: orderSystem,
    });
    expect(v6.body.data!.ipIntelligence).toMatchObject({ ip: '77.160.1.1', country: 'NL' });
    // Built from the record's prefix only when asked for (geo/ip-intelligence.ts, ipNetwork).
    expect(v6.body.data!.ipIntelligence.network).toMatch(/^77\.160\.\d+\.\d+\/\d+$/);
    const native6 = await t.graphql(IpIntelligenceDocument, {
      variables: { ip: '2a02:a44a:1::1' },
      token: orderSystem,
    });
    expect(native6.body.data!.ipIntelligence.country).toBe('NL');
    const em = t.platform.db.orm.em.fork();
    const support = (
      await t.platform.services.actors.create(em, { kind: 'employee', role: 'support', name: 's' })
    ).token;
    const refused = await t.graphql(IpIntelligenceDocument, { variables: { ip: '8.8.8.8' }, token: support });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
