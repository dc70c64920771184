/**
 * Retention on PostgreSQL: bank details dropped when the subscription (and so the direct debit) ends,
 * archived one year later with what administrative obligations do not need deleted, purged when the
 * fiscal period is over (ten years with One Stop Shop orders), as is what an erasure request kept, on
 * the date its answer gave; the access log never; boundaries, the report, idempotence and two processes
 * running the job at once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, offlineContext, type AuditContext } from '../../audit/audit-context';
import type { Platform } from '../../src/platform';
import { PURGED_TEXT } from '../../src/privacy/correspondence-purge';
import { plusYears } from '../../src/privacy/erasure';
import { ACCESS_LOG_RETENTION, processingRegister } from '../../src/privacy/processing-register';
import { plusYearsSql } from '../../src/privacy/retention';
import { sealedEvents } from './privacy/privacy-fixtures';
import { attachPlatform, createTestPlatform, type TestPlatform } from '../support/test-platform';

const DAY = 86_400_000;
const YEAR = 365 * DAY;
const context = offlineContext(null, 'administrative-obligation');

describe('retention', () => {
  let t: TestPlatform;
  let other: Platform;
  const now = new Date('2030-06-15T12:00:00.000Z');

  /** Ends a subscription at `end`, in the test's own present (`now`, in 2030: a real one would be ahead). */
  const endSubscription = (id: string, end: Date) =>
    t.platform.services.customers.endSubscription(
      t.platform.db.orm.em.fork(),
      id,
      context,
      end,
      undefined,
      now,
    );

  async function customerEndedAt(end: Date, email: string): Promise<string> {
    const em = t.platform.db.orm.em.fork();
    const c = await t.platform.services.customers.create(
      em,
      {
        name: 'Retentie Klant',
        email,
        iban: 'NL91ABNA0417164300',
        bankName: 'ABN AMRO',
        phone: '+31 20 555 0199',
        address: { street: 'Coolsingel 40', postalCode: '3011 AD', city: 'Rotterdam', country: 'NL' },
        subscriptionStart: new Date(end.getTime() - 2 * YEAR),
      },
      context,
    );
    await endSubscription(c.id, end);
    return c.id;
  }

  async function row(id: string) {
    const sql = await t.db.superuser();
    return (
      await sql.query(
        'select status, iban_enc, bank_name_enc, name_enc, email_enc, archived_at, erased_at from customer where id = $1',
        [id],
      )
    ).rows[0];
  }

  /** A German consumer with two orders: one from Germany (a One Stop Shop supply), one from the Netherlands. */
  async function customerWithOrders(
    tag: string,
  ): Promise<{ id: string; ossOrder: string; domesticOrder: string }> {
    const em = t.platform.db.orm.em.fork();
    const actor = await t.platform.services.actors.create(em, {
      kind: 'service',
      role: 'order_system',
      name: `orders ${tag}`,
    });
    const orderSystem: AuditContext = {
      ...offlineContext(null, 'fraud-prevention'),
      actorId: actor.actor.id,
      actorKind: 'service',
      role: 'order_system',
    };
    const frankfurt = { street: 'Zeil 1', postalCode: '60313', city: 'Frankfurt am Main', country: 'DE' };
    const amsterdam = {
      street: 'Prinsengracht 263',
      postalCode: '1016 GV',
      city: 'Amsterdam',
      country: 'NL',
    };
    const email = `${tag}@example.de`;
    const first = await t.platform.services.orders.score(
      t.platform.db.orm.em.fork(),
      {
        idempotencyKey: `${tag}-1`,
        customer: {
          name: 'Jonas Becker',
          email,
          phone: '+49 69 1234567',
          address: frankfurt,
          idCardNumber: 'L01X00T47',
          licencePlate: 'F-JB 123',
          username: `jonas-${tag}`,
          password: 'a long enough password',
        },
        ipAddress: '84.128.1.1',
        billingAddress: frankfurt,
        email,
        phone: '+49 69 1234567',
        items: [{ product: 'hosting', amountCents: 995 }],
        currency: 'EUR',
      },
      { ...orderSystem, requestId: randomUUID() },
    );
    const id = first.order.customerId;
    const second = await t.platform.services.orders.score(
      t.platform.db.orm.em.fork(),
      {
        idempotencyKey: `${tag}-2`,
        customerId: id,
        ipAddress: '77.160.1.1',
        billingAddress: amsterdam,
        email,
        phone: '+31 20 555 0101',
        items: [{ product: 'hosting', amountCents: 995 }],
        currency: 'EUR',
      },
      { ...orderSystem, requestId: randomUUID() },
    );
    expect(first.order.entity.vat.treatment).toBe('OSS');
    expect(second.order.entity.vat.treatment).toBe('DOMESTIC');
    // A change of mind, so that there is a consent history.
    await t.platform.services.customers.update(
      t.platform.db.orm.em.fork(),
      id,
      { mailingOptOut: true },
      context,
    );
    return { id, ossOrder: first.order.id, domesticOrder: second.order.id };
  }

  async function orderRow(id: string) {
    const sql = await t.db.superuser();
    return (await sql.query('select * from customer_order where id = $1', [id])).rows[0];
  }

  beforeAll(async () => {
    t = await createTestPlatform();
    other = await attachPlatform(t);
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  it('drops bank details at the end of the subscription, archives a year later, purges after the fiscal period', async () => {
    const justEnded = await customerEndedAt(new Date(now.getTime() - DAY), 'a@example.nl');
    const notYetAYear = await customerEndedAt(new Date(now.getTime() - YEAR + DAY), 'b@example.nl');
    const overAYear = await customerEndedAt(new Date(now.getTime() - YEAR - DAY), 'c@example.nl');
    const active = await t.platform.services.customers.create(
      t.platform.db.orm.em.fork(),
      {
        name: 'Actief',
        email: 'd@example.nl',
        iban: 'NL91ABNA0417164300',
        address: { street: 'Markt 1', postalCode: '5611 EB', city: 'Eindhoven', country: 'NL' },
      },
      context,
    );

    const report = await t.platform.services.retention.report(t.platform.db.orm.em.fork(), now);
    const due = Object.fromEntries(report.actions.map((a) => [a.action, a.due]));
    expect(due).toEqual({ drop_bank_details: 3, archive: 1, purge: 0 });

    const run = await t.platform.services.retention.run(t.platform.db.orm.em.fork(), now);
    expect(run).toEqual({ bankDetailsDropped: 3, archived: 1, purged: 0 });
    expect(await row(justEnded)).toMatchObject({ status: 'ended', iban_enc: null, bank_name_enc: null });
    expect((await row(notYetAYear)).status).toBe('ended');
    expect((await row(overAYear)).status).toBe('archived');
    expect((await row(active.id)).iban_enc).not.toBeNull();

    // Idempotent: nothing is due any more.
    expect(await t.platform.services.retention.run(t.platform.db.orm.em.fork(), now)).toEqual({
      bankDetailsDropped: 0,
      archived: 0,
      purged: 0,
    });
    const after = await t.platform.services.retention.report(t.platform.db.orm.em.fork(), now);
    expect(after.actions.find((a) => a.action === 'archive')).toMatchObject({ due: 0, doneTotal: 1 });

    // 7 x 365 days later: the two whose subscriptions ended more than seven calendar years before are
    // archived and purged in the same pass; the one that ended a day before `now` is one leap day short.
    const later = new Date(now.getTime() + 7 * YEAR);
    const purge = await t.platform.services.retention.run(t.platform.db.orm.em.fork(), later);
    expect(purge.purged).toBe(2);
    expect(await row(overAYear)).toMatchObject({ status: 'erased', name_enc: null, email_enc: null });
    expect(await row(notYetAYear)).toMatchObject({ status: 'erased', name_enc: null });
    expect((await row(justEnded)).status).toBe('archived');
  });

  it('deletes at archiving what administrative obligations do not need, as the register says, and audits it', async () => {
    const { id, ossOrder, domesticOrder } = await customerWithOrders('archive');
    await endSubscription(id, new Date(now.getTime() - YEAR - DAY));
    const run = await t.platform.services.retention.run(t.platform.db.orm.em.fork(), now);
    expect(run.archived).toBe(1);

    const sql = await t.db.superuser();
    const customer = (await sql.query('select * from customer where id = $1', [id])).rows[0];
    expect(customer).toMatchObject({ status: 'archived', erased_at: null, mailing_opt_out: true });
    for (const column of [
      'phone_enc',
      'email_enc',
      'email_bidx',
      'ip_addresses_enc',
      'id_card_number_enc',
      'id_card_number_bidx',
      'licence_plate_enc',
      'username_enc',
      'username_bidx',
      'password_hash',
    ]) {
      expect(customer[column], column).toBeNull();
    }
    // What the tax records need stays, readable for administrative obligations only.
    expect(customer.name_enc).not.toBeNull();
    expect(customer.address_enc).not.toBeNull();
    const consent = await sql.query(
      'select count(*)::int as n from mailing_consent_change where customer_id = $1',
      [id],
    );
    expect(consent.rows[0].n).toBe(0);
    const oss = await orderRow(ossOrder);
    const domestic = await orderRow(domesticOrder);
    for (const order of [oss, domestic]) {
      expect(order).toMatchObject({ email_enc: null, email_bidx: null, phone_enc: null });
      expect(order.billing_address_enc).not.toBeNull();
    }
    // The IP address is VAT evidence only for the One Stop Shop supply.
    expect(oss.ip_address_enc).not.toBeNull();
    expect(oss.geo_enc).not.toBeNull();
    expect(domestic).toMatchObject({
      ip_address_enc: null,
      ip_bidx: null,
      ip_network_bidx: null,
      geo_enc: null,
    });

    const events = await sealedEvents(t, id);
    const erase = events.filter((e) => e.action === 'erase' && e.fields.includes('email'));
    expect(erase).toHaveLength(1);
    expect(erase[0]!.fields).toEqual(
      expect.arrayContaining([
        'email',
        'phone',
        'ipAddresses',
        'idCardNumber',
        'licencePlate',
        'username',
        'password',
        'mailingConsentHistory',
        'orderEmail',
        'orderPhone',
        'orderIpAddress',
        'orderGeoIp',
      ]),
    );
    expect(erase[0]!.purpose).toBe('administrative-obligation');

    // Every category archiving deleted from is one the register says is deleted when archived; the
    // categories of what stays are not.
    const register = processingRegister(t.platform.config.retention);
    const deleted = erase[0]!.categories;
    expect([...deleted].sort()).toEqual([
      'email',
      'id_document',
      'ip_address',
      'login',
      'mailing_consent',
      'phone',
      'vehicle',
    ]);
    for (const category of deleted) {
      expect(register[category as keyof typeof register].retention, category).toMatch(
        /1 year\(s\) after it; deleted when your data is archived/,
      );
    }
    for (const category of ['name', 'address', 'purchase_history'] as const) {
      expect(register[category].retention, category).not.toMatch(/deleted/);
    }

    // The access answer lists only what is still held, each with that retention.
    const view = await t.platform.services.customers.get(t.platform.db.orm.em.fork(), id);
    const { report } = await t.platform.services.privacyReports.accessReport(
      t.platform.db.orm.em.fork(),
      view,
      {
        includeEmployeeNames: false,
      },
    );
    const listed = report.processing.map((p) => p.category);
    expect(listed).toEqual(expect.arrayContaining(['name', 'address', 'purchase_history', 'ip_address']));
    for (const gone of ['email', 'phone', 'id_document', 'vehicle', 'login'])
      expect(listed).not.toContain(gone);
    const fields = report.personalData.map((p) => p.field);
    for (const gone of [
      'email',
      'phone',
      'ipAddresses',
      'idCardNumber',
      'licencePlate',
      'username',
      'password',
    ])
      expect(fields).not.toContain(gone);
  });

  /** Carries out a verified erasure request for the customer; returns the answer. */
  async function erase(customerId: string) {
    const officer = offlineContext(null, 'privacy-request:7');
    const request = await t.platform.services.privacyRequests.create(
      t.platform.db.orm.em.fork(),
      { customerId, kind: 'erasure', channel: 'email', identityCheck: 'verified' },
      officer,
    );
    return t.platform.services.dataSubjectRights.carryOutErasure(
      t.platform.db.orm.em.fork(),
      request.id,
      officer,
    );
  }

  const purgeStatus = async (at: Date) =>
    (await t.platform.services.retention.report(t.platform.db.orm.em.fork(), at)).actions.find(
      (a) => a.action === 'purge',
    )!;

  it('purges what an erasure request kept on the date its answer gave, and reports it due from then', async () => {
    // Ended on a leap day: seven years on is 28 February, as PostgreSQL counts.
    const id = await customerEndedAt(new Date('2028-02-29T12:00:00.000Z'), 'erased@example.nl');
    const answer = await erase(id);
    const invoices = answer.kept.find((k) => k.category === 'invoice data')!;
    expect(invoices.until).toEqual(new Date('2035-02-28T12:00:00.000Z'));
    const until = invoices.until!;
    const sql = await t.db.superuser();
    const erasedAt = (await row(id)).erased_at as Date;

    // Due from the kept-until date on, overdue after the grace period.
    const justBefore = new Date(until.getTime() - 1);
    expect((await purgeStatus(until)).due - (await purgeStatus(justBefore)).due).toBe(1);
    const late = await purgeStatus(new Date(until.getTime() + 8 * DAY));
    expect(late.overdueCustomerIds).toContain(id);

    await t.platform.services.retention.run(t.platform.db.orm.em.fork(), justBefore);
    expect((await row(id)).name_enc).not.toBeNull();
    await t.platform.services.retention.run(t.platform.db.orm.em.fork(), until);
    expect(await row(id)).toMatchObject({
      status: 'erased',
      name_enc: null,
      email_enc: null,
      erased_at: erasedAt,
    });
    const customer = (await sql.query('select address_enc from customer where id = $1', [id])).rows[0];
    expect(customer.address_enc).toBeNull();
    const purge = await sql.query(
      "select due_at from retention_action where customer_id = $1 and action = 'purge'",
      [id],
    );
    expect(purge.rows).toEqual([{ due_at: until }]);
    const events = await sealedEvents(t, id);
    expect(events.filter((e) => e.action === 'erase' && e.categories.includes('all'))).toHaveLength(1);

    // Once: the purged customer is not due again.
    const after = await purgeStatus(new Date(until.getTime() + 8 * DAY));
    expect(after.overdueCustomerIds).not.toContain(id);
  });

  it('keeps the invoice data of a customer with One Stop Shop supplies until the ten years are over, and says so', async () => {
    const { id, ossOrder } = await customerWithOrders('erased-oss');
    const end = new Date(now.getTime() - DAY);
    await endSubscription(id, end);
    const answer = await erase(id);
    const tenYears = new Date(end);
    tenYears.setUTCFullYear(end.getUTCFullYear() + 10);
    const byCategory = Object.fromEntries(answer.kept.map((k) => [k.category, k]));
    for (const category of ['invoice data', 'purchase history', 'VAT evidence']) {
      expect(byCategory[category]?.until, category).toEqual(tenYears);
    }
    expect(byCategory['invoice data']!.reason).toMatch(/One Stop Shop.*10 years/);
    expect(processingRegister(t.platform.config.retention).name.retention).toMatch(
      /10 years if any of your orders was a One Stop Shop supply/,
    );

    // Seven years on the purge is not due yet; ten years on it is, and leaves nothing.
    const sevenYears = new Date(end);
    sevenYears.setUTCFullYear(end.getUTCFullYear() + 7);
    await t.platform.services.retention.run(
      t.platform.db.orm.em.fork(),
      new Date(sevenYears.getTime() + DAY),
    );
    expect((await row(id)).name_enc).not.toBeNull();
    expect((await orderRow(ossOrder)).ip_address_enc).not.toBeNull();
    await t.platform.services.retention.run(t.platform.db.orm.em.fork(), tenYears);
    expect((await row(id)).name_enc).toBeNull();
    expect(await orderRow(ossOrder)).toMatchObject({
      ip_address_enc: null,
      geo_enc: null,
      billing_address_enc: null,
    });
  });

  it('says the same of the access log in the register, the access answer and the erasure answer: never deleted, as the log is not', async () => {
    const id = await customerEndedAt(new Date(now.getTime() - 2 * DAY), 'accesslog@example.nl');
    const support = await t.platform.services.actors.create(t.platform.db.orm.em.fork(), {
      kind: 'employee',
      role: 'support',
      name: 'Sanne Support',
    });
    await t.platform.services.audit.record([
      auditEvent(
        {
          ...offlineContext(null, 'support-ticket:9'),
          actorId: support.actor.id,
          actorKind: 'employee',
          role: 'support',
        },
        { action: 'read', subjectId: id, categories: ['email'], fields: ['email'] },
      ),
    ]);
    const view = await t.platform.services.customers.get(t.platform.db.orm.em.fork(), id);
    const { report } = await t.platform.services.privacyReports.accessReport(
      t.platform.db.orm.em.fork(),
      view,
      {
        includeEmployeeNames: false,
      },
    );
    const accessLog = report.processing.find((p) => p.category === 'access_log')!;
    expect(accessLog.retention).toBe(ACCESS_LOG_RETENTION);
    expect(accessLog.retention).not.toMatch(/year/);

    const answer = await erase(id);
    const kept = answer.kept.find((k) => k.category === 'access log')!;
    expect(kept.until).toBeNull();
    expect(kept.reason).toContain(ACCESS_LOG_RETENTION);

    // And so it is: the purge, when the rest is due, leaves every event about the customer.
    const before = await sealedEvents(t, id);
    const until = answer.kept.find((k) => k.category === 'invoice data')!.until!;
    await t.platform.services.retention.run(t.platform.db.orm.em.fork(), until);
    expect((await row(id)).name_enc).toBeNull();
    const after = await sealedEvents(t, id);
    expect(after.slice(0, before.length)).toEqual(before);
  });

  it('reports what is overdue when the job has not run', async () => {
    const stale = await customerEndedAt(new Date(now.getTime() - YEAR - 30 * DAY), 'stale@example.nl');
    const report = await t.platform.services.retention.report(t.platform.db.orm.em.fork(), now);
    const archive = report.actions.find((a) => a.action === 'archive')!;
    expect(archive.overdue).toBeGreaterThanOrEqual(1);
    expect(archive.overdueCustomerIds).toContain(stale);
  });

  it('holds every step for a restricted customer, reports it held, and carries it out once the restriction is lifted', async () => {
    const id = await customerEndedAt(new Date(now.getTime() - 2 * YEAR), 'restricted@example.nl');
    const officer = offlineContext(null, 'privacy-request:9');
    const request = await t.platform.services.privacyRequests.create(
      t.platform.db.orm.em.fork(),
      { customerId: id, kind: 'restriction', channel: 'email', identityCheck: 'verified' },
      officer,
    );
    await t.platform.services.dataSubjectRights.carryOutRestriction(
      t.platform.db.orm.em.fork(),
      request.id,
      officer,
    );

    const status = async () =>
      Object.fromEntries(
        (await t.platform.services.retention.report(t.platform.db.orm.em.fork(), now)).actions.map((a) => [
          a.action,
          a,
        ]),
      );
    const held = await status();
    for (const action of ['drop_bank_details', 'archive'] as const) {
      expect(held[action]).toMatchObject({ held: 1, heldCustomerIds: [id] });
      expect(held[action]!.overdueCustomerIds).not.toContain(id);
    }
    expect(held.purge).toMatchObject({ held: 0, heldCustomerIds: [] });

    await t.platform.services.retention.run(t.platform.db.orm.em.fork(), now);
    expect(await row(id)).toMatchObject({ status: 'ended', archived_at: null });
    expect((await row(id)).iban_enc).not.toBeNull();

    await t.platform.services.dataSubjectRights.liftRestriction(t.platform.db.orm.em.fork(), id, officer);
    const run = await t.platform.services.retention.run(t.platform.db.orm.em.fork(), now);
    expect(run.archived).toBeGreaterThanOrEqual(1);
    expect(await row(id)).toMatchObject({ status: 'archived', iban_enc: null });
    expect((await status()).archive).toMatchObject({ held: 0 });
  });

  it('counts the years in UTC, as the erasure answer does, whatever time zone the connection has', async () => {
    const sql = await t.db.superuser();
    const dates = ['2024-02-29T02:00:00.000Z', '2024-02-29T23:30:00.000Z', '2023-12-31T23:00:00.000Z'];
    for (const zone of ['America/New_York', 'Pacific/Kiritimati', 'Europe/Amsterdam']) {
      await sql.query(`set time zone '${zone}'`);
      for (const date of dates) {
        const { rows } = await sql.query<{ due: Date }>(
          `select ${plusYearsSql('$1::timestamptz', '$2::int')} as due`,
          [date, 1],
        );
        expect({ zone, date, due: rows[0]!.due.toISOString() }).toEqual({
          zone,
          date,
          due: plusYears(new Date(date), 1).toISOString(),
        });
      }
    }
    await sql.query('reset time zone');
  });

  it("purges what the customer's requests and complaints say, keeping the records that they were answered", async () => {
    const id = await customerEndedAt(new Date(now.getTime() - 8 * YEAR), 'letters@example.nl');
    const bystander = await customerEndedAt(new Date(now.getTime() - DAY), 'bystander@example.nl');
    const officer = offlineContext(null, 'privacy-request:11');
    const received = new Date('2022-06-01T09:00:00.000Z');
    const at = (days: number) => new Date(received.getTime() + days * DAY);
    const requests = t.platform.services.privacyRequests;
    const request = await requests.create(
      t.platform.db.orm.em.fork(),
      { customerId: id, kind: 'access', channel: 'email', identityCheck: 'verified', receivedAt: received },
      officer,
      at(1),
    );
    await requests.extend(
      t.platform.db.orm.em.fork(),
      request.id,
      at(80),
      'Jan asked for paper copies',
      officer,
      at(10),
    );
    await requests.close(
      t.platform.db.orm.em.fork(),
      request.id,
      { status: 'rejected', outcome: 'Jan de Vries withdrew the request by phone' },
      officer,
      at(20),
    );
    const complaints = t.platform.services.complaints;
    const complaint = async (customerId: string) => {
      const c = await complaints.create(
        t.platform.db.orm.em.fork(),
        { customerId, source: 'customer', receivedAt: received, summary: 'My neighbour saw my invoice' },
        officer,
        at(2),
      );
      await complaints.update(
        t.platform.db.orm.em.fork(),
        c.id,
        { status: 'resolved', resolution: 'Apologised to Jan; invoice resent' },
        officer,
        at(5),
      );
      return c.id;
    };
    const own = await complaint(id);
    const other = await complaint(bystander);

    await t.platform.services.retention.run(t.platform.db.orm.em.fork(), now);

    const stored = await requests.get(t.platform.db.orm.em.fork(), request.id);
    expect(stored).toMatchObject({ status: 'rejected', outcome: PURGED_TEXT, extensionReason: PURGED_TEXT });
    expect(stored.extendedUntil).not.toBeNull();
    const read = (complaintId: string) => complaints.get(t.platform.db.orm.em.fork(), complaintId);
    expect(await read(own)).toMatchObject({
      summary: PURGED_TEXT,
      resolution: PURGED_TEXT,
      status: 'resolved',
    });
    expect(await read(other)).toMatchObject({
      summary: 'My neighbour saw my invoice',
      resolution: 'Apologised to Jan; invoice resent',
    });
    const [purge] = await sealedEvents(t, id, 'complaint.summary');
    expect(purge).toMatchObject({ action: 'erase' });
    expect(purge!.fields).toEqual(
      expect.arrayContaining([
        'privacyRequest.outcome',
        'privacyRequest.extensionReason',
        'complaint.resolution',
      ]),
    );
  });

  it('does each step once when two processes run the job at the same time', async () => {
    const ids = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        customerEndedAt(new Date(now.getTime() - 2 * YEAR), `twin${i}@example.nl`),
      ),
    );
    const [a, b] = await Promise.all([
      t.platform.services.retention.run(t.platform.db.orm.em.fork(), now),
      other.services.retention.run(other.db.orm.em.fork(), now),
    ]);
    expect(a.archived + b.archived).toBeGreaterThanOrEqual(12);
    const sql = await t.db.superuser();
    const actions = await sql.query(
      "select customer_id, count(*)::int as n from retention_action where action = 'archive' and customer_id = any($1) group by customer_id",
      [ids],
    );
    expect(actions.rows).toHaveLength(12);
    expect(actions.rows.every((r) => r.n === 1)).toBe(true);
  });
});
