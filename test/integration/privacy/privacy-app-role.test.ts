// Regression guard: the privacy services need no right the application role lacks (the migrations grant
// insert-only on the notification and disclosure tables, and no update or delete on the audit log).
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineContext } from '../../../audit/audit-context';
import { ComplaintService } from '../../../src/privacy/complaints.service';
import { PolicyVersionService } from '../../../src/privacy/policy-versions.service';
import { PrivacyRequestService } from '../../../src/privacy/privacy-requests.service';
import { ThirdPartyService } from '../../../src/privacy/third-parties.service';
import { applicationRoleEnv, createTestPlatform, type TestPlatform } from '../../support/test-platform';
import { newCustomer, officer, sealedEvents } from './privacy-fixtures';

describe('privacy services as the application role', () => {
  let t: TestPlatform;
  const em = () => t.platform.db.orm.em.fork();

  beforeAll(async () => {
    t = await createTestPlatform(applicationRoleEnv);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('runs a whole case: disclosure, request, extension, art. 19 notice, complaint, policy notice', async () => {
    const audit = t.platform.services.audit;
    const thirdParties = new ThirdPartyService(audit);
    const requests = new PrivacyRequestService(t.platform.keys.cipher, audit);
    const complaints = new ComplaintService(t.platform.keys.cipher, audit);
    const policies = new PolicyVersionService(audit);

    const [sidn] = await thirdParties.ensureDefaults(em());
    const customerId = await newCustomer(t);
    const disclosure = await thirdParties.recordDisclosure(
      em(),
      {
        customerId,
        thirdPartyId: sidn?.id as string,
        categories: ['name', 'email'],
        purpose: 'domain-registration',
      },
      officer,
    );
    const ended = await thirdParties.endDisclosure(
      em(),
      { disclosureId: disclosure.id, reason: 'registration done' },
      officer,
    );
    expect(ended.end?.reason).toBe('registration done');
    const request = await requests.create(
      em(),
      { customerId, kind: 'rectification', channel: 'email', identityCheck: 'verified' },
      officer,
    );
    await requests.extend(em(), request.id, request.latestExtension, 'Backups need to be checked', officer);
    expect(await requests.notifyRecipients(em(), request.id, 'Correction of the name')).toHaveLength(1);
    const corrected = await t.platform.services.dataSubjectRights.carryOutRectification(
      em(),
      request.id,
      { name: 'Anna de Vries-Bakker' },
      officer,
    );
    expect(corrected.request.status).toBe('completed');

    const [event] = await sealedEvents(t, customerId);
    const complaint = await complaints.create(
      em(),
      {
        customerId,
        source: 'customer',
        summary: 'Correction took too long',
        requestIds: [request.id],
        eventIds: [event?.event_id as string],
      },
      officer,
    );
    await complaints.update(em(), complaint.id, { status: 'resolved', resolution: 'Explained.' }, officer);

    const version = await policies.publish(
      em(),
      { version: 'r1', kind: 'major', summary: 'Change' },
      officer,
    );
    expect((await policies.notify(em(), version.id, { channel: 'email' })).notified).toBeGreaterThan(0);
    expect((await policies.notify(em(), version.id, { channel: 'email' })).notified).toBe(0);
    expect(await policies.versionAt(em(), customerId, version.effectiveAt)).toMatchObject({ id: version.id });
  });

  it('runs the retention job: bank details, archiving with what goes then, the purge of what an erasure kept', async () => {
    const job = offlineContext(null, 'administrative-obligation');
    const ended = async (end: Date) => {
      const id = await newCustomer(t, { subscriptionStart: new Date(end.getTime() - 86_400_000) });
      await t.platform.services.customers.endSubscription(em(), id, job, end);
      return id;
    };
    const toArchive = await ended(new Date('2025-06-01T00:00:00.000Z'));
    const erased = await ended(new Date('2018-06-01T00:00:00.000Z'));
    const request = await t.platform.services.privacyRequests.create(
      em(),
      { customerId: erased, kind: 'erasure', channel: 'email', identityCheck: 'verified' },
      officer,
    );
    await t.platform.services.dataSubjectRights.carryOutErasure(em(), request.id, officer);

    const run = await t.platform.services.retention.run(em(), new Date('2027-01-01T00:00:00.000Z'));
    expect(run).toEqual({ bankDetailsDropped: 1, archived: 1, purged: 1 });
    const archived = await t.platform.services.customers.get(em(), toArchive);
    expect(archived.status).toBe('archived');
    expect(archived.email).toBeNull();
    expect((await t.platform.services.customers.get(em(), erased)).name).toBeNull();
  });

  it('tells the recipients of what retention erased, and cannot alter or remove a notice afterwards', async () => {
    const job = offlineContext(null, 'administrative-obligation');
    const [sidn] = await t.platform.services.thirdParties.ensureDefaults(em());
    const end = new Date(Date.now() - 400 * 86_400_000);
    const customerId = await newCustomer(t, { subscriptionStart: new Date(end.getTime() - 86_400_000) });
    await t.platform.services.customers.endSubscription(em(), customerId, job, end);
    await t.platform.services.thirdParties.recordDisclosure(
      em(),
      { customerId, thirdPartyId: sidn!.id, categories: ['name', 'email'], purpose: 'domain-registration' },
      officer,
    );
    await t.platform.services.retention.run(em());
    const report = await t.platform.services.retention.report(em());
    expect(report.actions.find((a) => a.action === 'archive')?.noticesOwed).toBe(1);
    const owed = (await t.platform.services.retentionNotices.owed(em())).edges
      .map((e) => e.node)
      .filter((n) => n.customerId === customerId);
    expect(owed.map((n) => n.action)).toEqual(['archive']);
    const sent = await t.platform.services.retentionNotices.notify(
      em(),
      owed[0]!.retentionActionId,
      'Delete the email address',
      officer,
    );
    expect(sent.map((n) => n.thirdParty)).toEqual(['SIDN']);

    const app = new Client({ connectionString: t.platform.config.database.url! });
    await app.connect();
    try {
      for (const statement of [
        "update recipient_notification set what = 'nothing'",
        'delete from recipient_notification',
      ]) {
        await expect(app.query(statement), statement).rejects.toThrow(/permission denied/);
      }
    } finally {
      await app.end();
    }
  });

  it('changes what a third party may read and keeps the change, which it cannot alter afterwards', async () => {
    const thirdParties = new ThirdPartyService(t.platform.services.audit);
    const [sidn] = await thirdParties.ensureDefaults(em());
    const registry = await t.platform.services.actors.create(em(), {
      kind: 'third_party',
      role: 'registry',
      name: 'SIDN API (app role)',
    });
    await thirdParties.linkActor(em(), sidn!.id, registry.actor.id, null);
    await thirdParties.requireOnBehalfOf(em(), sidn!.id, true, null);
    expect((await thirdParties.changes(em(), sidn!.id)).map((c) => c.change)).toEqual([
      'registered',
      'actor_linked',
      'on_behalf_of_required',
    ]);

    const app = new Client({ connectionString: t.platform.config.database.url! });
    await app.connect();
    try {
      for (const statement of [
        'update third_party_change set on_behalf_of_required = false',
        'delete from third_party_change',
        'truncate third_party_change',
      ]) {
        await expect(app.query(statement), statement).rejects.toThrow(/permission denied/);
      }
    } finally {
      await app.end();
    }
  });
});
