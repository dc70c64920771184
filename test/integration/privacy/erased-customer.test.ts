/**
 * What an erasure kept (invoice data, orders) is kept for the tax obligation alone, as the erasure's
 * answer says: every reader sees it only with purpose administrative-obligation, as an archived
 * customer (or as the privacy officer answering a request), and nothing of an erased, archived or
 * restricted customer goes to a third party any more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePurpose } from '../../../src/auth/purpose';
import type { Actor } from '../../../src/auth/actor';
import { ConflictError, ForbiddenError } from '../../../src/errors/errors';
import type { ReadAccess } from '../../../src/privacy/row-access';
import type { ThirdPartyView } from '../../../src/privacy/third-parties.service';
import { orderSystemContext } from '../../support/order-system';
import { sessionsWaitingForLocks } from '../../support/lock-waits';
import { createTestPlatform, type TestPlatform } from '../../support/test-platform';
import { countRows, expectRejection, newCustomer, officer, superuser } from './privacy-fixtures';

describe('an erased customer on PostgreSQL', () => {
  let t: TestPlatform;
  let sidn: ThirdPartyView;
  const em = () => t.platform.db.orm.em.fork();
  const actors: Record<string, Actor> = {};
  const access = (role: string, purpose: string): ReadAccess => ({
    actor: actors[role]!,
    purpose: parsePurpose(purpose),
  });

  beforeAll(async () => {
    t = await createTestPlatform();
    for (const [kind, role] of [
      ['employee', 'support'],
      ['employee', 'admin'],
      ['employee', 'privacy_officer'],
      ['third_party', 'registry'],
    ] as const) {
      actors[role] = (await t.platform.services.actors.create(em(), { kind, role, name: role })).actor;
    }
    sidn = (await t.platform.services.thirdParties.ensureDefaults(em())).find((p) => p.name === 'SIDN')!;
    await t.platform.services.thirdParties.linkActor(em(), sidn.id, actors.registry!.id, null);
  });
  afterAll(async () => {
    await t?.close();
  });

  const disclose = (customerId: string) =>
    t.platform.services.thirdParties.recordDisclosure(
      em(),
      { customerId, thirdPartyId: sidn.id, categories: ['name', 'address'], purpose: 'domain-registration' },
      officer,
    );

  it('is read only for administrative obligations, by every reader, in lists and in orders too', async () => {
    const address = { street: 'Oudegracht 1', postalCode: '3511 AA', city: 'Utrecht', country: 'NL' };
    const scored = await t.platform.services.orders.score(
      em(),
      {
        idempotencyKey: 'erased-customer-1',
        customer: { name: 'Lotte Visser', email: 'lotte.erased@example.nl', address },
        ipAddress: '77.160.1.1',
        billingAddress: address,
        email: 'lotte.erased@example.nl',
        items: [{ product: 'hosting', amountCents: 995 }],
        currency: 'EUR',
      },
      await orderSystemContext(t),
    );
    const customerId = scored.order.customerId;
    const orderId = scored.order.id;
    // Disclosed to SIDN, with no end, before the erasure.
    await disclose(customerId);
    const support = access('support', 'support-ticket:9');
    const registry = access('registry', 'domain-registration');
    expect((await t.platform.services.customers.get(em(), customerId, support)).name).toBe('Lotte Visser');
    expect((await t.platform.services.customers.get(em(), customerId, registry)).name).toBe('Lotte Visser');

    const request = await t.platform.services.privacyRequests.create(
      em(),
      { customerId, kind: 'erasure', channel: 'email', identityCheck: 'verified' },
      officer,
    );
    const erased = await t.platform.services.dataSubjectRights.carryOutErasure(em(), request.id, officer);
    expect(erased.kept.find((k) => k.category === 'invoice data')?.fields).toContain('customer.name');

    for (const reader of [support, registry, access('admin', 'account-management')]) {
      const refused = await expectRejection(
        t.platform.services.customers.get(em(), customerId, reader),
        ForbiddenError,
      );
      expect(refused.details).toMatchObject({ reason: 'ERASED', customerId });
      expect(refused.message).toMatch(/only for the tax obligation.*administrative-obligation/);
    }
    const listed = async (reader: ReadAccess, filter: Record<string, unknown> = {}) =>
      (await t.platform.services.customers.list(em(), filter, 100, null, reader)).edges.map((e) => e.node.id);
    expect(await listed(support)).not.toContain(customerId);
    expect(await listed(support, { status: 'erased' })).toEqual([]);
    const orders = async (reader: ReadAccess, filter: Record<string, unknown> = {}) =>
      (await t.platform.services.orderReview.list(em(), filter, 100, null, reader)).edges.map(
        (e) => e.node.id,
      );
    expect(await orders(support)).not.toContain(orderId);
    expect(await orders(support, { customerId })).toEqual([]);

    // For administrative obligations, and for the privacy officer answering a request, it is there.
    const administrative = access('admin', 'administrative-obligation');
    expect((await t.platform.services.customers.get(em(), customerId, administrative)).name).toBe(
      'Lotte Visser',
    );
    expect(await listed(administrative, { status: 'erased' })).toContain(customerId);
    expect(await orders(administrative, { customerId })).toEqual([orderId]);
    const officerReads = access('privacy_officer', 'privacy-request:1');
    expect((await t.platform.services.customers.get(em(), customerId, officerReads)).name).toBe(
      'Lotte Visser',
    );
  });

  it('is not disclosed to a third party, nor is an archived or a restricted customer; nothing is stored', async () => {
    const erasedId = await newCustomer(t);
    const erasure = await t.platform.services.privacyRequests.create(
      em(),
      { customerId: erasedId, kind: 'erasure', channel: 'email', identityCheck: 'verified' },
      officer,
    );
    await t.platform.services.dataSubjectRights.carryOutErasure(em(), erasure.id, officer);

    const archivedId = await newCustomer(t);
    const sql = await superuser(t);
    await sql.query("update customer set status = 'archived', archived_at = now() where id = $1", [
      archivedId,
    ]);

    const restrictedId = await newCustomer(t);
    const restriction = await t.platform.services.privacyRequests.create(
      em(),
      { customerId: restrictedId, kind: 'restriction', channel: 'email', identityCheck: 'verified' },
      officer,
    );
    await t.platform.services.dataSubjectRights.carryOutRestriction(em(), restriction.id, officer);

    const before = await countRows(t, 'disclosure');
    for (const [customerId, reason, why] of [
      [erasedId, 'ERASED', /erased.*only for the tax obligation.*may not be disclosed/],
      [archivedId, 'ARCHIVED', /archived.*only for administrative obligations.*may not be disclosed/],
      [restrictedId, 'RESTRICTED', /restricted \(GDPR art\. 18\).*only storage|nothing but storage/],
    ] as const) {
      const refused = await expectRejection(disclose(customerId), ConflictError);
      expect(refused.details).toMatchObject({ reason, customerId });
      expect(refused.message).toMatch(why);
    }
    expect(await countRows(t, 'disclosure')).toBe(before);

    // Once the restriction is lifted, the data may go out again for an order.
    await t.platform.services.dataSubjectRights.liftRestriction(em(), restrictedId, officer);
    expect((await disclose(restrictedId)).customerId).toBe(restrictedId);
  });
  it('is not restricted: the data was erased, what is kept is already only for the tax obligation', async () => {
    const customerId = await newCustomer(t);
    const { privacyRequests, dataSubjectRights } = t.platform.services;
    const erasure = await privacyRequests.create(
      em(),
      { customerId, kind: 'erasure', channel: 'email', identityCheck: 'verified' },
      officer,
    );
    await dataSubjectRights.carryOutErasure(em(), erasure.id, officer);
    const restriction = await privacyRequests.create(
      em(),
      { customerId, kind: 'restriction', channel: 'email', identityCheck: 'verified' },
      officer,
    );
    const refused = await expectRejection(
      dataSubjectRights.carryOutRestriction(em(), restriction.id, officer),
      ConflictError,
    );
    expect(refused.message).toMatch(/was erased.*only for the tax obligation.*REJECTED/);
    expect((await privacyRequests.get(em(), restriction.id)).status).toBe('open');
    const sql = await superuser(t);
    const row = await sql.query<{ restricted: boolean }>('select restricted from customer where id = $1', [
      customerId,
    ]);
    expect(row.rows[0]?.restricted).toBe(false);
    expect(await privacyRequests.recipientNotifications(em(), restriction.id)).toEqual([]);
    const rejected = await privacyRequests.close(
      em(),
      restriction.id,
      { status: 'rejected', outcome: 'Your data was erased; what is kept serves only the tax obligation.' },
      officer,
    );
    expect(rejected.status).toBe('rejected');
  });
  it('is not left erased and restricted when an erasure and a restriction are carried out at once', async () => {
    const customerId = await newCustomer(t);
    const { privacyRequests, dataSubjectRights } = t.platform.services;
    const request = (kind: 'erasure' | 'restriction') =>
      privacyRequests.create(
        em(),
        { customerId, kind, channel: 'email', identityCheck: 'verified' },
        officer,
      );
    const erasure = await request('erasure');
    const restriction = await request('restriction');
    // Hold the customer's row; the erasure queues for it first, then the restriction.
    const holder = await t.db.superuser();
    await holder.query('begin');
    await holder.query('select 1 from customer where id = $1 for update', [customerId]);
    const watcher = await superuser(t);
    const settle = (work: Promise<unknown>) =>
      work.then(
        () => 'done',
        (error: unknown) => (error instanceof ConflictError ? 'refused' : Promise.reject(error)),
      );
    const erased = settle(dataSubjectRights.carryOutErasure(em(), erasure.id, officer));
    await sessionsWaitingForLocks(watcher, 1);
    const restricted = settle(dataSubjectRights.carryOutRestriction(em(), restriction.id, officer));
    await sessionsWaitingForLocks(watcher, 2);
    await holder.query('commit');
    expect([await erased, await restricted]).toEqual(['done', 'refused']);
    const row = await watcher.query<{ status: string; restricted: boolean }>(
      'select status, restricted from customer where id = $1',
      [customerId],
    );
    expect(row.rows[0]).toEqual({ status: 'erased', restricted: false });
    await holder.end();
  });
});
