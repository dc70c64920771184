/**
 * scoreOrder with the VIES adapter switched on (VIES_URL) against a local fake VIES: a confirmed
 * business of another member state is reverse-charged; one VIES does not know is taxed as a consumer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RescoreOrdersDocument,
  ScoreOrderDocument,
  type ScoreOrderInput,
} from '../../schema/generated/graphql';
import { startFakeVies, type FakeVies } from '../support/fake-vies';
import { startTestServer, type TestServer } from '../support/test-platform';

const KNOWN = 'DE136695976';
/** Registered to the same name, at an address in Munich. */
const KNOWN_IN_MUNICH = 'DE111111125';

function germanBusiness(
  key: string,
  vatNumber: string,
  names = { companyName: 'Muster GmbH', name: 'Max Muster' },
): ScoreOrderInput {
  const address = { street: 'Friedrichstraße 1', postalCode: '10117', city: 'Berlin', country: 'DE' };
  return {
    idempotencyKey: key,
    customer: { ...names, email: `${key}@muster.de`, address },
    ipAddress: '35.156.1.1',
    billingAddress: address,
    vatNumber,
    items: [{ product: 'hosting', amountCents: 2000 }],
    currency: 'EUR',
  };
}

describe('scoreOrder with VIES', () => {
  let vies: FakeVies;
  let t: TestServer;
  let token: string;

  beforeAll(async () => {
    vies = await startFakeVies({
      [KNOWN]: 'MUSTER GMBH',
      [KNOWN_IN_MUNICH]: { name: 'MUSTER GMBH', address: 'MARIENPLATZ 1\n80331 MUENCHEN' },
    });
    t = await startTestServer({
      VIES_URL: vies.url,
      VIES_TIMEOUT_MS: '2000',
      VIES_REQUESTER_VAT_NUMBER: 'NL123456782B01',
    });
    const em = t.platform.db.orm.em.fork();
    token = (
      await t.platform.services.actors.create(em, { kind: 'service', role: 'order_system', name: 'orders' })
    ).token;
  });
  afterAll(async () => {
    await t?.close();
    await vies?.close();
  });

  it('reverse-charges a business whose VAT number VIES confirms', async () => {
    const r = await t.graphql(ScoreOrderDocument, {
      variables: { input: germanBusiness('vies-1', KNOWN) },
      token,
    });
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    expect(r.body.data!.scoreOrder.vat).toMatchObject({
      customerType: 'business',
      reverseCharge: true,
      treatment: 'REVERSE_CHARGE',
      vatNumber: { valid: true, country: 'DE', verified: 'VERIFIED', nameMatch: 'MATCH' },
    });
    expect(vies.requests).toContainEqual({
      countryCode: 'DE',
      vatNumber: '136695976',
      requester: '123456782B01',
    });
    // The proof of the check, as VIES gave it, is returned and kept with the order.
    const verdict = r.body.data!.scoreOrder.vat.vatNumber;
    expect(verdict.consultationNumber).toMatch(/^WAPIAAAAZ\d+$/);
    expect(Date.parse(verdict.checkedAt!)).toBeGreaterThan(Date.now() - 60_000);
    const stored = await t.platform.services.orderReview.get(
      t.platform.db.orm.em.fork(),
      r.body.data!.scoreOrder.order.id,
    );
    expect(stored.vat.vatNumber).toMatchObject({
      consultationNumber: verdict.consultationNumber,
      checkedAt: verdict.checkedAt,
    });
  });

  it('reports a VAT number VIES registers at an address elsewhere, and still reverse-charges it', async () => {
    const r = await t.graphql(ScoreOrderDocument, {
      variables: { input: germanBusiness('vies-address', KNOWN_IN_MUNICH) },
      token,
    });
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    const assessment = r.body.data!.scoreOrder;
    expect(assessment.vat).toMatchObject({
      customerType: 'business',
      reverseCharge: true,
      vatNumber: { verified: 'VERIFIED', nameMatch: 'MATCH', addressMatch: 'MISMATCH' },
    });
    expect(assessment.reasons).toContainEqual(
      expect.objectContaining({
        code: 'VAT_ADDRESS_MISMATCH',
        evidence: { vatCountry: 'DE', billingCountry: 'DE' },
      }),
    );
    // A number VIES registers without an address (as Germany's really are) is not compared.
    const plain = await t.graphql(ScoreOrderDocument, {
      variables: { input: germanBusiness('vies-no-address', KNOWN) },
      token,
    });
    expect(plain.body.data!.scoreOrder.vat.vatNumber.addressMatch).toBe('NOT_COMPARED');
    expect(plain.body.data!.scoreOrder.reasons.map((x) => x.code)).not.toContain('VAT_ADDRESS_MISMATCH');
  });

  it('taxes a business as a consumer when VIES registers its VAT number to another name', async () => {
    const r = await t.graphql(ScoreOrderDocument, {
      variables: {
        input: germanBusiness('vies-3', KNOWN, {
          companyName: 'Beispiel Handel GmbH',
          name: 'Erika Beispiel',
        }),
      },
      token,
    });
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    expect(r.body.data!.scoreOrder.vat).toMatchObject({
      customerType: 'consumer',
      reverseCharge: false,
      conflict: true,
      vatNumber: { verified: 'VERIFIED', nameMatch: 'MISMATCH' },
    });
    expect(r.body.data!.scoreOrder.decision).not.toBe('ACCEPT');
    expect(r.body.data!.scoreOrder.reasons.map((x) => x.code)).toContain('VAT_NAME_MISMATCH');

    // Re-scoring keeps what VIES answered then: the order scores the same under the same rules.
    const em = t.platform.db.orm.em.fork();
    const admin = await t.platform.services.actors.create(em, { kind: 'employee', role: 'admin', name: 'a' });
    const rescored = await t.graphql(RescoreOrdersDocument, {
      variables: {
        from: new Date(Date.now() - 60_000).toISOString(),
        to: new Date(Date.now() + 60_000).toISOString(),
      },
      token: admin.token,
    });
    expect(rescored.body.errors, JSON.stringify(rescored.body.errors)).toBeUndefined();
    const again = rescored.body.data!.rescoreOrders.find(
      (x) => x.orderId === r.body.data!.scoreOrder.order.id,
    );
    expect(again).toMatchObject({ riskScore: r.body.data!.scoreOrder.riskScore, changed: false });
  });

  it("holds a later order's VAT number against the names on file, and audits reading them", async () => {
    const first = await t.graphql(ScoreOrderDocument, {
      variables: { input: germanBusiness('vies-4', KNOWN) },
      token,
    });
    const customerId = first.body.data!.scoreOrder.order.customerId;
    const { customer: _details, ...rest } = germanBusiness('vies-5', KNOWN);
    const later = await t.graphql(ScoreOrderDocument, {
      variables: { input: { ...rest, customerId } },
      token,
      headers: { 'x-request-id': 'vies-later-order' },
    });
    expect(later.body.errors, JSON.stringify(later.body.errors)).toBeUndefined();
    expect(later.body.data!.scoreOrder.vat.vatNumber.nameMatch).toBe('MATCH');
    const sql = await t.db.superuser();
    const { rows } = await sql.query<{ fields: string[] }>(
      `select fields from (select action, fields, request_id from audit_inbox
         union all select action, fields, request_id from audit_event) e
       where request_id = 'vies-later-order' and action = 'read'`,
    );
    // The order named no email either, so the one on file was read too; and the answer gave the order
    // system the order's countries (its VAT evidence) back, a read of their own.
    expect(rows.map((r) => r.fields).sort()).toEqual([
      ['companyName', 'email', 'ipAddresses', 'name'],
      ['orderVatEvidence'],
    ]);
  });

  it('taxes a business as a consumer when VIES does not know its number', async () => {
    const r = await t.graphql(ScoreOrderDocument, {
      variables: { input: germanBusiness('vies-2', 'DE129273398') },
      token,
    });
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    expect(r.body.data!.scoreOrder.vat).toMatchObject({
      customerType: 'consumer',
      reverseCharge: false,
      vatNumber: { verified: 'NOT_REGISTERED' },
    });
  });
});
