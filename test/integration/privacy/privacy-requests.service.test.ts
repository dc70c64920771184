import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../src/errors/errors';
import { latestExtension } from '../../../src/privacy/deadlines';
import { PrivacyRequestService } from '../../../src/privacy/privacy-requests.service';
import { ThirdPartyService, type ThirdPartyView } from '../../../src/privacy/third-parties.service';
import { sessionsWaitingForLocks } from '../../support/lock-waits';
import { createTestPlatform, type TestPlatform } from '../../support/test-platform';
import {
  countRows,
  expectRejection,
  failingAudit,
  newCustomer,
  officer,
  sealedEvents,
  superuser,
} from './privacy-fixtures';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const at = (iso: string) => new Date(iso);

describe('PrivacyRequestService on PostgreSQL', () => {
  let t: TestPlatform;
  let requests: PrivacyRequestService;
  let thirdParties: ThirdPartyService;
  let sidn: ThirdPartyView;
  let payments: ThirdPartyView;
  const em = () => t.platform.db.orm.em.fork();

  beforeAll(async () => {
    t = await createTestPlatform();
    requests = new PrivacyRequestService(t.platform.keys.cipher, t.platform.services.audit);
    thirdParties = new ThirdPartyService(t.platform.services.audit);
    const defaults = await thirdParties.ensureDefaults(em());
    sidn = defaults.find((p) => p.name === 'SIDN') as ThirdPartyView;
    payments = defaults.find((p) => p.kind === 'payment_provider') as ThirdPartyView;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('registers a request with its statutory deadline, audited as a creation of the person’s correspondence', async () => {
    const customerId = await newCustomer(t);
    const request = await requests.create(
      em(),
      { customerId, kind: 'access', channel: 'email', receivedAt: at('2025-01-31T09:15:00Z') },
      officer,
    );
    expect(request).toMatchObject({
      customerId,
      dataSubjectId: customerId,
      kind: 'access',
      channel: 'email',
      identityCheck: 'pending',
      status: 'open',
      extendedUntil: null,
      outcome: null,
      closedAt: null,
    });
    expect(request.dueAt.toISOString()).toBe('2025-02-28T23:59:59.999Z');
    expect(request.latestExtension.toISOString()).toBe('2025-04-30T23:59:59.999Z');

    const stored = await requests.get(em(), request.id);
    expect(stored.dueAt.toISOString()).toBe('2025-02-28T23:59:59.999Z');
    expect(stored.receivedAt.toISOString()).toBe('2025-01-31T09:15:00.000Z');

    const events = await sealedEvents(t, customerId, 'privacyRequest');
    expect(events).toHaveLength(1);
    // A creation of the person's correspondence, so a category filter on the log finds it.
    expect(events[0]).toMatchObject({
      action: 'create',
      categories: ['correspondence'],
      fields: ['privacyRequest'],
    });

    await requests.setIdentityCheck(em(), request.id, 'verified', officer);
    const changed = await sealedEvents(t, customerId, 'privacyRequest');
    expect(changed).toHaveLength(2);
    expect(changed[1]).toMatchObject({
      action: 'update',
      categories: ['correspondence'],
      fields: ['privacyRequest'],
    });
  });

  it('refuses bad input naming the field, unknown customers and ids, and stores nothing', async () => {
    const customerId = await newCustomer(t);
    const before = await countRows(t, 'privacy_request');
    const ok = { customerId, kind: 'erasure' as const, channel: 'letter' as const };
    await expectRejection(
      requests.create(em(), { ...ok, kind: 'delete' as never }, officer),
      ValidationError,
      'kind',
    );
    await expectRejection(
      requests.create(em(), { ...ok, channel: 'fax' as never }, officer),
      ValidationError,
      'channel',
    );
    await expectRejection(
      requests.create(em(), { ...ok, identityCheck: 'maybe' as never }, officer),
      ValidationError,
      'identityCheck',
    );
    await expectRejection(
      requests.create(em(), { ...ok, customerId: 'c-1' }, officer),
      ValidationError,
      'customerId',
    );
    await expectRejection(
      requests.create(em(), { ...ok, receivedAt: new Date(Date.now() + 60_000) }, officer),
      ValidationError,
      'receivedAt',
    );
    await expectRejection(
      requests.create(em(), { ...ok, receivedAt: new Date('not a date') }, officer),
      ValidationError,
      'receivedAt',
    );
    const beforeGdpr = await expectRejection(
      requests.create(em(), { ...ok, receivedAt: new Date('2018-05-24T23:59:59Z') }, officer),
      ValidationError,
      'receivedAt',
    );
    expect(beforeGdpr.message).toMatch(/before the GDPR applied/);
    await expectRejection(requests.create(em(), { ...ok, customerId: UNKNOWN }, officer), NotFoundError);
    expect(await countRows(t, 'privacy_request')).toBe(before);

    await expectRejection(requests.get(em(), UNKNOWN), NotFoundError);
    await expectRejection(requests.get(em(), 'not-an-id'), NotFoundError);
  });

  it('stores no request when its audit event cannot be recorded', async () => {
    const customerId = await newCustomer(t);
    const before = await countRows(t, 'privacy_request');
    await expect(
      new PrivacyRequestService(t.platform.keys.cipher, failingAudit()).create(
        em(),
        { customerId, kind: 'access', channel: 'email' },
        officer,
      ),
    ).rejects.toThrow('audit log unavailable');
    expect(await countRows(t, 'privacy_request')).toBe(before);
  });

  it('lets one of two extensions given at once through, and tells the other it came second', async () => {
    const customerId = await newCustomer(t);
    const received = at('2025-01-31T09:15:00Z');
    const duringFirstMonth = at('2025-02-10T12:00:00Z');
    const request = await requests.create(
      em(),
      { customerId, kind: 'portability', channel: 'email', receivedAt: received },
      officer,
    );
    // Hold the request's row, so that both extensions are under way before either can finish.
    const holder = await t.db.superuser();
    await holder.query('begin');
    await holder.query('select 1 from privacy_request where id = $1 for update', [request.id]);
    const extend = (reason: string, days: number) =>
      requests
        .extend(
          em(),
          request.id,
          at(`2025-03-${String(days).padStart(2, '0')}T00:00:00Z`),
          reason,
          officer,
          duringFirstMonth,
        )
        .then(
          () => 'extended',
          (error: unknown) => (error instanceof ConflictError ? 'refused' : Promise.reject(error)),
        );
    const both = [extend('First reason, as told', 20), extend('Second reason, as told', 25)];
    await sessionsWaitingForLocks(await superuser(t), 2);
    await holder.query('commit');
    expect((await Promise.all(both)).sort()).toEqual(['extended', 'refused']);
    const stored = await requests.get(em(), request.id);
    expect(['First reason, as told', 'Second reason, as told']).toContain(stored.extensionReason);
    await holder.end();
  });

  it('extends the deadline once, up to three months after receipt and not a millisecond beyond', async () => {
    const customerId = await newCustomer(t);
    const received = at('2025-01-31T09:15:00Z');
    const duringFirstMonth = at('2025-02-10T12:00:00Z');
    const request = await requests.create(
      em(),
      { customerId, kind: 'portability', channel: 'email', receivedAt: received },
      officer,
    );
    const limit = latestExtension(received);
    const reason = 'Large export across three product lines';

    await expectRejection(
      requests.extend(em(), request.id, new Date(limit.getTime() + 1), reason, officer, duringFirstMonth),
      ValidationError,
      'until',
    );
    await expectRejection(
      requests.extend(em(), request.id, request.dueAt, reason, officer, duringFirstMonth),
      ValidationError,
      'until',
    );
    await expectRejection(
      requests.extend(em(), request.id, at('2025-03-31T00:00:00Z'), 'no', officer, duringFirstMonth),
      ValidationError,
      'reason',
    );
    await expectRejection(
      requests.extend(
        em(),
        request.id,
        at('2025-03-31T00:00:00Z'),
        'x'.repeat(501),
        officer,
        duringFirstMonth,
      ),
      ValidationError,
      'reason',
    );
    await expectRejection(
      requests.extend(em(), request.id, new Date(Number.NaN), reason, officer, duringFirstMonth),
      ValidationError,
      'until',
    );
    // Art. 12(3): the extension must be given within the first month.
    await expectRejection(
      requests.extend(
        em(),
        request.id,
        at('2025-03-31T00:00:00Z'),
        reason,
        officer,
        at('2025-03-01T00:00:00Z'),
      ),
      ConflictError,
    );

    const first = await requests.extend(
      em(),
      request.id,
      at('2025-03-31T23:59:59.999Z'),
      reason,
      officer,
      duringFirstMonth,
    );
    expect(first.extendedUntil?.toISOString()).toBe('2025-03-31T23:59:59.999Z');
    expect(first.deadline.toISOString()).toBe('2025-03-31T23:59:59.999Z');
    // Art. 12(3) allows one extension: a second, later or earlier, is refused and the first reason stays.
    for (const until of [limit, at('2025-03-15T00:00:00Z')]) {
      const again = await expectRejection(
        requests.extend(em(), request.id, until, `${reason} (and a fourth)`, officer, duringFirstMonth),
        ConflictError,
      );
      expect(again.message).toMatch(
        /already extended until 2025-03-31T23:59:59\.999Z .*allows one extension/,
      );
      expect(again.message).toContain(reason);
    }
    const stored = await requests.get(em(), request.id);
    expect(stored.extendedUntil?.toISOString()).toBe('2025-03-31T23:59:59.999Z');
    expect(stored.extensionReason).toBe(reason);
    // The one extension may reach exactly the limit.
    const other = await requests.create(
      em(),
      { customerId, kind: 'portability', channel: 'email', receivedAt: received },
      officer,
    );
    const atLimit = await requests.extend(em(), other.id, limit, reason, officer, duringFirstMonth);
    expect(atLimit.extendedUntil?.toISOString()).toBe('2025-04-30T23:59:59.999Z');

    await expectRejection(
      requests.extend(em(), UNKNOWN, limit, reason, officer, duringFirstMonth),
      NotFoundError,
    );
    // create, extend; create, extend
    expect(await sealedEvents(t, customerId, 'privacyRequest')).toHaveLength(4);
  });

  it('closes a request once, and never completes one whose identity check failed', async () => {
    const customerId = await newCustomer(t);
    const request = await requests.create(
      em(),
      { customerId, kind: 'access', channel: 'customer_panel' },
      officer,
    );

    const verified = await requests.setIdentityCheck(em(), request.id, 'verified', officer);
    expect(verified.identityCheck).toBe('verified');
    await expectRejection(
      requests.setIdentityCheck(em(), request.id, 'sure' as never, officer),
      ValidationError,
      'status',
    );

    await expectRejection(
      requests.close(em(), request.id, { status: 'open' as never, outcome: 'x' }, officer),
      ValidationError,
      'status',
    );
    await expectRejection(
      requests.close(em(), request.id, { status: 'completed', outcome: '  ' }, officer),
      ValidationError,
      'outcome',
    );
    const closed = await requests.close(
      em(),
      request.id,
      { status: 'completed', outcome: 'Overview sent.\nCopy kept in the file.' },
      officer,
    );
    expect(closed.status).toBe('completed');
    expect(closed.outcome).toBe('Overview sent.\nCopy kept in the file.');
    expect(closed.closedAt).toBeInstanceOf(Date);
    expect(closed.isOverdue()).toBe(false);

    await expectRejection(
      requests.close(em(), request.id, { status: 'rejected', outcome: 'again' }, officer),
      ConflictError,
    );
    await expectRejection(requests.setIdentityCheck(em(), request.id, 'failed', officer), ConflictError);
    await expectRejection(
      requests.extend(
        em(),
        request.id,
        latestExtension(request.receivedAt),
        'too late now',
        officer,
        request.receivedAt,
      ),
      ConflictError,
    );

    const impostor = await requests.create(
      em(),
      { customerId, kind: 'access', channel: 'phone', identityCheck: 'failed' },
      officer,
    );
    await expectRejection(
      requests.close(em(), impostor.id, { status: 'completed', outcome: 'sent' }, officer),
      ConflictError,
    );
    const rejected = await requests.close(
      em(),
      impostor.id,
      { status: 'rejected', outcome: 'Caller could not prove to be the customer.' },
      officer,
    );
    expect(rejected.status).toBe('rejected');

    // create, identity check, close; create, close
    expect(await sealedEvents(t, customerId, 'privacyRequest')).toHaveLength(5);
  });

  it('completes an erasure, rectification, restriction or mailing opt-out only by carrying it out; closing by hand only rejects it', async () => {
    const customerId = await newCustomer(t);
    const carriedOut = {
      erasure: 'carryOutErasure',
      rectification: 'carryOutRectification',
      restriction: 'carryOutRestriction',
      mailing_opt_out: 'carryOutMailingOptOut',
    } as const;
    for (const [kind, operation] of Object.entries(carriedOut)) {
      const request = await requests.create(
        em(),
        { customerId, kind: kind as keyof typeof carriedOut, channel: 'email', identityCheck: 'verified' },
        officer,
      );
      const refused = await expectRejection(
        requests.close(em(), request.id, { status: 'completed', outcome: 'done' }, officer),
        ConflictError,
      );
      expect(refused.message).toContain(operation);
      expect(refused.details).toMatchObject({ requestId: request.id, kind, operation });
      const stored = await requests.get(em(), request.id);
      expect(stored).toMatchObject({ status: 'open', outcome: null, closedAt: null });
      const rejected = await requests.close(
        em(),
        request.id,
        { status: 'rejected', outcome: 'Withdrawn by the customer.' },
        officer,
      );
      expect(rejected.status).toBe('rejected');
    }
    // The customer was never erased, and the register shows no erasure done.
    const erasures = await requests.list(em(), { customerId, kind: 'erasure' });
    expect(erasures.edges.map((e) => e.node.status)).toEqual(['rejected']);
    const sql = await superuser(t);
    const row = await sql.query<{ status: string }>('select status from customer where id = $1', [
      customerId,
    ]);
    expect(row.rows[0]?.status).toBe('active');
  });

  it('completes an access, objection or portability request by hand only once the identity is verified', async () => {
    const customerId = await newCustomer(t);
    for (const kind of ['access', 'objection', 'portability'] as const) {
      const request = await requests.create(em(), { customerId, kind, channel: 'email' }, officer);
      const pending = await expectRejection(
        requests.close(em(), request.id, { status: 'completed', outcome: 'Report sent.' }, officer),
        ConflictError,
      );
      expect(pending.message).toMatch(
        /identity has not been verified \(pending\).*setPrivacyRequestIdentityCheck/,
      );
      expect((await requests.get(em(), request.id)).status).toBe('open');
      await requests.setIdentityCheck(em(), request.id, 'verified', officer);
      const closed = await requests.close(
        em(),
        request.id,
        { status: 'completed', outcome: 'Report sent.' },
        officer,
      );
      expect(closed.status).toBe('completed');
    }
    // Rejecting needs no verified identity.
    const unverified = await requests.create(em(), { customerId, kind: 'access', channel: 'phone' }, officer);
    const rejected = await requests.close(
      em(),
      unverified.id,
      { status: 'rejected', outcome: 'The caller did not answer the check questions.' },
      officer,
    );
    expect(rejected.status).toBe('rejected');
  });

  it('lists newest received first, page by page, with status, kind, customer, open and overdue filters', async () => {
    const customerId = await newCustomer(t);
    const received = [
      '2024-06-01T10:00:00Z',
      '2024-07-01T10:00:00Z',
      '2024-08-01T10:00:00Z',
      '2024-09-01T10:00:00Z',
    ];
    const made = [];
    for (const [i, r] of received.entries()) {
      made.push(
        await requests.create(
          em(),
          {
            customerId,
            kind: i % 2 === 0 ? 'access' : 'erasure',
            channel: 'email',
            receivedAt: at(r),
            identityCheck: 'verified',
          },
          officer,
        ),
      );
    }
    const [june, july, august, september] = made as [
      (typeof made)[0],
      (typeof made)[0],
      (typeof made)[0],
      (typeof made)[0],
    ];
    await requests.close(em(), june.id, { status: 'completed', outcome: 'Sent the overview.' }, officer);
    await requests.extend(
      em(),
      july.id,
      at('2024-09-30T12:00:00Z'),
      'Archive has to be searched',
      officer,
      at('2024-07-15T00:00:00Z'),
    );

    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await requests.list(em(), { customerId }, 3, after);
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.hasNextPage) break;
      after = page.edges[page.edges.length - 1]?.cursor;
    }
    expect(seen).toEqual([september.id, august.id, july.id, june.id]);

    const ids = async (filter: Parameters<PrivacyRequestService['list']>[1], now?: Date) =>
      (await requests.list(em(), { customerId, ...filter }, 100, null, now)).edges.map((e) => e.node.id);
    expect(await ids({ kind: 'erasure' })).toEqual([september.id, july.id]);
    expect(await ids({ status: 'completed' })).toEqual([june.id]);
    expect(await ids({ open: true })).toEqual([september.id, august.id, july.id]);
    expect(await ids({ open: false })).toEqual([june.id]);

    // On 15 September: August (due 1 September) is overdue; July was extended to 30 September.
    const midSeptember = at('2024-09-15T00:00:00Z');
    expect(await ids({ overdue: true }, midSeptember)).toEqual([august.id]);
    expect(await ids({ overdue: false }, midSeptember)).toEqual([september.id, july.id, june.id]);
    // Exactly at August's deadline it is still on time; a millisecond later it is not.
    expect(await ids({ overdue: true }, at('2024-09-01T23:59:59.999Z'))).toEqual([]);
    expect(await ids({ overdue: true }, at('2024-09-02T00:00:00.000Z'))).toEqual([august.id]);
    expect(await ids({ overdue: true }, at('2024-10-01T00:00:00Z'))).toEqual([august.id, july.id]);
    expect(august.isOverdue(midSeptember)).toBe(true);

    await expectRejection(requests.list(em(), { kind: 'nonsense' as never }), ValidationError, 'filter.kind');
    await expectRejection(requests.list(em(), { customerId: 'x' }), ValidationError, 'filter.customerId');
    await expectRejection(requests.list(em(), {}, 20, 'bogus'), ValidationError, 'after');
  });

  it('passes a correction on to every recipient of the data (art. 19), and knows the recipients', async () => {
    const customerId = await newCustomer(t);
    const loner = await newCustomer(t);
    for (const purpose of ['domain-registration:example.nl', 'domain-registration:transfer-example.nl']) {
      await thirdParties.recordDisclosure(
        em(),
        { customerId, thirdPartyId: sidn.id, categories: ['name', 'address'], purpose },
        officer,
      );
    }
    await thirdParties.recordDisclosure(
      em(),
      {
        customerId,
        thirdPartyId: payments.id,
        categories: ['name', 'bank_details'],
        purpose: 'direct-debit',
      },
      officer,
    );

    expect((await requests.recipients(em(), customerId)).map((p) => p.name)).toEqual([
      'Payment provider',
      'SIDN',
    ]);
    expect(await requests.recipients(em(), loner)).toEqual([]);
    await expectRejection(requests.recipients(em(), UNKNOWN), NotFoundError);

    const rectification = await requests.create(
      em(),
      { customerId, kind: 'rectification', channel: 'email' },
      officer,
    );
    const now = at('2025-06-01T12:00:00Z');
    const sent = await requests.notifyRecipients(
      em(),
      rectification.id,
      'Address corrected to Prinsengracht 263',
      now,
    );
    expect(sent.map((n) => n.thirdParty)).toEqual(['Payment provider', 'SIDN']);
    for (const n of sent) {
      expect(n.notifiedAt.toISOString()).toBe('2025-06-01T12:00:00.000Z');
      expect(n.what).toBe('Address corrected to Prinsengracht 263');
      expect(n.requestId).toBe(rectification.id);
    }
    const sql = await superuser(t);
    const rows = await sql.query('select third_party_id from recipient_notification where request_id = $1', [
      rectification.id,
    ]);
    expect(rows.rows.map((r: { third_party_id: string }) => r.third_party_id).sort()).toEqual(
      [payments.id, sidn.id].sort(),
    );
    expect(
      (await requests.recipientNotifications(em(), rectification.id)).map((n) => n.thirdPartyId).sort(),
    ).toEqual([payments.id, sidn.id].sort());

    const lonerErasure = await requests.create(
      em(),
      { customerId: loner, kind: 'erasure', channel: 'email' },
      officer,
    );
    expect(await requests.notifyRecipients(em(), lonerErasure.id, 'Erased')).toEqual([]);

    const access = await requests.create(em(), { customerId, kind: 'access', channel: 'email' }, officer);
    await expectRejection(requests.notifyRecipients(em(), access.id, 'nothing to pass on'), ConflictError);
    await expectRejection(requests.notifyRecipients(em(), rectification.id, ''), ValidationError, 'what');
    await expectRejection(requests.notifyRecipients(em(), UNKNOWN, 'x'), NotFoundError);
  });
});
