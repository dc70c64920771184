/**
 * Many writers, one history. Regression tests for the trap in sealing: ids are handed out in insert
 * order but transactions commit in another order, so a sealer that took "ids above the last sealed"
 * would skip a slow transaction's event forever.
 */
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../audit/audit-event';
import { insertIntoInbox } from '../../audit/audit-inbox';
import type { Platform } from '../../src/platform';
import { attachPlatform, createTestPlatform, type TestPlatform } from '../support/test-platform';
import { clientRunner, readEvents } from '../support/audit-fixtures';

/** The tree size the audit state row holds. */
async function storedTreeSize(sql: Client): Promise<number> {
  return Number((await sql.query('select tree_size from audit_sealer_state')).rows[0].tree_size);
}

/** The sequence numbers the events were sealed at, ascending. */
async function sequencesOf(sql: Client, events: readonly AuditEventInput[]): Promise<number[]> {
  const { rows } = await sql.query('select sequence from audit_event where event_id = any($1) order by 1', [
    events.map((e) => e.eventId),
  ]);
  return rows.map((r) => Number(r.sequence));
}

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

  it('seals recorded events as they commit, and renumbers a batch another process overtook', async () => {
    const a = t.platform.services.audit;
    const b = other.services.audit;
    const sql = await t.db.superuser();
    const sizeBefore = await storedTreeSize(sql);

    // No sealer runs here: record() itself has put the events into the tree by the time it resolves.
    const first = readEvents(3);
    await a.record(first);
    expect(await sequencesOf(sql, first)).toEqual([sizeBefore, sizeBefore + 1, sizeBefore + 2]);

    // b appends after a last saw the tree; a's next batch is computed from a stale size, refused by the
    // tree-size check in its statement, and numbered again from what b left.
    await b.record(readEvents(2));
    const late = readEvents(4);
    await a.record(late);
    expect(await sequencesOf(sql, late)).toEqual([5, 6, 7, 8].map((n) => sizeBefore + n));
    const { rows } = await sql.query('select sequence from audit_event order by sequence');
    expect(rows.map((r) => Number(r.sequence))).toEqual(Array.from({ length: sizeBefore + 9 }, (_, i) => i));
    expect((await sql.query('select count(*)::int as n from audit_inbox')).rows[0].n).toBe(0);

    // A checkpoint then covers them all (signed on demand when the newest one is behind), and they verify.
    expect((await a.latestCheckpoint())?.treeSize).toBe(sizeBefore + 9);
    expect(await b.verify()).toMatchObject({ ok: true, treeSize: sizeBefore + 9 });
  });

  it('numbers the batch after one that failed from the stored state, leaving no gap', async () => {
    const appender = t.platform.services.audit.appender;
    const sql = await t.db.superuser();
    await sql.query(`create function fail_marked_event() returns trigger language plpgsql as $$
      begin raise exception 'refused for the test'; end $$`);
    await sql.query(`create trigger fail_marked_event before insert on audit_event for each row
      when (new.purpose = 'fail-me') execute function fail_marked_event()`);
    try {
      await appender.append(readEvents(1)); // the appender now knows the current state
      const sizeBefore = await storedTreeSize(sql);
      const failing = appender.append(readEvents(2, undefined, 'fail-me'));
      const after = readEvents(3); // asked for while the failing batch is on its way
      const following = appender.append(after);
      await expect(failing).rejects.toThrow();
      await following;
      expect(await sequencesOf(sql, after)).toEqual([0, 1, 2].map((n) => sizeBefore + n));
    } finally {
      await sql.query('drop trigger fail_marked_event on audit_event');
      await sql.query('drop function fail_marked_event()');
    }
    expect(await t.platform.services.audit.verify()).toMatchObject({ ok: true, firstBadSequence: null });
  });

  it('keeps one gap-free sequence with two platforms recording and sealing at once, and slow transactions in between', async () => {
    const a = t.platform.services.audit;
    const b = other.services.audit;
    const sql = await t.db.superuser();
    const sizeBefore = await storedTreeSize(sql);
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

    const { rows } = await sql.query('select sequence from audit_event order by sequence');
    const sequences = rows.map((r) => Number(r.sequence));
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i));
    const expected =
      sizeBefore + 12 + Array.from({ length: 40 }, (_, i) => 1 + (i % 7)).reduce((x, y) => x + y, 0);
    expect(sequences.length).toBe(expected);
    expect((await sql.query('select count(*)::int as n from audit_inbox')).rows[0].n).toBe(0);
    expect(await b.verify()).toMatchObject({ ok: true, treeSize: expected });
  });
});
