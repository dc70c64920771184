// The access answer (GDPR art. 15 and 20) holds everything the platform keeps about the person, also
// what came only with an order, and matches its published JSON Schema.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerEntity } from '../../../src/db/entities/customer.entity';
import { ComplaintSource, ComplaintStatus } from '../../../src/db/entities/privacy.entities';
import { SUBJECT_ACCESS_REPORT_VERSION } from '../../../src/privacy/subject-access-report';
import { orderSystemContext } from '../../support/order-system';
import { createTestPlatform, type TestPlatform } from '../../support/test-platform';
import { newCustomer, officer } from './privacy-fixtures';

const ADDRESS = { street: 'Lange Voorhout 9', postalCode: '2514 EA', city: 'Den Haag', country: 'NL' };

describe('subject-access report', () => {
  let t: TestPlatform;
  const em = () => t.platform.db.orm.em.fork();
  const schema = JSON.parse(
    readFileSync(path.join(__dirname, '../../../schema/subject-access-report.schema.json'), 'utf8'),
  ) as object;

  beforeAll(async () => {
    t = await createTestPlatform();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists what was given only with an order (phone, IBAN, VAT evidence) and its categories', async () => {
    const context = await orderSystemContext(t);
    // The customer's own record has neither phone nor bank details: only the order carries them.
    const assessment = await t.platform.services.orders.score(
      em(),
      {
        idempotencyKey: randomUUID(),
        customer: { name: 'Femke Jansen', email: 'femke.sar@example.nl', address: ADDRESS },
        ipAddress: '94.208.1.1',
        billingAddress: ADDRESS,
        email: 'femke.sar@example.nl',
        phone: '+31 6 12345679',
        iban: 'NL91ABNA0417164300',
        items: [{ product: 'hosting', amountCents: 995 }],
        currency: 'EUR',
      },
      context,
    );
    const customerId = assessment.order.customerId;
    const customer = t.platform.services.customers.view(
      await em().findOneOrFail(CustomerEntity, { id: customerId }),
    );
    expect(customer.phone).toBeNull();
    expect(customer.iban).toBeNull();

    const { report, html } = await t.platform.services.privacyReports.accessReport(em(), customer, {
      includeEmployeeNames: false,
    });
    expect(report.schemaVersion).toBe(SUBJECT_ACCESS_REPORT_VERSION);
    expect(report.orders).toEqual([
      expect.objectContaining({
        email: 'femke.sar@example.nl',
        phone: '+31612345679', // as stored: normalised to E.164
        iban: 'NL91ABNA0417164300',
        vatNumber: null,
        vatEvidence: expect.objectContaining({ customerType: 'consumer' }),
      }),
    ]);
    // Everything GeoIP's answer kept that places the customer, the region too (it tells VAT territories).
    const ip = assessment.ip;
    expect(report.orders[0]!.ipLocation).toEqual({
      country: ip.country,
      region: ip.subdivision,
      city: ip.city,
      organisation: ip.organisation,
    });
    const categories = report.processing.map((p) => p.category);
    expect(categories).toEqual(
      expect.arrayContaining(['phone', 'bank_details', 'email', 'ip_address', 'address', 'purchase_history']),
    );
    expect(categories).not.toContain('vat_number');
    expect(html).toContain('NL91ABNA0417164300');

    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    // The schema does check: a report without an order's IBAN key is refused.
    const { iban: _iban, ...withoutIban } = report.orders[0]!;
    expect(validate({ ...report, orders: [withoutIban] })).toBe(false);
  });

  it("gives the person's requests and complaints with our answers, and the history of the mailing opt-out", async () => {
    const customerId = await newCustomer(t);
    await t.platform.services.customers.update(em(), customerId, { mailingOptOut: true }, officer);
    const requests = t.platform.services.privacyRequests;
    const request = await requests.create(em(), { customerId, kind: 'access', channel: 'email' }, officer);
    const until = new Date(request.dueAt.getTime() + 30 * 86_400_000);
    await requests.extend(em(), request.id, until, 'You asked for every order since 2019 as well', officer);
    const complaints = t.platform.services.complaints;
    const complaint = await complaints.create(
      em(),
      { customerId, source: ComplaintSource.Customer, summary: 'Support read my IBAN without a reason' },
      officer,
    );
    await complaints.update(
      em(),
      complaint.id,
      { status: ComplaintStatus.Resolved, resolution: 'The IBAN was read for your direct debit only' },
      officer,
    );

    const customer = await t.platform.services.customers.get(em(), customerId);
    const { report, html } = await t.platform.services.privacyReports.accessReport(em(), customer, {
      includeEmployeeNames: false,
    });
    expect(report.correspondence.requests).toEqual([
      expect.objectContaining({
        kind: 'access',
        status: 'open',
        extendedUntil: until.toISOString(),
        extensionReason: 'You asked for every order since 2019 as well',
      }),
    ]);
    expect(report.correspondence.complaints).toEqual([
      expect.objectContaining({
        source: 'customer',
        status: 'resolved',
        summary: 'Support read my IBAN without a reason',
        resolution: 'The IBAN was read for your direct debit only',
      }),
    ]);
    expect(report.processing.map((p) => p.category)).toContain('correspondence');
    const history = report.personalData.find((p) => p.field === 'mailingConsentHistory');
    expect(history?.category).toBe('mailing_consent');
    expect((history?.value as { optedOut: boolean }[]).map((c) => c.optedOut)).toEqual([false, true]);
    expect(html).toContain('Support read my IBAN without a reason');
    expect(html).not.toContain('[object Object]');

    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });
});
