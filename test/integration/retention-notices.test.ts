/**
 * GDPR art. 19 for the retention job, on PostgreSQL: which recipients each step owes a notice (those
 * that received, before the step, a category it erased), recording the notices all or none with their
 * audit event, the report's count, and the erasure staying within what the rule assumes it removes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineContext, type AuditContext } from '../../audit/audit-context';
import { CustomerEntity } from '../../src/db/entities/customer.entity';
import { ConflictError, NotFoundError, ValidationError } from '../../src/errors/errors';
import { erasableFields, eraseCustomerData } from '../../src/privacy/erasure';
import { RetentionNoticeService, type RetentionNoticesOwed } from '../../src/privacy/retention-notices';
import type { ThirdPartyView } from '../../src/privacy/third-parties.service';
import { sessionsWaitingForLocks } from '../support/lock-waits';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';
import {
  expectRejection,
  failingAudit,
  newCustomer,
  officer,
  sealedEvents,
  superuser,
} from './privacy/privacy-fixtures';

const DAY = 86_400_000;
const YEAR = 365 * DAY;
const job = offlineContext(null, 'administrative-obligation');
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('notices the retention job owes the recipients (GDPR art. 19)', () => {
  let t: TestPlatform;
  let notices: RetentionNoticeService;
  let sidn: ThirdPartyView;
  let payments: ThirdPartyView;
  /** Receives only invoice data, which archiving keeps. */
  let accountant: ThirdPartyView;
  const em = () => t.platform.db.orm.em.fork();

  beforeAll(async () => {
    t = await createTestPlatform();
    notices = t.platform.services.retentionNotices;
    const defaults = await t.platform.services.thirdParties.ensureDefaults(em());
    sidn = defaults.find((p) => p.name === 'SIDN')!;
    payments = defaults.find((p) => p.name === 'Payment provider')!;
    accountant = await t.platform.services.thirdParties.register(
      em(),
      {
        name: 'Accountant',
        kind: 'other',
        receives: ['name', 'address'],
        madePublic: [],
        disclosurePolicy: 'Audits the annual accounts; receives the invoice data for that and nothing else.',
      },
      null,
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A customer whose subscription ended `ago` before now, with its data given to `to`. */
  async function endedCustomer(ago: number, to: [ThirdPartyView, string[]][]): Promise<string> {
    const end = new Date(Date.now() - ago);
    const id = await newCustomer(t, { subscriptionStart: new Date(end.getTime() - YEAR) });
    await t.platform.services.customers.endSubscription(em(), id, job, end);
    for (const [party, categories] of to) await disclose(id, party, categories);
    return id;
  }

  async function disclose(customerId: string, party: ThirdPartyView, categories: string[]): Promise<void> {
    await t.platform.services.thirdParties.recordDisclosure(
      em(),
      {
        customerId,
        thirdPartyId: party.id,
        categories,
        purpose: categories.includes('bank_details') ? 'direct-debit' : 'order-fulfilment',
      },
      offlineContext(null, 'order-fulfilment'),
    );
  }

  async function owedFor(customerId: string): Promise<RetentionNoticesOwed[]> {
    const page = await notices.owed(em(), 100);
    return page.edges.map((e) => e.node).filter((n) => n.customerId === customerId);
  }

  const recipientsOf = (owed: RetentionNoticesOwed[]) =>
    owed.map((o) => ({
      action: o.action,
      recipients: o.recipients.map((r) => ({ name: r.thirdParty, categories: r.categories })),
    }));

  async function noticesOwedInReport(at: Date): Promise<Record<string, number>> {
    const report = await t.platform.services.retention.report(em(), at);
    return Object.fromEntries(report.actions.map((a) => [a.action, a.noticesOwed]));
  }

  it('archiving owes the registry, not a recipient of only what it keeps; once told, nothing; the purge owes again', async () => {
    const id = await endedCustomer(YEAR + 3 * DAY, [
      [sidn, ['name', 'email', 'phone']],
      [accountant, ['name', 'address']],
    ]);
    const run = await t.platform.services.retention.run(em());
    expect(run).toEqual({ bankDetailsDropped: 1, archived: 1, purged: 0 });

    // Dropping bank details owes nobody: no recipient received them.
    const owed = await owedFor(id);
    expect(recipientsOf(owed)).toEqual([
      { action: 'archive', recipients: [{ name: 'SIDN', categories: ['email', 'phone'] }] },
    ]);
    expect(owed[0]).toMatchObject({ customerId: id, recipients: [{ thirdPartyId: sidn.id }] });
    expect(await noticesOwedInReport(new Date())).toEqual({ drop_bank_details: 0, archive: 1, purge: 0 });

    const sent = await notices.notify(
      em(),
      owed[0]!.retentionActionId,
      'Your copy of the email address and phone number of the holder is to be deleted: we archived the customer.',
      officer,
    );
    expect(sent).toEqual([
      expect.objectContaining({
        retentionActionId: owed[0]!.retentionActionId,
        thirdPartyId: sidn.id,
        thirdParty: 'SIDN',
        categories: ['email', 'phone'],
      }),
    ]);
    const rows = await (
      await superuser(t)
    ).query(
      'select request_id, retention_action_id, third_party_id from recipient_notification where retention_action_id = $1',
      [owed[0]!.retentionActionId],
    );
    expect(rows.rows).toEqual([
      { request_id: null, retention_action_id: owed[0]!.retentionActionId, third_party_id: sidn.id },
    ]);
    const [event] = await sealedEvents(t, id, 'recipientNotification');
    expect(event).toMatchObject({
      action: 'update',
      categories: ['email', 'phone'],
      purpose: 'privacy-officer',
    });

    expect(await owedFor(id)).toEqual([]);
    expect(await noticesOwedInReport(new Date())).toEqual({ drop_bank_details: 0, archive: 0, purge: 0 });
    const again = await expectRejection(
      notices.notify(em(), owed[0]!.retentionActionId, 'again', officer),
      ConflictError,
    );
    expect(again.message).toMatch(/1 recipient\(s\) were told already/);

    // After the fiscal period the purge erases what archiving kept: both recipients are owed.
    const later = new Date(Date.now() + 8 * YEAR);
    expect((await t.platform.services.retention.run(em(), later)).purged).toBe(1);
    expect(recipientsOf(await owedFor(id))).toEqual([
      {
        action: 'purge',
        recipients: [
          { name: 'Accountant', categories: ['address', 'name'] },
          { name: 'SIDN', categories: ['email', 'name', 'phone'] },
        ],
      },
    ]);
    expect((await noticesOwedInReport(later)).purge).toBe(2);
    const purge = (await owedFor(id))[0]!;
    expect(
      await notices.notify(em(), purge.retentionActionId, 'Deleted: the customer is purged.', officer),
    ).toHaveLength(2);
    expect(await owedFor(id)).toEqual([]);
  });

  it('dropping bank details owes the recipients of bank details, and only for what they had before', async () => {
    const id = await endedCustomer(2 * DAY, [
      [payments, ['name', 'bank_details']],
      [sidn, ['name', 'email']],
    ]);
    const run = await t.platform.services.retention.run(em());
    expect(run).toMatchObject({ bankDetailsDropped: 1, archived: 0 });
    expect(recipientsOf(await owedFor(id))).toEqual([
      {
        action: 'drop_bank_details',
        recipients: [{ name: 'Payment provider', categories: ['bank_details'] }],
      },
    ]);
    // A disclosure after the step could not carry what the step had erased: it owes nothing.
    const other = await endedCustomer(2 * DAY, [[sidn, ['name']]]);
    await t.platform.services.retention.run(em());
    await disclose(other, payments, ['name', 'bank_details']);
    expect(await owedFor(other)).toEqual([]);
  });

  it('refuses an unknown step, bad text and a step that owes nothing, with the error a client can act on', async () => {
    await expectRejection(notices.notify(em(), UNKNOWN, 'told', officer), NotFoundError);
    await expectRejection(notices.notify(em(), 'not-an-id', 'told', officer), NotFoundError);
    const id = await endedCustomer(2 * DAY, [[sidn, ['name']]]);
    await t.platform.services.retention.run(em());
    const sql = await superuser(t);
    const [step] = (
      await sql.query(
        "select id from retention_action where customer_id = $1 and action = 'drop_bank_details'",
        [id],
      )
    ).rows as { id: string }[];
    await expectRejection(notices.notify(em(), step!.id, '   ', officer), ValidationError, 'what');
    await expectRejection(notices.notify(em(), step!.id, 'x'.repeat(501), officer), ValidationError, 'what');
    const none = await expectRejection(notices.notify(em(), step!.id, 'told', officer), ConflictError);
    expect(none.message).toMatch(/no third party received any of what it erased \(bank_details\)/);
  });

  it('records all notices of a step with their audit event or none, and one of two officers at once', async () => {
    const id = await endedCustomer(YEAR + 3 * DAY, [
      [sidn, ['name', 'email']],
      [payments, ['name', 'bank_details']],
    ]);
    await t.platform.services.retention.run(em());
    const [archive] = (await owedFor(id)).filter((o) => o.action === 'archive');
    expect(archive!.recipients.map((r) => r.thirdParty)).toEqual(['Payment provider', 'SIDN']);

    const broken = new RetentionNoticeService(failingAudit());
    await expect(broken.notify(em(), archive!.retentionActionId, 'told', officer)).rejects.toThrow(
      /audit log unavailable/,
    );
    expect((await owedFor(id)).find((o) => o.action === 'archive')?.recipients).toHaveLength(2);

    // The second officer looks while the first one's notices are written but not committed: it finds
    // both recipients owed, and its insert waits on the first's rows until they are in.
    const sql = await superuser(t);
    let second: Promise<unknown> | undefined;
    const first = await em().transactional(async (tx) => {
      const sent = await notices.notify(tx, archive!.retentionActionId, 'told by one', officer);
      second = notices.notify(em(), archive!.retentionActionId, 'told by the other', officer);
      second.catch(() => undefined);
      await sessionsWaitingForLocks(sql, 1);
      return sent;
    });
    expect(first.map((n) => n.thirdParty)).toEqual(['Payment provider', 'SIDN']);
    const refused = await expectRejection(second!, ConflictError);
    expect(refused.message).toMatch(/recorded as told meanwhile/);
    const count = await sql.query(
      'select count(*)::int as n from recipient_notification where retention_action_id = $1',
      [archive!.retentionActionId],
    );
    expect(count.rows[0].n).toBe(2);
  });

  it('pages the owed steps, longest owed first', async () => {
    const all = (await notices.owed(em(), 100)).edges.map((e) => e.node.retentionActionId);
    expect(all.length).toBeGreaterThanOrEqual(2);
    const first = await notices.owed(em(), 1);
    expect(first.hasNextPage).toBe(true);
    const second = await notices.owed(em(), 1, first.edges[0]!.cursor);
    expect([first.edges[0]!.node.retentionActionId, second.edges[0]!.node.retentionActionId]).toEqual(
      all.slice(0, 2),
    );
    expect(second.hasPreviousPage).toBe(true);
    await expectRejection(notices.owed(em(), 101), ValidationError, 'first');
    await expectRejection(notices.owed(em(), 1, 'bogus'), ValidationError, 'after');
  });

  it('erases at archiving exactly the values the rule says archiving erases, and no more at the purge', async () => {
    // A customer holding every value archiving can remove: an order that is no One Stop Shop supply
    // (its IP address goes), with an email, phone and IBAN of its own, and a consent history.
    const orderSystem = await t.platform.services.actors.create(em(), {
      kind: 'service',
      role: 'order_system',
      name: 'orders',
    });
    const context: AuditContext = {
      ...offlineContext(null, 'fraud-prevention'),
      actorId: orderSystem.actor.id,
      actorKind: 'service',
      role: 'order_system',
      requestId: randomUUID(),
    };
    const amsterdam = {
      street: 'Prinsengracht 263',
      postalCode: '1016 GV',
      city: 'Amsterdam',
      country: 'NL',
    };
    const scored = await t.platform.services.orders.score(
      em(),
      {
        idempotencyKey: 'full-customer-1',
        customer: {
          name: 'Eva de Jong',
          email: 'eva.full@example.nl',
          phone: '+31 20 555 0101',
          address: amsterdam,
          iban: 'NL91ABNA0417164300',
          bankName: 'ABN AMRO',
          idCardNumber: 'IXP123456',
          licencePlate: '12-ABC-3',
          username: 'eva-full',
          password: 'a long enough password',
        },
        ipAddress: '77.160.1.1',
        billingAddress: amsterdam,
        email: 'eva.full@example.nl',
        phone: '+31 20 555 0101',
        iban: 'NL91ABNA0417164300',
        items: [{ product: 'hosting', amountCents: 995 }],
        currency: 'EUR',
      },
      context,
    );
    expect(scored.order.entity.vat.treatment).toBe('DOMESTIC');
    const id = scored.order.customerId;
    await t.platform.services.customers.update(em(), id, { mailingOptOut: true }, job);
    await t.platform.services.orderReview.review(em(), scored.order.id, 'APPROVED', 'Eva called back', job);

    const erase = (depth: 'archive' | 'purge') =>
      em().transactional(async (tx) => {
        const customer = await tx.findOneOrFail(CustomerEntity, { id });
        return (await eraseCustomerData(tx, customer, depth, new Date())).erased;
      });
    expect((await erase('archive')).sort()).toEqual(erasableFields('archive').sort());
    const purged = await erase('purge');
    expect(purged.length).toBeGreaterThan(0);
    expect(purged.filter((f) => !erasableFields('purge').includes(f))).toEqual([]);
  });
});
