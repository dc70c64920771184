// Scoring on PostgreSQL: what is stored and audited for a first and a later order, and the velocity and
// identity-reuse counts (including where they stop) as the database answers them.
import { createHash, randomUUID } from 'node:crypto';
import { canonicalEventJson } from '../../audit/canonical-event';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditContext } from '../../audit/audit-context';
import type { OrderScoringService } from '../../src/orders/order-scoring.service';
import type { ScoreOrderRequest } from '../../src/orders/score-order-input';
import { COUNTED_UP_TO } from '../../src/scoring';
import { CustomerEntity } from '../../src/db/entities/customer.entity';
import { MailingConsentChangeEntity } from '../../src/db/entities/mailing-consent-change.entity';
import { OrderEntity } from '../../src/db/entities/order.entity';
import { ErrorCode, ValidationError } from '../../src/errors/errors';
import { rowColumns } from '../../src/orders/order-store';
import { eraseCustomerData } from '../../src/privacy/erasure';
import { LEGACY_PLAINTEXT_COLUMNS } from '../../src/db/legacy-plaintext';
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
    phone: '+31 20 555 0101',
    iban: null,
    items: [{ product: 'hosting', amountCents: 995 }],
    currency: 'EUR',
    ...overrides,
  };
}

describe('OrderScoringService on PostgreSQL', () => {
  let t: TestPlatform;
  let orders: OrderScoringService;
  let actorId: string;
  const context = (requestId: string): AuditContext => ({
    actorId,
    actorKind: 'service',
    role: 'order_system',
    onBehalfOf: null,
    purpose: 'fraud-prevention',
    requestId,
    traceId: null,
    clientIp: null,
    userAgent: null,
  });
  const score = (request: ScoreOrderRequest, requestId: string = randomUUID()) =>
    orders.score(t.platform.db.orm.em.fork(), request, context(requestId));
  const eventsOf = async (requestId: string) => {
    const sql = await t.db.superuser();
    const { rows } = await sql.query<{ action: string; subject_id: string; fields: string[] }>(
      `select action, subject_id, fields from (
         select inbox_id as n, action, subject_id, fields, request_id from audit_inbox
         union all select sequence, action, subject_id, fields, request_id from audit_event) e
       where request_id = $1 order by n`,
      [requestId],
    );
    return rows;
  };

  beforeAll(async () => {
    t = await createTestPlatform();
    orders = t.platform.services.orders;
    const created = await t.platform.services.actors.create(t.platform.db.orm.em.fork(), {
      kind: 'service',
      role: 'order_system',
      name: 'orders',
    });
    actorId = created.actor.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores a first order with its new customer, consent line and IP list, and audits all four events', async () => {
    const a = await score(firstOrder('first', { ipAddress: '77.160.2.1' }), 'req-first');
    expect(a.replayed).toBe(false);
    expect(a.order.entity.firstOrder).toBe(true);
    const customerId = a.order.customerId;
    const customer = await t.platform.services.customers.get(t.platform.db.orm.em.fork(), customerId);
    expect(customer.name).toBe('Klant first');
    expect(customer.ipAddresses).toEqual(['77.160.2.1']);
    const sql = await t.db.superuser();
    const consent = await sql.query(
      'select count(*)::int as n from mailing_consent_change where customer_id = $1',
      [customerId],
    );
    expect(consent.rows[0].n).toBe(1);
    const events = await eventsOf('req-first');
    expect(events.map((e) => e.action)).toEqual(['create', 'create', 'read', 'update']);
    expect(new Set(events.map((e) => e.subject_id))).toEqual(new Set([customerId]));
    expect(events[0]!.fields).toEqual(expect.arrayContaining(['name', 'email', 'address']));
    expect(events[1]!.fields).toEqual(expect.arrayContaining(['orderIpAddress', 'orderEmail']));
  });

  it('scores a later order of an existing customer: not a first order, its IP added to the list, three events', async () => {
    const first = await score(firstOrder('later-1', { ipAddress: '77.160.3.1' }));
    const customerId = first.order.customerId;
    const later = await score(
      { ...firstOrder('later-2', { ipAddress: '77.160.3.2' }), customer: null, customerId },
      'req-later',
    );
    expect(later.order.entity.firstOrder).toBe(false);
    const customer = await t.platform.services.customers.get(t.platform.db.orm.em.fork(), customerId);
    expect(customer.ipAddresses).toEqual(['77.160.3.2', '77.160.3.1']);
    expect((await eventsOf('req-later')).map((e) => e.action)).toEqual(['create', 'read', 'update']);
  });

  it('records the read of the email on file when a later order names none, and only then', async () => {
    const first = await score(firstOrder('mail-1', { ipAddress: '77.160.4.1' }));
    const customerId = first.order.customerId;
    const later = (n: string, email: string | null) => ({
      ...firstOrder(n, { ipAddress: '77.160.4.2' }),
      customer: null,
      customerId,
      email,
    });
    await score(later('mail-2', null), 'req-mail-on-file');
    const read = (await eventsOf('req-mail-on-file')).find((e) => e.action === 'read');
    expect(read?.fields).toEqual(['email', 'ipAddresses']);
    await score(later('mail-3', 'other@example.nl'), 'req-mail-given');
    expect((await eventsOf('req-mail-given')).find((e) => e.action === 'read')?.fields).toEqual([
      'ipAddresses',
    ]);
  });

  it('returns the stored answer for a retried key without storing anything again, recording the read of what it releases', async () => {
    const request = firstOrder('retry', { ipAddress: '77.160.4.1' });
    const first = await score(request);
    const again = await score(request, 'req-retry');
    expect(again.replayed).toBe(true);
    expect(again.order.id).toBe(first.order.id);
    // The GeoIP answer and VAT evidence now come from the stored order: a read of the customer's data.
    expect(await eventsOf('req-retry')).toEqual([
      { action: 'read', subject_id: first.order.customerId, fields: ['orderGeoIp', 'orderVatEvidence'] },
    ]);
    // The same order written differently (key padded, currency in lower case, spaces around the IP
    // address and in the IBAN) is a retry too; a different amount is not.
    const reformatted = await score({
      ...request,
      idempotencyKey: `  ${request.idempotencyKey} `,
      currency: 'eur',
      ipAddress: ' 77.160.4.1 ',
    });
    expect([reformatted.replayed, reformatted.order.id]).toEqual([true, first.order.id]);
    await expect(
      score({ ...request, items: [{ product: 'hosting', amountCents: 996 }] }),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { field: 'idempotencyKey' } });
  });

  it('accepts a retry of an order stored with the hash of the request as sent (before 2026-11-26)', async () => {
    const request = firstOrder('legacy-hash', { ipAddress: '77.160.4.2' });
    const first = await score(request);
    const sql = await t.db.superuser();
    try {
      const plain = JSON.parse(JSON.stringify(request)) as Record<string, unknown>;
      const legacy = createHash('sha256').update(canonicalEventJson(plain)).digest('hex');
      await sql.query('update customer_order set request_hash = $2 where id = $1', [first.order.id, legacy]);
    } finally {
      await sql.end();
    }
    expect((await score(request)).replayed).toBe(true);
  });

  it('counts earlier orders and new customers per IP address up to the limits, this order excluded', async () => {
    const ip = '77.160.5.1';
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await score(firstOrder(`ip-${i}`, { ipAddress: ip })));
    const codes = results.map((r) => r.reasons.map((x) => x.code));
    // Default rules: more than 2 other new customers, more than 3 earlier orders from one IP.
    expect(codes.map((c) => c.includes('VELOCITY_NEW_CUSTOMERS_IP'))).toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);
    expect(codes.map((c) => c.includes('VELOCITY_IP'))).toEqual([false, false, false, false, true]);
    const velocity = results[4]!.reasons.find((r) => r.code === 'VELOCITY_IP')!;
    expect(velocity.evidence).toEqual({ count: 4, max: 3, windowMinutes: 1440 });
  });

  // Regression: new customers were counted per IPv6 address, so accounts opened from one /64 (one
  // subscriber's network, where privacy addresses change daily by themselves) were never counted together.
  it('counts the new customers of an IPv6 address per /64 network, and of an IPv4 address per address', async () => {
    const v6 = [];
    for (let i = 1; i <= 4; i++) {
      v6.push(await score(firstOrder(`v6-net-${i}`, { ipAddress: `2a02:a440:77:1::${i}` })));
    }
    const fired = v6.map((r) => r.reasons.find((x) => x.code === 'VELOCITY_NEW_CUSTOMERS_IP'));
    expect(fired.map((r) => r !== undefined)).toEqual([false, false, false, true]);
    expect(fired[3]!.evidence).toMatchObject({ count: 3, max: 2, prefixLength: 64 });
    expect(fired[3]!.message).toContain("from this IP address's /64 network");
    // Another /64 of the same provider is another subscriber.
    const other = await score(firstOrder('v6-net-other', { ipAddress: '2a02:a440:77:2::1' }));
    expect(other.reasons.map((r) => r.code)).not.toContain('VELOCITY_NEW_CUSTOMERS_IP');
    // An IPv4 /24 is shared by many (carrier NAT, offices): still per address.
    for (let i = 1; i <= 3; i++) await score(firstOrder(`v4-net-${i}`, { ipAddress: `77.160.77.${i}` }));
    const v4 = await score(firstOrder('v4-net-4', { ipAddress: '77.160.77.4' }));
    expect(v4.reasons.map((r) => r.code)).not.toContain('VELOCITY_NEW_CUSTOMERS_IP');
  });

  // Regression: a returning customer's own first order counted among the "other new customers".
  it('does not count the ordering customer among the other new customers from its IP address', async () => {
    const ip = '77.160.5.2';
    const a = await score(firstOrder('returning-a', { ipAddress: ip }));
    await score(firstOrder('returning-b', { ipAddress: ip }));
    await score(firstOrder('returning-c', { ipAddress: ip }));
    const again = await score({
      ...firstOrder('returning-a-2', { ipAddress: ip }),
      customer: null,
      customerId: a.order.customerId,
    });
    expect(again.reasons.map((r) => r.code)).not.toContain('VELOCITY_NEW_CUSTOMERS_IP');
    // A fourth new customer has three others before it, one more than allowed.
    const d = await score(firstOrder('returning-d', { ipAddress: ip }));
    expect(d.reasons.find((r) => r.code === 'VELOCITY_NEW_CUSTOMERS_IP')?.evidence).toMatchObject({
      count: 3,
      max: 2,
    });
  });

  // Regression: a plus-tag per order (name+1@gmail.com, name+2@gmail.com, ...) dodged VELOCITY_EMAIL.
  it('counts orders per mailbox: plus-tags, Gmail dots and googlemail.com are one address', async () => {
    const emails = [
      'mailbox+1@gmail.com',
      'mailbox+2@gmail.com',
      'Mail.Box+3@gmail.com',
      'mailbox+4@googlemail.com',
      'm.a.i.l.b.o.x@gmail.com',
    ];
    const results = [];
    for (const [i, email] of emails.entries()) {
      results.push(await score(firstOrder(`mailbox-${i}`, { ipAddress: `77.163.${i}.1`, email })));
    }
    // Default rules: more than 3 earlier orders with the same address.
    expect(results.map((r) => r.reasons.some((x) => x.code === 'VELOCITY_EMAIL'))).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);
    expect(results[4]!.reasons.find((x) => x.code === 'VELOCITY_EMAIL')?.evidence).toMatchObject({
      count: 4,
    });
    // The address is stored as given.
    expect(results[2]!.order.email).toBe('Mail.Box+3@gmail.com');
    // Another mailbox at the same service is not counted.
    const other = await score(
      firstOrder('mailbox-other', { ipAddress: '77.163.9.1', email: 'mailbox2@gmail.com' }),
    );
    expect(other.reasons.map((x) => x.code)).not.toContain('VELOCITY_EMAIL');
  });

  it('still counts orders from before the mailbox index on their exact address', async () => {
    const email = 'legacy+shop@example.nl';
    const earlier = [];
    for (let i = 0; i < 4; i++) {
      earlier.push(await score(firstOrder(`legacy-${i}`, { ipAddress: `77.164.${i}.1`, email })));
    }
    // As migration 11 left the orders stored before it.
    const sql = await t.db.superuser();
    await sql.query('update customer_order set email_mailbox_bidx = null where id = any($1)', [
      earlier.map((a) => a.order.id),
    ]);
    const same = await score(firstOrder('legacy-same', { ipAddress: '77.164.8.1', email }));
    expect(same.reasons.find((x) => x.code === 'VELOCITY_EMAIL')?.evidence).toMatchObject({ count: 4 });
    // Only new orders are known by their mailbox: the old ones, by their exact address, are not tagged variants.
    const untagged = await score(
      firstOrder('legacy-untagged', { ipAddress: '77.164.9.1', email: 'legacy@example.nl' }),
    );
    expect(untagged.reasons.map((x) => x.code)).not.toContain('VELOCITY_EMAIL');
  });

  it('leaves no email index behind on erasure, also of an order counted under the email on file', async () => {
    const first = await score(firstOrder('erase-1', { ipAddress: '77.165.0.1' }));
    const customerId = first.order.customerId;
    const later = await score({
      ...firstOrder('erase-2', { ipAddress: '77.165.0.2' }),
      customer: null,
      customerId,
      email: null,
    });
    const sql = await t.db.superuser();
    const columns = async () =>
      (
        await sql.query(
          'select email_enc, email_bidx, email_mailbox_bidx from customer_order where id = $1',
          [later.order.id],
        )
      ).rows[0];
    expect(await columns()).toMatchObject({
      email_enc: null,
      email_bidx: expect.any(String),
      email_mailbox_bidx: expect.any(String),
    });
    await t.platform.db.orm.em.fork().transactional(async (tx) => {
      const customer = await tx.findOneOrFail(CustomerEntity, { id: customerId });
      await eraseCustomerData(tx, customer, 'request', new Date());
    });
    expect(await columns()).toEqual({ email_enc: null, email_bidx: null, email_mailbox_bidx: null });
  });

  it('refuses a later order of a restricted, erased or archived customer, storing and auditing nothing', async () => {
    const sql = await t.db.superuser();
    const later = async (tag: string, prepare: (customerId: string) => Promise<unknown>) => {
      const first = await score(firstOrder(`${tag}-1`, { ipAddress: '77.166.0.1' }));
      const customerId = first.order.customerId;
      await prepare(customerId);
      const requestId = `req-${tag}-2`;
      const refused = score(
        { ...firstOrder(`${tag}-2`, { ipAddress: '77.166.0.2' }), customer: null, customerId },
        requestId,
      );
      await expect(refused).rejects.toThrow(customerId);
      const stored = await sql.query(`select 1 from customer_order where idempotency_key = $1`, [
        `key-${tag}-2`,
      ]);
      expect(stored.rows).toEqual([]);
      expect(await eventsOf(requestId)).toEqual([]);
      const ips = await sql.query<{ ip_addresses_enc: string | null }>(
        'select ip_addresses_enc from customer where id = $1',
        [customerId],
      );
      return { refused, ips: ips.rows[0]?.ip_addresses_enc ?? null };
    };

    const restricted = await later('restricted', (id) =>
      sql.query('update customer set restricted = true where id = $1', [id]),
    );
    await expect(restricted.refused).rejects.toMatchObject({
      code: ErrorCode.Forbidden,
      details: { reason: 'RESTRICTED' },
    });
    // Nor does a retry of the first order release its stored answer (GeoIP, VAT evidence).
    const retry = score(firstOrder('restricted-1', { ipAddress: '77.166.0.1' }), 'req-restricted-retry');
    await expect(retry).rejects.toMatchObject({
      code: ErrorCode.Forbidden,
      details: { reason: 'RESTRICTED' },
    });
    expect(await eventsOf('req-restricted-retry')).toEqual([]);

    const eraseWith = (depth: 'request' | 'archive') => (id: string) =>
      t.platform.db.orm.em.fork().transactional(async (tx) => {
        const customer = await tx.findOneOrFail(CustomerEntity, { id });
        await eraseCustomerData(tx, customer, depth, new Date());
      });
    const erased = await later('erased', eraseWith('request'));
    await expect(erased.refused).rejects.toMatchObject({
      code: ErrorCode.Conflict,
      details: { field: 'customerId', reason: 'ERASED' },
    });
    // The IP addresses the erasure removed are not put back.
    expect(erased.ips).toBeNull();
    const archived = await later('archived', eraseWith('archive'));
    await expect(archived.refused).rejects.toMatchObject({
      code: ErrorCode.Conflict,
      details: { reason: 'ARCHIVED' },
    });
  });

  // Regression: a customer erased or restricted while its order was being scored (between the
  // customer's load and the order's write, a VIES check long) got its erased IP list written back, and
  // the order with its IP address, GeoIP answer and email stored.
  it('stores nothing for a customer erased or restricted while its order was scored', async () => {
    const sql = await t.db.superuser();
    const duringScoring = async (
      tag: string,
      change: (tx: EntityManager, id: string) => Promise<unknown>,
    ) => {
      const first = await score(firstOrder(`${tag}-1`, { ipAddress: '77.167.0.1' }));
      const customerId = first.order.customerId;
      const requestId = `req-${tag}-2`;
      let scoring: Promise<unknown> | undefined;
      // The change is made but not committed when the order is scored: scoring loads the customer as it
      // was, and its write comes after the change is committed.
      await t.platform.db.orm.em.fork().transactional(async (tx) => {
        await change(tx, customerId);
        await tx.flush();
        scoring = score(
          { ...firstOrder(`${tag}-2`, { ipAddress: '77.167.0.2' }), customer: null, customerId },
          requestId,
        );
        scoring.catch(() => undefined);
        await sessionsWaitingForLocks(sql, 1);
      });
      await Promise.allSettled([scoring]);
      const stored = await sql.query('select 1 from customer_order where idempotency_key = $1', [
        `key-${tag}-2`,
      ]);
      expect(stored.rows).toEqual([]);
      expect(await eventsOf(requestId)).toEqual([]);
      const customer = await sql.query<{ ip_addresses_enc: string | null }>(
        'select ip_addresses_enc from customer where id = $1',
        [customerId],
      );
      return { scoring: scoring!, ips: customer.rows[0]!.ip_addresses_enc };
    };

    const erased = await duringScoring('erased-meanwhile', async (tx, id) =>
      eraseCustomerData(tx, await tx.findOneOrFail(CustomerEntity, { id }), 'request', new Date()),
    );
    await expect(erased.scoring).rejects.toMatchObject({
      code: ErrorCode.Conflict,
      details: { field: 'customerId', reason: 'ERASED' },
    });
    expect(erased.ips).toBeNull();
    const restricted = await duringScoring('restricted-meanwhile', async (tx, id) => {
      (await tx.findOneOrFail(CustomerEntity, { id })).restricted = true;
    });
    await expect(restricted.scoring).rejects.toMatchObject({
      code: ErrorCode.Forbidden,
      details: { reason: 'RESTRICTED' },
    });
  });

  it('counts other names on an IBAN from customers on file and from orders, each customer once', async () => {
    const iban = 'NL02ABNA0123456789';
    const em = t.platform.db.orm.em.fork();
    await t.platform.services.customers.create(
      em,
      { name: 'Op File', email: 'on-file@example.nl', address: ADDRESS, iban },
      context('on-file'),
    );
    const one = await score(firstOrder('iban-1', { ipAddress: '77.160.6.1', iban }));
    expect(one.reasons.map((r) => r.code)).not.toContain('IBAN_REUSED_OTHER_NAME');
    // The same customer paying again is not another name.
    const customerId = one.order.customerId;
    const again = await score({
      ...firstOrder('iban-1b', { ipAddress: '77.160.6.2', iban }),
      customer: null,
      customerId,
    });
    expect(again.reasons.map((r) => r.code)).not.toContain('IBAN_REUSED_OTHER_NAME');
    const two = await score(firstOrder('iban-2', { ipAddress: '77.160.6.3', iban }));
    const reuse = two.reasons.find((r) => r.code === 'IBAN_REUSED_OTHER_NAME');
    expect(reuse?.evidence).toEqual({ otherNames: 2, maxOtherNames: 1 });
  });

  // Regression: the count was of other customer accounts, so three "Jan Smit"s sharing an IBAN fired.
  it('counts other names on an IBAN, not other accounts: one name however written is one', async () => {
    const iban = 'NL44RABO0123456789';
    const em = t.platform.db.orm.em.fork();
    await t.platform.services.customers.create(
      em,
      { name: 'Jan Smit', email: 'jan.smit@example.nl', address: ADDRESS, iban },
      context('jan-on-file'),
    );
    let ip = 0;
    const named = (n: string, name: string) =>
      firstOrder(n, {
        ipAddress: `77.166.${ip++}.1`,
        iban,
        customer: { name, email: `${n}@example.nl`, address: ADDRESS },
      });
    const codes = (a: { reasons: { code: string }[] }) => a.reasons.map((r) => r.code);
    expect(codes(await score(named('smit-b', 'JAN SMIT')))).not.toContain('IBAN_REUSED_OTHER_NAME');
    const c = await score(named('smit-c', 'Smit, Jàn'));
    expect(codes(c)).not.toContain('IBAN_REUSED_OTHER_NAME');
    // One other name is allowed (a partner paying); a second is not.
    expect(codes(await score(named('smit-d', 'Piet Jansen')))).not.toContain('IBAN_REUSED_OTHER_NAME');
    const e = await score(named('smit-e', 'Klaas Vaak'));
    expect(e.reasons.find((r) => r.code === 'IBAN_REUSED_OTHER_NAME')?.evidence).toEqual({
      otherNames: 2,
      maxOtherNames: 1,
    });
    // A Jan Smit paying again sees the two other names, not the four other accounts.
    const again = await score({
      ...firstOrder('smit-c-2', { ipAddress: '77.166.9.2', iban }),
      customer: null,
      customerId: c.order.customerId,
    });
    expect(again.reasons.find((r) => r.code === 'IBAN_REUSED_OTHER_NAME')?.evidence).toEqual({
      otherNames: 2,
      maxOtherNames: 1,
    });
  });

  it('counts other names on an ID card, not other accounts', async () => {
    const idCardNumber = 'IX7654321';
    const em = t.platform.db.orm.em.fork();
    for (const [i, name] of ['Jan Smit', 'jan  smit'].entries()) {
      await t.platform.services.customers.create(
        em.fork(),
        { name, email: `id-card-${i}@example.nl`, address: ADDRESS, idCardNumber },
        context(`id-card-${i}`),
      );
    }
    let ip = 0;
    const named = (n: string, name: string) =>
      firstOrder(n, {
        ipAddress: `77.167.${ip++}.1`,
        customer: { name, email: `${n}@example.nl`, address: ADDRESS, idCardNumber },
      });
    const same = await score(named('id-same', 'Jan Smit'));
    expect(same.reasons.map((r) => r.code)).not.toContain('ID_CARD_REUSED_OTHER_NAME');
    const other = await score(named('id-other', 'Piet Jansen'));
    expect(other.reasons.find((r) => r.code === 'ID_CARD_REUSED_OTHER_NAME')?.evidence).toEqual({
      otherNames: 1,
      maxOtherNames: 0,
    });
  });

  it(`stops counting at ${COUNTED_UP_TO} and says the count is a lower bound`, async () => {
    const iban = 'NL20INGB0001234567';
    for (let i = 0; i <= COUNTED_UP_TO; i++) {
      await score(firstOrder(`many-${i}`, { ipAddress: `77.161.${i}.1`, iban }));
    }
    const last = await score(firstOrder('many-last', { ipAddress: '77.162.0.1', iban }));
    const reuse = last.reasons.find((r) => r.code === 'IBAN_REUSED_OTHER_NAME')!;
    expect(reuse.evidence).toEqual({ otherNames: COUNTED_UP_TO, maxOtherNames: 1, countIsLowerBound: true });
    expect(reuse.message).toContain(`${COUNTED_UP_TO} or more other names`);
    const velocity = last.reasons.find((r) => r.code === 'VELOCITY_IBAN')!;
    expect(velocity.evidence).toMatchObject({ count: COUNTED_UP_TO, countIsLowerBound: true });
    expect(velocity.message).toContain(`${COUNTED_UP_TO} or more earlier orders`);
  });

  it('stores the order and the customer as the entities say, read back through the ORM and decrypted', async () => {
    const request = firstOrder('read-back', {
      ipAddress: '77.160.7.1',
      iban: 'NL91ABNA0417164300',
      vatNumber: 'NL000099998B57',
      customer: {
        name: 'Read Back BV',
        email: 'read-back@example.nl',
        address: ADDRESS,
        companyName: 'Read Back BV',
        username: 'read-back',
      },
    });
    const a = await score(request);
    const written = a.order.entity;
    const em = t.platform.db.orm.em.fork();
    const stored = await em.findOneOrFail(OrderEntity, { id: written.id });
    // Own string-keyed properties: class field declarations also leave MikroORM's symbol keys behind.
    const fields = (entity: object) => Object.fromEntries(Object.entries(entity));
    const { actor, customer, ...scalars } = written;
    expect({ ...fields(stored), actor: stored.actor.id, customer: stored.customer.id }).toEqual({
      ...fields(scalars),
      actor: actor.id,
      customer: customer.id,
    });
    const view = t.platform.services.orders.view(stored);
    expect(view.ipAddress).toBe('77.160.7.1');
    expect(view.geoIp).toEqual(a.ip);
    expect(view.billingAddress).toEqual(ADDRESS);
    expect(view.email).toBe('klant-read-back@example.nl');
    expect(view.phone).toBe('+31205550101');
    expect(view.iban).toBe('NL91ABNA0417164300');
    expect(view.vatNumber).toBe('NL000099998B57');
    expect(stored.vat).toEqual(JSON.parse(JSON.stringify(a.vat)));

    const storedCustomer = await em.findOneOrFail(CustomerEntity, { id: customer.id });
    expect(fields(storedCustomer)).toEqual(fields(customer));
    const customerView = t.platform.services.customers.view(storedCustomer);
    expect(customerView.name).toBe('Read Back BV');
    expect(customerView.companyName).toBe('Read Back BV');
    expect(customerView.username).toBe('read-back');
    expect(customerView.ipAddresses).toEqual(['77.160.7.1']);
    const [consent] = await em.find(MailingConsentChangeEntity, { customer: customer.id });
    expect(consent).toMatchObject({ optedOut: false, actorId, source: 'fraud-prevention' });

    // A later order of the same customer updates its IP list (and updatedAt) with the order.
    const later = await score({
      ...firstOrder('read-back-2', { ipAddress: '77.160.7.2' }),
      customer: null,
      customerId: customer.id,
    });
    const reloaded = await t.platform.db.orm.em.fork().findOneOrFail(CustomerEntity, { id: customer.id });
    expect(t.platform.services.customers.view(reloaded).ipAddresses).toEqual(['77.160.7.2', '77.160.7.1']);
    expect(reloaded.updatedAt.getTime()).toBeGreaterThan(storedCustomer.updatedAt.getTime());
    expect(later.order.entity.firstOrder).toBe(false);
  });

  it('writes every column of the tables it inserts into', async () => {
    const sql = await t.db.superuser();
    const em = t.platform.db.orm.em.fork();
    for (const [table, entity] of [
      ['customer', CustomerEntity],
      ['mailing_consent_change', MailingConsentChangeEntity],
      ['customer_order', OrderEntity],
    ] as const) {
      const { rows } = await sql.query<{ column_name: string }>(
        `select column_name from information_schema.columns where table_name = $1 and table_schema = 'public'`,
        [table],
      );
      const written = rowColumns(em.getMetadata(entity)).map(([column]) => column);
      // The plain columns of before migration 15 are only emptied at start (src/db/legacy-plaintext.ts).
      const legacy = LEGACY_PLAINTEXT_COLUMNS.filter((c) => c.table === table).map((c) => c.plain);
      expect(new Set(written)).toEqual(
        new Set(rows.map((r) => r.column_name).filter((c) => !legacy.includes(c))),
      );
    }
  });

  it('refuses a new customer with a login name another customer has, storing nothing', async () => {
    const customer = { name: 'Login', email: 'login@example.nl', address: ADDRESS, username: 'taken-name' };
    await score(firstOrder('login-1', { ipAddress: '77.160.8.1', customer }));
    const refused = score(
      firstOrder('login-2', { ipAddress: '77.160.8.2', customer: { ...customer, name: 'Other' } }),
    );
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ code: ErrorCode.BadUserInput, field: 'username' });
    const sql = await t.db.superuser();
    const { rows } = await sql.query(`select 1 from customer_order where idempotency_key = 'key-login-2'`);
    expect(rows).toEqual([]);
  });

  it('answers racing retries of one key with one stored order', async () => {
    const request = firstOrder('race', { ipAddress: '77.160.9.1' });
    const requestIds = ['race-a', 'race-b', 'race-c'];
    const answers = await Promise.all(requestIds.map((id) => score(request, id)));
    expect(new Set(answers.map((a) => a.order.id)).size).toBe(1);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    // Only the winner's change events were stored: a loser's went down with its order statement, and
    // it recorded the read of the stored answer it returned instead.
    const events = await Promise.all(requestIds.map((id) => eventsOf(id)));
    expect(events.map((e) => e.map((x) => x.action).join(',')).sort()).toEqual([
      'create,create,read,update',
      'read',
      'read',
    ]);
    const sql = await t.db.superuser();
    const { rows } = await sql.query<{ n: number }>(
      `select count(*)::int as n from customer_order where idempotency_key = 'key-race'`,
    );
    expect(rows[0]!.n).toBe(1);
  });
});
