/**
 * Many writers, one history. Regression tests for the trap in sealing: ids are handed out in insert
 * order but transactions commit in another order, so a sealer that took "ids above the last sealed"
 * would skip a slow transaction's event forever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertIntoInbox } from '../../audit/audit-inbox';
import type { Platform } from '../../src/platform';
import { attachPlatform, createTestPlatform, type TestPlatform } from '../support/test-platform';
import { clientRunner, readEvents } from '../support/audit-fixtures';

describe('audit log under concurrency', () => {
  let t: TestPlatform;
  let other: Platform;

  beforeAll(async () => {
    t = await createTestPlatform();
    other = await attachPlatform(t);
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  it('seals an event whose slow transaction commits after later events were sealed', async () => {
    const audit = t.platform.services.audit;
    const slow = await t.db.superuser();
    await slow.query('begin');
    const [slowEvent] = readEvents(1);
    await insertIntoInbox(clientRunner(slow), [slowEvent!]); // gets the lowest inbox id, not yet committed

    await audit.record(readEvents(5));
    await audit.sealer.sealPending();
    const sql = await t.db.superuser();
    const before = await sql.query('select count(*)::int as n from audit_event');
    expect(before.rows[0].n).toBe(5);

    await slow.query('commit');
    await audit.sealer.sealPending();
    const { rows } = await sql.query('select sequence from audit_event where event_id = $1', [
      slowEvent!.eventId,
    ]);
    expect(rows.map((r) => Number(r.sequence))).toEqual([5]);
    expect(await audit.verify()).toMatchObject({ ok: true, treeSize: 6 });
  });

  it('keeps one gap-free sequence with two platforms recording and sealing at once, and slow transactions in between', async () => {
    const a = t.platform.services.audit;
    const b = other.services.audit;
    const stop = { now: false };
    const sealLoop = async (audit: typeof a) => {
      while (!stop.now) {
        await audit.sealer.sealOnce();
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    const slowWriters = Array.from({ length: 4 }, async (_, i) => {
      const client = await t.db.superuser();
      await client.query('begin');
      await insertIntoInbox(clientRunner(client), readEvents(3));
      await new Promise((r) => setTimeout(r, 50 + i * 40));
      await client.query('commit');
    });
    const sealers = [sealLoop(a), sealLoop(b)];
    const writers = Array.from({ length: 40 }, (_, i) =>
      (i % 2 === 0 ? a : b).record(readEvents(1 + (i % 7))),
    );
    await Promise.all([...writers, ...slowWriters]);
    stop.now = true;
    await Promise.all(sealers);
    await a.sealer.sealPending();

    const sql = await t.db.superuser();
    const { rows } = await sql.query('select sequence from audit_event order by sequence');
    const sequences = rows.map((r) => Number(r.sequence));
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i));
    const expected = 6 + 12 + Array.from({ length: 40 }, (_, i) => 1 + (i % 7)).reduce((x, y) => x + y, 0);
    expect(sequences.length).toBe(expected);
    expect((await sql.query('select count(*)::int as n from audit_inbox')).rows[0].n).toBe(0);
    expect(await b.verify()).toMatchObject({ ok: true, treeSize: expected });
  });
});
