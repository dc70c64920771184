/**
 * Key rotation on PostgreSQL: after a key is added and `keys reencrypt` has run, no stored personal
 * value needs the older key any more (customers, the values orders carry with the review note, complaints
 * with their resolution, privacy requests' outcomes and extension reasons), so the older key
 * can be retired and everything still reads.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineContext } from '../../audit/audit-context';
import { reencryptStoredValues } from '../../src/customers/key-rotation';
import { ComplaintSource } from '../../src/db/entities/privacy.entities';
import type { Platform } from '../../src/platform';
import { orderSystemContext } from '../support/order-system';
import { attachPlatform, createTestPlatform, type TestPlatform } from '../support/test-platform';

describe('key rotation', () => {
  let t: TestPlatform;
  const opened: Platform[] = [];
  const address = { street: 'Dam 1', postalCode: '1012 JS', city: 'Amsterdam', country: 'NL' };

  beforeAll(async () => {
    t = await createTestPlatform();
  });
  afterAll(async () => {
    for (const p of opened) await p.close();
    await t?.close();
  });

  it('re-encrypts orders and complaints too, so the older key can be retired', async () => {
    const context = await orderSystemContext(t);
    const scored = await t.platform.services.orders.score(
      t.platform.db.orm.em.fork(),
      {
        idempotencyKey: 'rotate-1',
        customer: { name: 'Rotatie Test', email: 'rotate@example.nl', phone: '+31 20 123 4567', address },
        ipAddress: '77.160.1.1',
        billingAddress: address,
        email: 'rotate@example.nl',
        phone: '+31 20 123 4567',
        iban: 'NL91ABNA0417164300',
        vatNumber: 'NL004495445B01',
        items: [{ product: 'hosting', amountCents: 995 }],
        currency: 'EUR',
      },
      { ...context, requestId: randomUUID() },
    );
    const customerId = scored.order.customerId;
    const complaint = await t.platform.services.complaints.create(
      t.platform.db.orm.em.fork(),
      { customerId, source: ComplaintSource.Customer, summary: 'Rotatie Test asks who read the IBAN' },
      offlineContext(null, 'privacy-request:1'),
    );

    await t.platform.services.complaints.update(
      t.platform.db.orm.em.fork(),
      complaint.id,
      { resolution: 'Rotatie Test was told who read it' },
      offlineContext(null, 'privacy-request:1'),
    );
    const requests = t.platform.services.privacyRequests;
    const request = await requests.create(
      t.platform.db.orm.em.fork(),
      { customerId, kind: 'access', channel: 'email' },
      offlineContext(null, 'privacy-request:1'),
    );
    await requests.extend(
      t.platform.db.orm.em.fork(),
      request.id,
      new Date(request.dueAt.getTime() + 86_400_000),
      'Rotatie Test asked for paper copies',
      offlineContext(null, 'privacy-request:1'),
    );
    await requests.close(
      t.platform.db.orm.em.fork(),
      request.id,
      { status: 'rejected', outcome: 'Rotatie Test withdrew it' },
      offlineContext(null, 'privacy-request:1'),
    );
    await t.platform.services.orderReview.review(
      t.platform.db.orm.em.fork(),
      scored.order.id,
      'APPROVED',
      'Rotatie Test confirmed by phone',
      offlineContext(null, 'fraud-prevention'),
    );

    const k1 = t.env.FIELD_ENCRYPTION_KEYS as string;
    const k2 = `k2:${randomBytes(32).toString('base64')}`;
    const both = await attachPlatform(t, { FIELD_ENCRYPTION_KEYS: `${k1},${k2}` });
    opened.push(both);
    const result = await reencryptStoredValues(both.db.orm.em.fork(), both.keys.cipher);
    expect(result.tables).toEqual({ customers: 1, orders: 1, complaints: 1, privacyRequests: 1 });

    const sql = await t.db.superuser();
    const order = (
      await sql.query(
        `select ip_address_enc, geo_enc, billing_address_enc, vat_number_enc, email_enc, phone_enc, iban_enc,
                review_note_enc
         from customer_order where id = $1`,
        [scored.order.id],
      )
    ).rows[0] as Record<string, string>;
    for (const [column, value] of Object.entries(order)) expect(value, column).toMatch(/^v1\.k2\./);
    const texts = {
      ...(await sql.query('select summary_enc, resolution_enc from complaint where id = $1', [complaint.id]))
        .rows[0],
      ...(
        await sql.query('select outcome_enc, extension_reason_enc from privacy_request where id = $1', [
          request.id,
        ])
      ).rows[0],
    } as Record<string, string>;
    expect(Object.keys(texts)).toHaveLength(4);
    for (const [column, value] of Object.entries(texts)) expect(value, column).toMatch(/^v1\.k2\./);

    // The older key retired: everything still reads.
    const onlyNew = await attachPlatform(t, { FIELD_ENCRYPTION_KEYS: k2 });
    opened.push(onlyNew);
    const em = onlyNew.db.orm.em.fork();
    const read = await onlyNew.services.orderReview.get(em, scored.order.id);
    expect(read.billingAddress?.city).toBe('Amsterdam');
    expect(read.iban).toBe('NL91ABNA0417164300');
    expect(read.geoIp).not.toBeNull();
    expect(read.reviewNote).toBe('Rotatie Test confirmed by phone');
    const answered = await onlyNew.services.complaints.get(em, complaint.id);
    expect([answered.summary, answered.resolution]).toEqual([
      'Rotatie Test asks who read the IBAN',
      'Rotatie Test was told who read it',
    ]);
    const told = await onlyNew.services.privacyRequests.get(em, request.id);
    expect([told.outcome, told.extensionReason]).toEqual([
      'Rotatie Test withdrew it',
      'Rotatie Test asked for paper copies',
    ]);
    expect((await onlyNew.services.customers.get(em, customerId)).name).toBe('Rotatie Test');

    const again = await reencryptStoredValues(onlyNew.db.orm.em.fork(), onlyNew.keys.cipher);
    expect(again.valuesRewritten).toBe(0);
  });
});
