// Migration 12 lets a recipient notice belong to a retention action instead of a privacy request:
// notices recorded before it keep their request, exactly one of the two is set, a retention action
// tells each recipient once, and its `down` restores the old shape.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/orm';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';
import { newCustomer, officer } from './privacy/privacy-fixtures';

const MIGRATION = 'Migration20261207000012_retention_notices';

describe('migration 12, recipient notices for retention actions', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await createTestPlatform();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the notices of requests, and holds a notice to exactly one request or retention action', async () => {
    const em = () => t.platform.db.orm.em.fork();
    const [sidn] = await t.platform.services.thirdParties.ensureDefaults(em());
    const customerId = await newCustomer(t);
    const request = await t.platform.services.privacyRequests.create(
      em(),
      { customerId, kind: 'erasure', channel: 'email' },
      officer,
    );
    const migrator = t.platform.db.orm.getMigrator();
    await migrator.down({ migrations: [MIGRATION] });
    const sql = await t.db.superuser();
    try {
      const old = randomUUID();
      await sql.query(
        `insert into recipient_notification (id, request_id, third_party_id, notified_at, what)
         values ($1, $2, $3, now(), 'erasure of the personal data')`,
        [old, request.id, sidn!.id],
      );

      expect(await migrate(t.platform.db.orm)).toEqual([MIGRATION]);
      expect(
        (
          await sql.query(
            'select request_id, retention_action_id from recipient_notification where id = $1',
            [old],
          )
        ).rows,
      ).toEqual([{ request_id: request.id, retention_action_id: null }]);

      const actionId = randomUUID();
      await sql.query(
        `insert into retention_action (id, customer_id, action, due_at, done_at) values ($1, $2, 'archive', now(), now())`,
        [actionId, customerId],
      );
      const insert = (requestId: string | null, retentionActionId: string | null) =>
        sql.query(
          `insert into recipient_notification (id, request_id, retention_action_id, third_party_id, notified_at, what)
           values ($1, $2, $3, $4, now(), 'told')`,
          [randomUUID(), requestId, retentionActionId, sidn!.id],
        );
      await expect(insert(null, null)).rejects.toThrow(/recipient_notification_one_cause/);
      await expect(insert(request.id, actionId)).rejects.toThrow(/recipient_notification_one_cause/);
      await insert(null, actionId);
      await expect(insert(null, actionId)).rejects.toThrow(/recipient_notification_retention_index/);
      // A request's recipient may be told again, as before.
      await insert(request.id, null);

      await migrator.down({ migrations: [MIGRATION] });
      const left = await sql.query('select request_id from recipient_notification order by request_id');
      expect(left.rows).toEqual([{ request_id: request.id }, { request_id: request.id }]);
      await expect(
        sql.query(
          `insert into recipient_notification (id, request_id, third_party_id, notified_at, what)
           values ($1, null, $2, now(), 'no request')`,
          [randomUUID(), sidn!.id],
        ),
      ).rejects.toThrow(/null value/);
      expect(await migrate(t.platform.db.orm)).toEqual([MIGRATION]);
    } finally {
      await sql.end();
    }
  });
});
