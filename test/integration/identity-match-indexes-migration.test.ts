// Migration 11 adds the mailbox index of orders and the name index of customers. It cannot compute
// them (they are keyed): old orders are counted on their exact address, and old customers get their
// name index from fillNameIndexes, counting as a name of their own until then.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditContext } from '../../audit/audit-context';
import { fillNameIndexes, nameIndex } from '../../src/customers/name-index';
import { migrate } from '../../src/db/orm';
import type { ScoreOrderRequest } from '../../src/orders/score-order-input';
import { orderSystemContext } from '../support/order-system';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

const ADDRESS = { street: 'Prinsengracht 263', postalCode: '1016 GV', city: 'Amsterdam', country: 'NL' };
const MIGRATION = 'Migration20261206000011_identity_match_indexes';

describe('migration 11, the mailbox and name indexes', () => {
  let t: TestPlatform;
  let context: AuditContext;

  beforeAll(async () => {
    t = await createTestPlatform();
    context = await orderSystemContext(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  let ip = 0;
  const order = (n: string, name: string, iban: string): ScoreOrderRequest => ({
    idempotencyKey: n,
    customer: { name, email: `${n}@example.nl`, address: ADDRESS },
    ipAddress: `77.168.${ip++}.1`,
    billingAddress: ADDRESS,
    iban,
    items: [{ product: 'hosting', amountCents: 995 }],
    currency: 'EUR',
  });
  const score = (request: ScoreOrderRequest) =>
    t.platform.services.orders.score(t.platform.db.orm.em.fork(), request, context);

  it('goes down and up again, and the customers stored before it get their name index filled in', async () => {
    const sql = await t.db.superuser();
    try {
      const iban = 'NL20INGB0001234567';
      const jan = await score(order('before-a', 'Jan Smit', iban));
      await score(order('before-b', 'jan smit', iban));

      await t.platform.db.orm.getMigrator().down({ migrations: [MIGRATION] });
      const columns = async () =>
        (
          await sql.query<{ column_name: string }>(
            `select column_name from information_schema.columns
              where column_name in ('name_bidx', 'email_mailbox_bidx') order by column_name`,
          )
        ).rows.map((r) => r.column_name);
      expect(await columns()).toEqual([]);
      expect(await migrate(t.platform.db.orm)).toEqual([MIGRATION]);
      expect(await columns()).toEqual(['email_mailbox_bidx', 'name_bidx']);
      const names = await sql.query<{ n: number }>(
        'select count(*)::int as n from customer where name_bidx is not null',
      );
      expect(names.rows[0]!.n).toBe(0);

      // Not yet indexed: each counts as a name of its own, as before the migration.
      const unindexed = await score(order('before-c', 'Jan Smit', iban));
      expect(unindexed.reasons.find((r) => r.code === 'IBAN_REUSED_OTHER_NAME')?.evidence).toMatchObject({
        otherNames: 2,
      });

      // An erased and a restricted customer without an index: their names are not indexed again.
      const kept: string[] = [];
      for (const [n, change] of [
        ['erased-e', "status = 'erased'"],
        ['restricted-r', 'restricted = true'],
      ] as const) {
        const id = (await score(order(n, 'Kees Kept', 'NL02ABNA0123456789'))).order.customerId;
        await sql.query(`update customer set name_bidx = null, ${change} where id = $1`, [id]);
        kept.push(id);
      }

      const em = t.platform.db.orm.em.fork();
      const { cipher, blindIndex } = t.platform.keys;
      expect(await fillNameIndexes(em, cipher, blindIndex, 1)).toBe(2);
      expect(await fillNameIndexes(em, cipher, blindIndex)).toBe(0);
      const stillUnindexed = await sql.query(
        'select id from customer where id = any($1) and name_bidx is null',
        [kept],
      );
      expect(stillUnindexed.rows).toHaveLength(2);
      const stored = await sql.query<{ name_bidx: string }>('select name_bidx from customer where id = $1', [
        jan.order.customerId,
      ]);
      expect(stored.rows[0]!.name_bidx).toBe(nameIndex(blindIndex, 'Jan Smit'));

      const indexed = await score(order('after-d', 'Jan Smit', iban));
      expect(indexed.reasons.map((r) => r.code)).not.toContain('IBAN_REUSED_OTHER_NAME');
    } finally {
      await sql.end();
    }
  });
});
