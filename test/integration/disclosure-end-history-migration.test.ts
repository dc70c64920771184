// Migration 13 lets a disclosure hold several recorded ends (an end brought forward keeps the one it
// replaced): ends recorded before it keep their rows and get an id, and its `down` goes back to one end
// per disclosure, keeping the earliest, the one that counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/orm';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';
import { newCustomer, officer } from './privacy/privacy-fixtures';

const MIGRATION = 'Migration20261208000013_disclosure_end_history';

describe('migration 13, the history of disclosure ends', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await createTestPlatform();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the ends recorded before it, and keeps the earliest when going back', async () => {
    const em = () => t.platform.db.orm.em.fork();
    const thirdParties = t.platform.services.thirdParties;
    const [sidn] = await thirdParties.ensureDefaults(em());
    const customerId = await newCustomer(t);
    const disclose = () =>
      thirdParties.recordDisclosure(
        em(),
        { customerId, thirdPartyId: sidn!.id, categories: ['name'], purpose: 'domain-registration' },
        officer,
      );
    const later = new Date(Date.now() + 48 * 3_600_000);
    const sooner = new Date(Date.now() + 24 * 3_600_000);
    const endBoth = async (disclosureId: string) => {
      await thirdParties.endDisclosure(
        em(),
        { disclosureId, reason: 'contract end', endsAt: later },
        officer,
      );
      await thirdParties.endDisclosure(em(), { disclosureId, reason: 'moved', endsAt: sooner }, officer);
    };
    const first = await disclose();
    await endBoth(first.id);

    const migrator = t.platform.db.orm.getMigrator();
    await migrator.down({ migrations: [MIGRATION] });
    const sql = await t.db.superuser();
    try {
      const ends = (id: string) =>
        sql.query('select reason, ends_at from disclosure_end where disclosure_id = $1 order by ends_at', [
          id,
        ]);
      expect((await ends(first.id)).rows).toEqual([{ reason: 'moved', ends_at: sooner }]);
      // The old shape: one end per disclosure.
      await expect(
        sql.query(
          `insert into disclosure_end (disclosure_id, ends_at, reason, recorded_at) values ($1, now(), 'x', now())`,
          [first.id],
        ),
      ).rejects.toThrow(/disclosure_end_pkey/);
      const second = await disclose();
      await sql.query(
        `insert into disclosure_end (disclosure_id, ends_at, reason, recorded_at) values ($1, $2, 'contract end', now())`,
        [second.id, later],
      );

      expect(await migrate(t.platform.db.orm)).toEqual([MIGRATION]);
      expect((await ends(second.id)).rows).toEqual([{ reason: 'contract end', ends_at: later }]);
      const ids = await sql.query('select id from disclosure_end where id is null');
      expect(ids.rows).toEqual([]);
      // An end recorded before the migration can now be brought forward.
      const brought = await thirdParties.endDisclosure(
        em(),
        { disclosureId: second.id, reason: 'moved', endsAt: sooner },
        officer,
      );
      expect(brought.accessEndsAt).toEqual(sooner);
      expect(brought.ends.map((e) => e.reason)).toEqual(['contract end', 'moved']);
    } finally {
      await sql.end();
    }
  });
});
