/**
 * Privacy rules over HTTP: restriction (only the privacy officer reads), archive (only for
 * administrative obligations), retention's notices to recipients, policy versions, and the errors a
 * client gets for bad requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineContext } from '../../audit/audit-context';
import {
  CarryOutMailingOptOutDocument,
  CarryOutRectificationDocument,
  CarryOutRestrictionDocument,
  ClosePrivacyRequestDocument,
  CreatePrivacyRequestDocument,
  CustomerDocument,
  CustomersDocument,
  EndSubscriptionDocument,
  ExtendPrivacyRequestDocument,
  LiftRestrictionDocument,
  NotifyPolicyVersionDocument,
  NotifyRecipientsOfRetentionDocument,
  PolicyVersionAtDocument,
  PublishPolicyVersionDocument,
  RetentionNoticesOwedDocument,
  RetentionReportDocument,
  RunRetentionDocument,
  SetPrivacyRequestIdentityCheckDocument,
  UpdateCustomerDocument,
} from '../../schema/generated/graphql';
import { startTestServer, type TestServer } from '../support/test-platform';

const DAY = 86_400_000;

describe('privacy rules over HTTP', () => {
  let t: TestServer;
  const tokens: Record<string, string> = {};
  let customerId: string;

  beforeAll(async () => {
    t = await startTestServer();
    const em = t.platform.db.orm.em.fork();
    for (const role of ['support', 'privacy_officer', 'admin', 'finance'] as const) {
      tokens[role] = (
        await t.platform.services.actors.create(em, { kind: 'employee', role, name: role })
      ).token;
    }
    const c = await t.platform.services.customers.create(
      em,
      {
        name: 'Bram Smit',
        email: 'bram@example.nl',
        address: { street: 'Vismarkt 1', postalCode: '9712 CA', city: 'Groningen', country: 'NL' },
        // A customer since before the policy versions below, so a major one needs a notice.
        subscriptionStart: new Date(Date.now() - 500 * 86_400_000),
      },
      offlineContext(null, 'account-management'),
    );
    customerId = c.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function request(kind: string) {
    const r = await t.graphql(CreatePrivacyRequestDocument, {
      variables: { input: { customerId, kind: kind as never, channel: 'LETTER', identityCheck: 'VERIFIED' } },
      token: tokens.privacy_officer,
      purpose: 'privacy-request:9',
    });
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    return r.body.data!.createPrivacyRequest;
  }

  it('restriction: support is refused until it is lifted; the privacy officer may read', async () => {
    const restriction = await request('RESTRICTION');
    const done = await t.graphql(CarryOutRestrictionDocument, {
      variables: { requestId: restriction.id },
      token: tokens.privacy_officer,
      purpose: 'privacy-request:9',
    });
    expect(done.body.data!.carryOutRestriction.request.status).toBe('COMPLETED');

    const support = await t.graphql(CustomerDocument, {
      variables: { id: customerId },
      token: tokens.support,
      purpose: 'support-ticket:1',
    });
    expect(support.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'RESTRICTED' });
    const list = await t.graphql(CustomersDocument, { token: tokens.support, purpose: 'support-ticket:1' });
    expect(list.body.data!.customers.edges.map((e) => e.node.id)).not.toContain(customerId);
    const officer = await t.graphql(CustomerDocument, {
      variables: { id: customerId },
      token: tokens.privacy_officer,
      purpose: 'privacy-request:9',
    });
    expect(officer.body.data!.customer.name).toBe('Bram Smit');

    await t.graphql(LiftRestrictionDocument, {
      variables: { customerId },
      token: tokens.privacy_officer,
      purpose: 'privacy-request:9',
    });
    const again = await t.graphql(CustomerDocument, {
      variables: { id: customerId },
      token: tokens.support,
      purpose: 'support-ticket:1',
    });
    expect(again.body.data!.customer.name).toBe('Bram Smit');
  });

  it('restriction: only the privacy officer changes the customer or ends its subscription; no one ends it ahead of time', async () => {
    const created = await t.platform.services.customers.create(
      t.platform.db.orm.em.fork(),
      {
        name: 'Roos Bakker',
        email: 'roos.restricted@example.nl',
        address: { street: 'Markt 2', postalCode: '5611 EB', city: 'Eindhoven', country: 'NL' },
        subscriptionStart: new Date(Date.now() - 100 * DAY),
      },
      offlineContext(null, 'account-management'),
    );
    const restricted = created.id;
    const restriction = await t.graphql(CreatePrivacyRequestDocument, {
      variables: {
        input: { customerId: restricted, kind: 'RESTRICTION', channel: 'LETTER', identityCheck: 'VERIFIED' },
      },
      token: tokens.privacy_officer,
      purpose: 'privacy-request:11',
    });
    await t.graphql(CarryOutRestrictionDocument, {
      variables: { requestId: restriction.body.data!.createPrivacyRequest.id },
      token: tokens.privacy_officer,
      purpose: 'privacy-request:11',
    });

    const update = await t.graphql(UpdateCustomerDocument, {
      variables: { id: restricted, input: { phone: '+31 40 555 0101' } },
      token: tokens.support,
      purpose: 'support-ticket:11',
    });
    expect(update.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'RESTRICTED' });
    expect(update.body.errors?.[0]?.message).toMatch(/only the privacy officer may change its data/);
    for (const [role, purpose] of [
      ['support', 'support-ticket:11'],
      ['admin', 'account-management'],
    ] as const) {
      const end = await t.graphql(EndSubscriptionDocument, {
        variables: { id: restricted },
        token: tokens[role],
        purpose,
      });
      expect(end.body.errors?.[0]?.extensions, role).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'RESTRICTED',
      });
      expect(end.body.errors?.[0]?.message).toMatch(/only the privacy officer may change its data/);
    }
    const sql = await t.db.superuser();
    try {
      const status = async () =>
        (await sql.query('select status, subscription_end from customer where id = $1', [restricted]))
          .rows[0];
      expect(await status()).toEqual({ status: 'active', subscription_end: null });

      // Not ahead of time, for anyone: it would be ENDED at once and could not be taken back.
      const ahead = await t.graphql(EndSubscriptionDocument, {
        variables: { id: restricted, at: new Date(Date.now() + 30 * DAY).toISOString() },
        token: tokens.privacy_officer,
        purpose: 'privacy-request:11',
      });
      expect(ahead.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'at' });
      expect(ahead.body.errors?.[0]?.message).toMatch(/lies in the future/);
      expect(await status()).toEqual({ status: 'active', subscription_end: null });

      const ended = await t.graphql(EndSubscriptionDocument, {
        variables: { id: restricted },
        token: tokens.privacy_officer,
        purpose: 'privacy-request:11',
      });
      expect(ended.body.errors, JSON.stringify(ended.body.errors)).toBeUndefined();
      expect(ended.body.data!.endSubscription.status).toBe('ENDED');
    } finally {
      await sql.end();
    }
  });

  it('archive: readable only with purpose administrative-obligation', async () => {
    const sql = await t.db.superuser();
    await sql.query("update customer set status = 'archived', archived_at = now() where id = $1", [
      customerId,
    ]);
    try {
      const support = await t.graphql(CustomerDocument, {
        variables: { id: customerId },
        token: tokens.support,
        purpose: 'support-ticket:2',
      });
      expect(support.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ARCHIVED' });
      const finance = await t.graphql(CustomerDocument, {
        variables: { id: customerId },
        token: tokens.admin,
        purpose: 'administrative-obligation',
      });
      expect(finance.body.errors).toBeUndefined();
    } finally {
      await sql.query("update customer set status = 'active', archived_at = null where id = $1", [
        customerId,
      ]);
    }
  });

  it('refuses bad requests with codes a client can act on', async () => {
    const unknown = await t.graphql(CreatePrivacyRequestDocument, {
      variables: {
        input: { customerId: '5c1f0000-0000-4000-8000-000000000000', kind: 'ACCESS', channel: 'EMAIL' },
      },
      token: tokens.privacy_officer,
      purpose: 'privacy-request:9',
    });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const access = await request('ACCESS');
    const tooLong = new Date(new Date(access.receivedAt).getTime() + 95 * DAY).toISOString();
    const beyond = await t.graphql(ExtendPrivacyRequestDocument, {
      variables: { id: access.id, until: tooLong, reason: 'many systems to search' },
      token: tokens.privacy_officer,
      purpose: 'privacy-request:9',
    });
    expect(beyond.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'until' });
    const ok = new Date(new Date(access.receivedAt).getTime() + 60 * DAY).toISOString();
    const extended = await t.graphql(ExtendPrivacyRequestDocument, {
      variables: { id: access.id, until: ok, reason: 'many systems to search' },
      token: tokens.privacy_officer,
      purpose: 'privacy-request:9',
    });
    expect(extended.body.data!.extendPrivacyRequest).toMatchObject({
      extensionReason: 'many systems to search',
      deadline: ok,
    });

    await t.graphql(ClosePrivacyRequestDocument, {
      variables: { id: access.id, status: 'COMPLETED', outcome: 'report sent by letter' },
      token: tokens.privacy_officer,
      purpose: 'privacy-request:9',
    });
    const closedTwice = await t.graphql(ClosePrivacyRequestDocument, {
      variables: { id: access.id, status: 'REJECTED', outcome: 'again' },
      token: tokens.privacy_officer,
      purpose: 'privacy-request:9',
    });
    expect(closedTwice.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const identity = await t.graphql(SetPrivacyRequestIdentityCheckDocument, {
      variables: { id: access.id, identityCheck: 'FAILED' },
      token: tokens.support,
      purpose: 'support-ticket:3',
    });
    expect(identity.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('rectification corrects the fields, records who changed what (not the old values), and tells the recipients', async () => {
    const em = t.platform.db.orm.em.fork();
    const [sidn] = (await t.platform.services.thirdParties.ensureDefaults(em)).filter(
      (p) => p.name === 'SIDN',
    );
    await t.platform.services.thirdParties.recordDisclosure(
      em,
      {
        customerId,
        thirdPartyId: sidn!.id,
        categories: ['name', 'address'],
        purpose: 'domain-registration',
        reference: 'bram.nl',
      },
      offlineContext(null, 'domain-registration'),
    );
    const rectification = await request('RECTIFICATION');
    const r = await t.graphql(CarryOutRectificationDocument, {
      variables: { requestId: rectification.id, input: { name: 'Bram de Smit' } },
      token: tokens.privacy_officer,
      purpose: 'privacy-request:9',
    });
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    expect(r.body.data!.carryOutRectification.request.status).toBe('COMPLETED');
    expect(r.body.data!.carryOutRectification.recipientsNotified).toEqual([
      expect.objectContaining({ thirdParty: 'SIDN', what: 'correction of: name' }),
    ]);
    const read = await t.graphql(CustomerDocument, {
      variables: { id: customerId },
      token: tokens.privacy_officer,
      purpose: 'privacy-request:9',
    });
    expect(read.body.data!.customer.name).toBe('Bram de Smit');
    await t.platform.services.audit.sealer.sealPending();
    const sql = await t.db.superuser();
    const updates = await sql.query(
      "select fields, role, purpose from audit_event where subject_id = $1 and action = 'update' and 'name' = any(fields)",
      [customerId],
    );
    expect(updates.rows).toEqual([
      { fields: ['name'], role: 'privacy_officer', purpose: 'privacy-request:9' },
    ]);
    expect(JSON.stringify(updates.rows)).not.toContain('Bram Smit');
  });

  it('mailing opt-out request is recorded with its history', async () => {
    const optOut = await request('MAILING_OPT_OUT');
    const r = await t.graphql(CarryOutMailingOptOutDocument, {
      variables: { requestId: optOut.id },
      token: tokens.privacy_officer,
      purpose: 'privacy-request:9',
    });
    expect(r.body.data!.carryOutMailingOptOut.request.status).toBe('COMPLETED');
    const sql = await t.db.superuser();
    const history = await sql.query(
      'select opted_out from mailing_consent_change where customer_id = $1 order by changed_at',
      [customerId],
    );
    expect(history.rows.map((h) => h.opted_out)).toEqual([false, true]);
  });

  it('retention notices: the officer sees which recipients an archiving owes a notice and records it; support may not', async () => {
    const em = t.platform.db.orm.em.fork();
    const context = offlineContext(null, 'account-management');
    const archived = await t.platform.services.customers.create(
      em,
      {
        name: 'Fenna Bakker',
        email: 'fenna@example.nl',
        phone: '+31 50 555 0101',
        address: { street: 'Grote Markt 1', postalCode: '9711 LV', city: 'Groningen', country: 'NL' },
        subscriptionStart: new Date(Date.now() - 800 * DAY),
      },
      context,
    );
    await t.platform.services.customers.endSubscription(
      t.platform.db.orm.em.fork(),
      archived.id,
      context,
      new Date(Date.now() - 400 * DAY),
    );
    const [sidn] = (await t.platform.services.thirdParties.ensureDefaults(em)).filter(
      (p) => p.name === 'SIDN',
    );
    await t.platform.services.thirdParties.recordDisclosure(
      t.platform.db.orm.em.fork(),
      {
        customerId: archived.id,
        thirdPartyId: sidn!.id,
        categories: ['name', 'email', 'phone'],
        purpose: 'domain-registration',
        reference: 'fenna.nl',
      },
      offlineContext(null, 'domain-registration'),
    );
    const run = await t.graphql(RunRetentionDocument, { token: tokens.admin });
    expect(run.body.data!.runRetention.archived).toBe(1);

    const officer = { token: tokens.privacy_officer, purpose: 'inspection' };
    const owed = await t.graphql(RetentionNoticesOwedDocument, { variables: { first: 10 }, ...officer });
    expect(owed.body.errors, JSON.stringify(owed.body.errors)).toBeUndefined();
    const step = owed.body
      .data!.retentionNoticesOwed.edges.map((e) => e.node)
      .find((n) => n.customerId === archived.id);
    expect(step).toMatchObject({
      action: 'archive',
      recipients: [{ thirdPartyId: sidn!.id, thirdParty: 'SIDN', categories: ['email', 'phone'] }],
    });
    const report = await t.graphql(RetentionReportDocument, { token: tokens.privacy_officer });
    expect(report.body.data!.retentionReport.actions.find((a) => a.action === 'archive')?.noticesOwed).toBe(
      1,
    );

    const support = { token: tokens.support, purpose: 'support-ticket:5' };
    const refused = [
      await t.graphql(RetentionNoticesOwedDocument, { variables: {}, ...support }),
      await t.graphql(NotifyRecipientsOfRetentionDocument, {
        variables: { retentionActionId: step!.retentionActionId, what: 'told' },
        ...support,
      }),
    ];
    for (const r of refused) {
      expect(r.body.errors?.[0]?.extensions).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'OPERATION_NOT_ALLOWED',
      });
    }
    const notify = (retentionActionId: string, what: string) =>
      t.graphql(NotifyRecipientsOfRetentionDocument, { variables: { retentionActionId, what }, ...officer });
    const unknown = await notify('5c1f0000-0000-4000-8000-000000000000', 'told');
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const blank = await notify(step!.retentionActionId, ' ');
    expect(blank.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'what' });

    const told = await notify(step!.retentionActionId, 'Delete the holder’s email address and phone number.');
    expect(told.body.errors, JSON.stringify(told.body.errors)).toBeUndefined();
    expect(told.body.data!.notifyRecipientsOfRetention).toEqual([
      expect.objectContaining({
        thirdParty: 'SIDN',
        what: 'Delete the holder’s email address and phone number.',
      }),
    ]);
    const twice = await notify(step!.retentionActionId, 'again');
    expect(twice.body.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      retentionActionId: step!.retentionActionId,
    });
    const after = await t.graphql(RetentionNoticesOwedDocument, { variables: { first: 10 }, ...officer });
    expect(after.body.data!.retentionNoticesOwed.edges.map((e) => e.node.customerId)).not.toContain(
      archived.id,
    );
  });

  it('a major policy version applies 30 days after announcement, to customers who were notified', async () => {
    const announced = new Date(Date.now() - 40 * DAY);
    const v1 = await t.graphql(PublishPolicyVersionDocument, {
      variables: {
        input: {
          version: '2026.1',
          kind: 'MINOR',
          announcedAt: new Date(Date.now() - 400 * DAY).toISOString(),
          summary: 'first',
        },
      },
      token: tokens.admin,
    });
    expect(v1.body.errors, JSON.stringify(v1.body.errors)).toBeUndefined();
    // The privacy officer owns the policy: publishes a version and records who was told, as admin may.
    const ahead = await t.graphql(PublishPolicyVersionDocument, {
      variables: {
        input: {
          version: '2030.1',
          kind: 'MAJOR',
          announcedAt: new Date(Date.now() + 400 * DAY).toISOString(),
          summary: 'not yet announced',
        },
      },
      token: tokens.privacy_officer,
    });
    expect(ahead.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'announcedAt',
    });
    const v2 = await t.graphql(PublishPolicyVersionDocument, {
      variables: {
        input: {
          version: '2026.2',
          kind: 'MAJOR',
          announcedAt: announced.toISOString(),
          summary: 'new recipient',
        },
      },
      token: tokens.privacy_officer,
    });
    expect(v2.body.errors, JSON.stringify(v2.body.errors)).toBeUndefined();
    expect(new Date(v2.body.data!.publishPolicyVersion.effectiveAt).getTime() - announced.getTime()).toBe(
      30 * DAY,
    );

    const at = new Date().toISOString();
    const before = await t.graphql(PolicyVersionAtDocument, {
      variables: { customerId, at },
      token: tokens.privacy_officer,
    });
    expect(before.body.data!.policyVersionAt?.version).toBe('2026.1');
    const notified = await t.graphql(NotifyPolicyVersionDocument, {
      variables: {
        versionId: v2.body.data!.publishPolicyVersion.id,
        channel: 'email',
        customerIds: [customerId],
      },
      token: tokens.privacy_officer,
    });
    expect(notified.body.errors, JSON.stringify(notified.body.errors)).toBeUndefined();
    const after = await t.graphql(PolicyVersionAtDocument, {
      variables: { customerId, at: new Date(Date.now() + 1000).toISOString() },
      token: tokens.privacy_officer,
    });
    expect(after.body.data!.policyVersionAt?.version).toBe('2026.2');

    const report = await t.graphql(RetentionReportDocument, { token: tokens.admin });
    expect(report.body.data!.retentionReport.actions.map((a) => a.action).sort()).toEqual([
      'archive',
      'drop_bank_details',
      'purge',
    ]);
    const refused = await t.graphql(PublishPolicyVersionDocument, {
      variables: { input: { version: 'x', kind: 'MINOR', summary: 's' } },
      token: tokens.finance,
    });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
