/**
 * Retention on PostgreSQL: bank details dropped when the subscription (and so the direct debit) ends,
 * archived one year later, purged when the fiscal period is over (ten years with One Stop Shop orders);
 * boundaries, the report, idempotence and two processes running the job at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineContext } from '../../audit/audit-context';
import type { Platform } from '../../src/platform';
import { attachPlatform, createTestPlatform, type TestPlatform } from '../support/test-platform';

const DAY = 86_400_000;
const YEAR = 365 * DAY;
const context = offlineContext(null, 'administrative-obligation');

describe('retention', () => {
  let t: TestPlatform;
  let other: Platform;
  const now = new Date('2030-06-15T12:00:00.000Z');

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
    await t.platform.services.customers.endSubscription(t.platform.db.orm.em.fork(), c.id, context, end);
    return c.id;
  }

  async function row(id: string) {
    const sql = await t.db.superuser();
    return (
      await sql.query(
        'select status, iban_enc, bank_name_enc, name_enc, email_enc, archived_at from customer where id = $1',
        [id],
      )
    ).rows[0];
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

  it('reports what is overdue when the job has not run', async () => {
    const stale = await customerEndedAt(new Date(now.getTime() - YEAR - 30 * DAY), 'stale@example.nl');
    const report = await t.platform.services.retention.report(t.platform.db.orm.em.fork(), now);
    const archive = report.actions.find((a) => a.action === 'archive')!;
    expect(archive.overdue).toBeGreaterThanOrEqual(1);
    expect(archive.overdueCustomerIds).toContain(stale);
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
