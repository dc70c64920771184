// Migration 9 starts the third-party register's history: entries that existed before it get one
// `history_started` row with their settings as they stood; its `down` removes the history again.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/orm';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

describe('migration 9, the third-party register history', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await createTestPlatform();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('gives every entry registered before it one history_started row with its settings', async () => {
    const migrator = t.platform.db.orm.getMigrator();
    await migrator.down({ migrations: ['Migration20261205000009_third_party_changes'] });
    const sql = await t.db.superuser();
    try {
      expect((await sql.query("select to_regclass('third_party_change') as t")).rows[0].t).toBeNull();
      const actorId = randomUUID();
      await sql.query(
        `insert into actor (id, kind, role, name, created_at) values ($1, 'third_party', 'registry', 'old API', now())`,
        [actorId],
      );
      const entries = [
        { id: randomUUID(), actor: actorId, required: true },
        { id: randomUUID(), actor: null, required: false },
      ];
      for (const [i, e] of entries.entries()) {
        await sql.query(
          `insert into third_party (id, name, kind, actor_id, receives, made_public, disclosure_policy,
             on_behalf_of_required, created_at)
           values ($1, $2, 'other', $3, '{name}', '{}', 'policy', $4, now() - interval '1 year')`,
          [e.id, `old entry ${i}`, e.actor, e.required],
        );
      }

      expect(await migrate(t.platform.db.orm)).toEqual(['Migration20261205000009_third_party_changes']);
      for (const e of entries) {
        const history = await t.platform.services.thirdParties.changes(t.platform.db.orm.em.fork(), e.id);
        expect(history).toEqual([
          expect.objectContaining({
            change: 'history_started',
            changedBy: null,
            actorId: e.actor,
            onBehalfOfRequired: e.required,
          }),
        ]);
      }
    } finally {
      await sql.end();
    }
  });
});
