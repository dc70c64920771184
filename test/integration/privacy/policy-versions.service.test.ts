import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../src/errors/errors';
import { PolicyVersionService } from '../../../src/privacy/policy-versions.service';
import { createTestPlatform, type TestPlatform } from '../../support/test-platform';
import {
  accountManagement,
  expectRejection,
  failingAudit,
  newCustomer,
  officer,
  sealedEvents,
  superuser,
} from './privacy-fixtures';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const at = (iso: string) => new Date(iso);
const DAY = 24 * 60 * 60 * 1000;

describe('PolicyVersionService on PostgreSQL', () => {
  let t: TestPlatform;
  let policies: PolicyVersionService;
  const em = () => t.platform.db.orm.em.fork();

  beforeAll(async () => {
    t = await createTestPlatform();
    policies = new PolicyVersionService(t.platform.services.audit);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('publishes a major change to take effect 30 days after its announcement, a minor one at once', async () => {
    const announced = at('2026-02-01T09:00:00Z');
    const major = await policies.publish(
      em(),
      {
        version: '2026.1',
        kind: 'major',
        announcedAt: announced,
        summary: 'Bank details are kept one year, not two.',
      },
      officer,
    );
    expect(major.effectiveAt.getTime()).toBe(announced.getTime() + 30 * DAY);
    expect(major.effectiveAt.toISOString()).toBe('2026-03-03T09:00:00.000Z');
    const minor = await policies.publish(
      em(),
      { version: '2026.1.1', kind: 'minor', announcedAt: announced, summary: 'Typo in the cookie section.' },
      officer,
    );
    expect(minor.effectiveAt.toISOString()).toBe(announced.toISOString());
    const defaulted = await policies.publish(
      em(),
      { version: '2026.1.2', kind: 'minor', summary: 'Contact address.' },
      officer,
    );
    expect(Math.abs(defaulted.announcedAt.getTime() - Date.now())).toBeLessThan(60_000);

    await expectRejection(
      policies.publish(em(), { version: ' 2026.1 ', kind: 'minor', summary: 'again' }, officer),
      ConflictError,
    );
    await expectRejection(
      policies.publish(em(), { version: 'v'.repeat(51), kind: 'minor', summary: 's' }, officer),
      ValidationError,
      'version',
    );
    await expectRejection(
      policies.publish(em(), { version: '', kind: 'minor', summary: 's' }, officer),
      ValidationError,
      'version',
    );
    await expectRejection(
      policies.publish(em(), { version: 'x1', kind: 'huge' as never, summary: 's' }, officer),
      ValidationError,
      'kind',
    );
    await expectRejection(
      policies.publish(em(), { version: 'x1', kind: 'minor', summary: ' ' }, officer),
      ValidationError,
      'summary',
    );
    await expectRejection(
      policies.publish(
        em(),
        { version: 'x1', kind: 'minor', summary: 's', announcedAt: new Date(Number.NaN) },
        officer,
      ),
      ValidationError,
      'announcedAt',
    );
    await expect(
      new PolicyVersionService(failingAudit()).publish(
        em(),
        { version: 'x1', kind: 'minor', summary: 's' },
        officer,
      ),
    ).rejects.toThrow('audit log unavailable');

    const versions = (await policies.list(em())).map((v) => v.version);
    expect(versions).not.toContain('x1');
    expect(versions.slice(0, 3)).toEqual(['2026.1.2', '2026.1', '2026.1.1']);
    expect(await sealedEvents(t, null, 'policyVersion')).toHaveLength(3);
  });

  it('notifies every active or ended customer by default, once per customer', async () => {
    const active = await newCustomer(t);
    const ended = await newCustomer(t);
    const archived = await newCustomer(t);
    await t.platform.services.customers.endSubscription(em(), ended, accountManagement);
    const sql = await superuser(t);
    await sql.query(`update customer set status = 'archived', archived_at = now() where id = $1`, [archived]);
    const [{ n: eligible } = { n: 0 }] = (
      await sql.query<{ n: number }>(
        `select count(*)::int as n from customer where status in ('active', 'ended')`,
      )
    ).rows;

    const version = await policies.publish(
      em(),
      {
        version: '2027.1',
        kind: 'major',
        announcedAt: at('2027-01-01T00:00:00Z'),
        summary: 'New registrar.',
      },
      officer,
      at('2027-01-01T00:00:00Z'),
    );
    const firstTime = at('2027-01-02T08:00:00Z');
    const first = await policies.notify(em(), version.id, { channel: 'email', notifiedAt: firstTime });
    expect(first).toEqual({ versionId: version.id, notified: eligible, alreadyNotified: 0 });
    const told = await sql.query<{ customer_id: string; notified_at: Date; channel: string }>(
      'select customer_id, notified_at, channel from policy_notification where policy_version_id = $1',
      [version.id],
    );
    const toldIds = told.rows.map((r) => r.customer_id);
    expect(toldIds).toContain(active);
    expect(toldIds).toContain(ended);
    expect(toldIds).not.toContain(archived);

    const again = await policies.notify(em(), version.id, {
      channel: 'customer_panel',
      notifiedAt: at('2027-01-20T00:00:00Z'),
    });
    expect(again).toEqual({ versionId: version.id, notified: 0, alreadyNotified: eligible });
    const explicit = await policies.notify(em(), version.id, {
      customerIds: [active, archived],
      channel: 'letter',
      notifiedAt: at('2027-01-25T00:00:00Z'),
    });
    expect(explicit).toEqual({ versionId: version.id, notified: 1, alreadyNotified: 1 });
    const activeRow = await sql.query<{ notified_at: Date; channel: string }>(
      'select notified_at, channel from policy_notification where policy_version_id = $1 and customer_id = $2',
      [version.id, active],
    );
    expect(activeRow.rows[0]?.notified_at.toISOString()).toBe(firstTime.toISOString());
    expect(activeRow.rows[0]?.channel).toBe('email');

    await expectRejection(
      policies.notify(em(), version.id, { channel: 'email', notifiedAt: at('2026-12-31T23:59:59Z') }),
      ValidationError,
      'notifiedAt',
    );
    await expectRejection(policies.notify(em(), version.id, { channel: ' ' }), ValidationError, 'channel');
    await expectRejection(
      policies.notify(em(), version.id, { channel: 'email', customerIds: [] }),
      ValidationError,
      'customerIds',
    );
    await expectRejection(
      policies.notify(em(), version.id, { channel: 'email', customerIds: ['c1'] }),
      ValidationError,
      'customerIds',
    );
    await expectRejection(
      policies.notify(em(), version.id, {
        channel: 'email',
        customerIds: [active, UNKNOWN],
        notifiedAt: at('2027-02-01T00:00:00Z'),
      }),
      NotFoundError,
    );
    await expectRejection(policies.notify(em(), UNKNOWN, { channel: 'email' }), NotFoundError);
  });

  it('answers which version governed a customer: majors from 30 days on, and only once notified', async () => {
    // Dates in 2021, before every version the other tests publish; these customers joined before them.
    const since2020 = { subscriptionStart: at('2020-06-01T00:00:00Z') };
    const notified = await newCustomer(t, since2020);
    const unnotified = await newCustomer(t, since2020);
    const late = await newCustomer(t, since2020);
    // Joined while 2021.2 was announced but not yet in effect, and after it took effect: never notified.
    const joinedInNotice = await newCustomer(t, { subscriptionStart: at('2021-03-15T00:00:00Z') });
    const joinedAfter = await newCustomer(t, { subscriptionStart: at('2021-04-15T00:00:00Z') });
    const v1 = await policies.publish(
      em(),
      {
        version: '2021.1',
        kind: 'minor',
        announcedAt: at('2021-01-01T00:00:00Z'),
        summary: 'First published policy.',
      },
      officer,
    );
    const v2 = await policies.publish(
      em(),
      {
        version: '2021.2',
        kind: 'major',
        announcedAt: at('2021-03-01T12:00:00Z'),
        summary: 'IP addresses kept for fraud checks.',
      },
      officer,
    );
    expect(v2.effectiveAt.toISOString()).toBe('2021-03-31T12:00:00.000Z');
    await policies.notify(em(), v2.id, {
      customerIds: [notified],
      channel: 'email',
      notifiedAt: at('2021-03-02T09:00:00Z'),
    });
    await policies.notify(em(), v2.id, {
      customerIds: [late],
      channel: 'letter',
      notifiedAt: at('2021-04-10T00:00:00Z'),
    });

    const version = async (customerId: string, iso: string) =>
      (await policies.versionAt(em(), customerId, at(iso)))?.version ?? null;
    expect(await version(notified, '2020-12-31T23:59:59.999Z')).toBeNull();
    expect(await version(notified, '2021-01-01T00:00:00.000Z')).toBe('2021.1');
    // The 30-day boundary: a millisecond before, the old version; at the instant, the new one.
    expect(await version(notified, '2021-03-31T11:59:59.999Z')).toBe('2021.1');
    expect(await version(notified, '2021-03-31T12:00:00.000Z')).toBe('2021.2');
    // Never notified: the previous version still governs, however long after.
    expect(await version(unnotified, '2021-03-31T12:00:00.000Z')).toBe('2021.1');
    expect(await version(unnotified, '2021-04-30T00:00:00.000Z')).toBe('2021.1');
    // Notified after the effective date: the new version governs from the notification on.
    expect(await version(late, '2021-04-09T23:59:59.999Z')).toBe('2021.1');
    expect(await version(late, '2021-04-10T00:00:00.000Z')).toBe('2021.2');
    // Who agreed while it was announced is governed by it from its effective date without a notice.
    expect(await version(joinedInNotice, '2021-03-31T11:59:59.999Z')).toBe('2021.1');
    expect(await version(joinedInNotice, '2021-03-31T12:00:00.000Z')).toBe('2021.2');
    expect(await version(joinedAfter, '2021-04-15T00:00:00.000Z')).toBe('2021.2');

    // A later minor change applies to everyone at once.
    await policies.publish(
      em(),
      {
        version: '2021.2.1',
        kind: 'minor',
        announcedAt: at('2021-05-01T00:00:00Z'),
        summary: 'New support address.',
      },
      officer,
    );
    for (const customerId of [notified, unnotified, late]) {
      expect(await version(customerId, '2021-05-01T00:00:00.000Z')).toBe('2021.2.1');
    }
    expect(await version(notified, '2021-04-30T23:59:59.999Z')).toBe('2021.2');
    expect((await policies.versionAt(em(), notified, at('2021-02-01T00:00:00Z')))?.id).toBe(v1.id);

    await expectRejection(policies.versionAt(em(), UNKNOWN, at('2021-05-01T00:00:00Z')), NotFoundError);
    await expectRejection(policies.versionAt(em(), notified, new Date(Number.NaN)), ValidationError, 'at');
  });
  it('answers with the version announced last of those that govern the customer, not the one that took effect last', async () => {
    // Dates in 2022, after the 2021 versions above. A major change, then a minor one announced during its
    // 30 days: once both govern the customer, the minor one (the newer text) does.
    const joined = await newCustomer(t, { subscriptionStart: at('2022-02-10T00:00:00Z') });
    await policies.publish(
      em(),
      {
        version: '2022.1',
        kind: 'major',
        announcedAt: at('2022-02-01T00:00:00Z'),
        summary: 'Bank details also kept as VAT evidence.',
      },
      officer,
    );
    await policies.publish(
      em(),
      {
        version: '2022.1.1',
        kind: 'minor',
        announcedAt: at('2022-02-15T00:00:00Z'),
        summary: 'New postal address of the privacy officer.',
      },
      officer,
    );
    const version = async (iso: string) => (await policies.versionAt(em(), joined, at(iso)))?.version ?? null;
    // 2022.1 took effect on 3 March (the later effective date), 2022.1.1 was announced after it.
    expect(await version('2022-03-03T00:00:00.000Z')).toBe('2022.1.1');
    expect(await version('2022-06-01T00:00:00.000Z')).toBe('2022.1.1');
  });

  it('publishes no version announced in the future or before the GDPR applied, and names the version when it is told of one still ahead', async () => {
    const sql = await superuser(t);
    const count = async () =>
      (await sql.query<{ n: number }>('select count(*)::int as n from policy_version')).rows[0]?.n;
    const before = await count();
    const now = at('2026-06-01T12:00:00Z');
    const publish = (announcedAt: Date) =>
      policies.publish(
        em(),
        { version: 'dated', kind: 'major', announcedAt, summary: 'Dated.' },
        officer,
        now,
      );
    const ahead = await expectRejection(publish(at('2030-01-01T00:00:00Z')), ValidationError, 'announcedAt');
    expect(ahead.message).toMatch(/lies in the future/);
    await expectRejection(publish(new Date(now.getTime() + 1)), ValidationError, 'announcedAt');
    const early = await expectRejection(publish(at('1990-01-01T00:00:00Z')), ValidationError, 'announcedAt');
    expect(early.message).toMatch(/before the GDPR applied \(25 May 2018\)/);
    await expectRejection(publish(at('2018-05-24T23:59:59.999Z')), ValidationError, 'announcedAt');
    expect(await count()).toBe(before);

    // A version recorded ahead of its announcement before this rule: telling customers of it now is
    // refused on the argument the API takes, the version's id.
    const id = '5a1e0000-0000-4000-8000-000000000001';
    await sql.query(
      `insert into policy_version (id, version, kind, announced_at, effective_at, summary, created_at)
       values ($1, 'ahead', 'major', $2, $3, 'Announced ahead', now())`,
      [id, at('2099-01-01T00:00:00Z'), at('2099-01-31T00:00:00Z')],
    );
    const told = await expectRejection(
      policies.notify(em(), id, { channel: 'email' }),
      ValidationError,
      'versionId',
    );
    expect(told.message).toMatch(
      /names version ahead, announced at 2099-01-01T00:00:00\.000Z, which is still ahead/,
    );
    expect(told.message).not.toMatch(/notifiedAt/);
  });
});
