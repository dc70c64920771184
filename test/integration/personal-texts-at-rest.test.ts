// Free texts about a person are stored encrypted like the rest of their data: an order's review note
// (category order_review), a complaint's resolution, a privacy request's outcome and extension reason.
// The note is erased at erasure and archiving and given in the access answer; texts stored in clear
// before migration 15 are moved into the encrypted columns when the platform starts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineContext } from '../../audit/audit-context';
import { CustomerEntity } from '../../src/db/entities/customer.entity';
import { ReviewOutcome } from '../../src/db/entities/order.entity';
import { ComplaintSource, ComplaintStatus } from '../../src/db/entities/privacy.entities';
import { migrate } from '../../src/db/orm';
import { eraseCustomerData } from '../../src/privacy/erasure';
import type { Platform } from '../../src/platform';
import { orderSystemContext } from '../support/order-system';
import { attachPlatform, createTestPlatform, type TestPlatform } from '../support/test-platform';

const ADDRESS = { street: 'Dam 1', postalCode: '1012 JS', city: 'Amsterdam', country: 'NL' };
const NOTE = 'Xavera Quirinius confirmed by phone +31 6 12345678';
const MIGRATION = 'Migration20261210000015_personal_texts_encrypted';

describe('personal texts at rest', () => {
  let t: TestPlatform;
  const opened: Platform[] = [];
  const em = () => t.platform.db.orm.em.fork();
  const officer = offlineContext(null, 'privacy-request:7');
  const reviewer = offlineContext(null, 'fraud-prevention');

  beforeAll(async () => {
    t = await createTestPlatform();
  });
  afterAll(async () => {
    for (const p of opened) await p.close();
    await t?.close();
  });

  /** Every row of every table, as text: what a dump of the database shows. */
  const dump = async (): Promise<string> => {
    const sql = await t.db.superuser();
    try {
      const tables = (
        await sql.query<{ name: string }>(
          `select quote_ident(table_name) as name from information_schema.tables
            where table_schema = 'public' and table_type = 'BASE TABLE'`,
        )
      ).rows.map((r) => r.name);
      let text = '';
      for (const table of tables) {
        const rows = await sql.query<{ row: string }>(`select t::text as row from ${table} t`);
        text += rows.rows.map((r) => r.row).join('\n');
      }
      return text;
    } finally {
      await sql.end();
    }
  };

  const scoredOrder = async (email: string) => {
    const context = await orderSystemContext(t);
    return t.platform.services.orders.score(
      em(),
      {
        idempotencyKey: randomUUID(),
        customer: { name: 'Xavera Quirinius', email, address: ADDRESS },
        ipAddress: '77.160.1.1',
        billingAddress: ADDRESS,
        email,
        phone: '+31 6 12345678',
        items: [{ product: 'hosting', amountCents: 995 }],
        currency: 'EUR',
      },
      { ...context, requestId: randomUUID() },
    );
  };

  it('stores the review note encrypted, audits its writing, and gives it in the access answer', async () => {
    const scored = await scoredOrder('xavera@example.nl');
    const reviewed = await t.platform.services.orderReview.review(
      em(),
      scored.order.id,
      ReviewOutcome.Approved,
      NOTE,
      reviewer,
    );
    expect(reviewed.reviewNote).toBe(NOTE);
    expect((await t.platform.services.orderReview.get(em(), scored.order.id)).reviewNote).toBe(NOTE);

    const sql = await t.db.superuser();
    try {
      const row = (
        await sql.query('select review_note, review_note_enc from customer_order where id = $1', [
          scored.order.id,
        ])
      ).rows[0] as { review_note: string | null; review_note_enc: string };
      expect(row.review_note).toBeNull();
      expect(row.review_note_enc).toMatch(/^v1\./);
      // Written under the order's own associated data: it does not decrypt as another field.
      expect(() =>
        t.platform.keys.cipher.decrypt(row.review_note_enc, `order:${scored.order.id}:orderPhone`),
      ).toThrow();
      const events = await sql.query(
        `select action, categories, fields from audit_inbox where subject_id = $1 and 'orderReviewNote' = any(fields)
         union all select action, categories, fields from audit_event where subject_id = $1 and 'orderReviewNote' = any(fields)`,
        [scored.order.customerId],
      );
      expect(events.rows).toEqual([
        { action: 'update', categories: ['order_review'], fields: ['orderReviewNote'] },
      ]);
    } finally {
      await sql.end();
    }
    const dumped = await dump();
    expect(dumped).not.toContain('Xavera');
    expect(dumped).not.toContain('12345678');

    const customer = await t.platform.services.customers.get(em(), scored.order.customerId);
    const { report, html } = await t.platform.services.privacyReports.accessReport(em(), customer, {
      includeEmployeeNames: false,
    });
    expect(report.orders.map((o) => o.reviewNote)).toEqual([NOTE]);
    expect(report.processing.find((p) => p.category === 'order_review')).toMatchObject({
      legalBasis: expect.stringContaining('legitimate interest'),
      retention: expect.stringContaining('deleted when your data is archived'),
    });
    expect(html).toContain('Xavera Quirinius confirmed by phone');
  });

  it('erases the note with an erasure request and with archiving', async () => {
    for (const depth of ['request', 'archive'] as const) {
      const scored = await scoredOrder(`erase-${depth}@example.nl`);
      await t.platform.services.orderReview.review(
        em(),
        scored.order.id,
        ReviewOutcome.Approved,
        NOTE,
        reviewer,
      );
      let erased: string[];
      if (depth === 'request') {
        const requests = t.platform.services.privacyRequests;
        const request = await requests.create(
          em(),
          {
            customerId: scored.order.customerId,
            kind: 'erasure',
            channel: 'email',
            identityCheck: 'verified',
          },
          officer,
        );
        erased = (await t.platform.services.dataSubjectRights.carryOutErasure(em(), request.id, officer))
          .erased;
      } else {
        erased = await em().transactional(async (tx) => {
          const customer = await tx.findOneOrFail(CustomerEntity, { id: scored.order.customerId });
          return (await eraseCustomerData(tx, customer, 'archive', new Date())).erased;
        });
      }
      expect(erased, depth).toContain('order.reviewNote');
      expect(erased, depth).toContain('order.phone');
      const sql = await t.db.superuser();
      try {
        const row = (
          await sql.query('select review_note, review_note_enc from customer_order where id = $1', [
            scored.order.id,
          ])
        ).rows[0];
        expect(row, depth).toEqual({ review_note: null, review_note_enc: null });
      } finally {
        await sql.end();
      }
    }
  });

  it("stores a complaint's resolution and a request's outcome and extension reason encrypted", async () => {
    const scored = await scoredOrder('letters@example.nl');
    const customerId = scored.order.customerId;
    const requests = t.platform.services.privacyRequests;
    const request = await requests.create(em(), { customerId, kind: 'access', channel: 'email' }, officer);
    await requests.extend(
      em(),
      request.id,
      new Date(request.dueAt.getTime() + 20 * 86_400_000),
      'Quirinius asked for paper copies',
      officer,
    );
    await requests.setIdentityCheck(em(), request.id, 'verified', officer);
    await requests.close(
      em(),
      request.id,
      { status: 'completed', outcome: 'Sent to Quirinius at Dam 1' },
      officer,
    );
    const complaint = await t.platform.services.complaints.create(
      em(),
      { customerId, source: ComplaintSource.Customer, summary: 'Who read my phone number?' },
      officer,
    );
    await t.platform.services.complaints.update(
      em(),
      complaint.id,
      { status: ComplaintStatus.Resolved, resolution: 'Apologised to Quirinius by letter' },
      officer,
    );

    const read = await requests.get(em(), request.id);
    expect(read.outcome).toBe('Sent to Quirinius at Dam 1');
    expect(read.extensionReason).toBe('Quirinius asked for paper copies');
    expect((await t.platform.services.complaints.get(em(), complaint.id)).resolution).toBe(
      'Apologised to Quirinius by letter',
    );
    expect(await dump()).not.toContain('Quirinius');
  });

  it('moves the texts stored in clear before migration 15 into the encrypted columns at start', async () => {
    const scored = await scoredOrder('legacy@example.nl');
    const customerId = scored.order.customerId;
    const request = await t.platform.services.privacyRequests.create(
      em(),
      { customerId, kind: 'access', channel: 'email' },
      officer,
    );
    const complaint = await t.platform.services.complaints.create(
      em(),
      { customerId, source: ComplaintSource.Customer, summary: 'An old complaint' },
      officer,
    );

    await t.platform.db.orm.getMigrator().down({ migrations: [MIGRATION] });
    const sql = await t.db.superuser();
    try {
      // As the version before stored them.
      await sql.query(`update customer_order set review_note = 'Legacy note Ypke' where id = $1`, [
        scored.order.id,
      ]);
      await sql.query(`update complaint set resolution = 'Legacy answer Ypke' where id = $1`, [complaint.id]);
      await sql.query(
        `update privacy_request set outcome = 'Legacy outcome Ypke', extension_reason = 'Legacy reason Ypke' where id = $1`,
        [request.id],
      );
      expect(await migrate(t.platform.db.orm)).toEqual([MIGRATION]);
      expect(await dump()).toContain('Ypke');

      // A start of the platform (the service, a command) moves them before anything runs.
      const started = await attachPlatform(t);
      opened.push(started);
      expect(await dump()).not.toContain('Ypke');
      const plain = await sql.query(
        `select (select count(*) from customer_order where review_note is not null)
              + (select count(*) from complaint where resolution is not null)
              + (select count(*) from privacy_request where outcome is not null or extension_reason is not null) as n`,
      );
      expect(Number(plain.rows[0].n)).toBe(0);
    } finally {
      await sql.end();
    }
    const em2 = () => opened[opened.length - 1]!.db.orm.em.fork();
    const services = opened[opened.length - 1]!.services;
    expect((await services.orderReview.get(em2(), scored.order.id)).reviewNote).toBe('Legacy note Ypke');
    expect((await services.complaints.get(em2(), complaint.id)).resolution).toBe('Legacy answer Ypke');
    const moved = await services.privacyRequests.get(em2(), request.id);
    expect([moved.outcome, moved.extensionReason]).toEqual(['Legacy outcome Ypke', 'Legacy reason Ypke']);
  });
});
