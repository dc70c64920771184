/**
 * unusualAccess on PostgreSQL: the figures of the period are the reads in [from, to), also when `from`
 * falls within a day, and the baseline is whole days before it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, offlineContext } from '../../audit/audit-context';
import { unusualAccess } from '../../audit/audit-queries';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

const HOUR = 3_600_000;

describe('unusualAccess', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await createTestPlatform();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** One read by the actor of each of `people` different customers, at `at`. */
  async function reads(actorId: string, people: number, at: Date): Promise<void> {
    const context = offlineContext({ id: actorId, kind: 'employee', role: 'support' }, 'support-ticket:1');
    await t.platform.services.audit.record(
      Array.from({ length: people }, () =>
        auditEvent(
          context,
          { action: 'read', subjectId: randomUUID(), categories: ['name'], fields: ['name'] },
          at,
        ),
      ),
    );
  }

  const ask = async (from: Date, to: Date) =>
    (await t.platform.services.inspection.read((db) => unusualAccess(db, from, to))).value;

  it('counts only the reads from `from` on, though it falls within a day', async () => {
    const now = Date.now();
    const yesterday = now - (now % (24 * HOUR)) - 24 * HOUR;
    const early = randomUUID();
    const late = randomUUID();
    // 12 people at 01:00 yesterday, before a period that starts at noon: not in the question.
    await reads(early, 12, new Date(yesterday + 1 * HOUR));
    // 12 people at 13:00 yesterday, within it.
    await reads(late, 12, new Date(yesterday + 13 * HOUR));

    const flagged = await ask(new Date(yesterday + 12 * HOUR), new Date(now + 60_000));
    expect(flagged.find((f) => f.actorId === early)).toBeUndefined();
    expect(flagged.find((f) => f.actorId === late)).toMatchObject({ distinctSubjects: 12 });

    // Asked from midnight, the early reads are in the period and flagged with their figures.
    const wholeDay = await ask(new Date(yesterday), new Date(now + 60_000));
    expect(wholeDay.find((f) => f.actorId === early)).toMatchObject({ distinctSubjects: 12 });
  });

  it('takes the baseline from whole days before the period', async () => {
    const now = Date.now();
    const yesterday = now - (now % (24 * HOUR)) - 24 * HOUR;
    const actor = randomUUID();
    // Its usual level: 40 people on the first of the thirty days before, at 01:00. A baseline that
    // began at the time of day of `from` (noon) would leave those reads out, find no history of its
    // own, and flag the 12 people below as a first day.
    await reads(actor, 40, new Date(yesterday - 30 * 24 * HOUR + 1 * HOUR));
    await reads(actor, 12, new Date(yesterday + 13 * HOUR));
    const flagged = await ask(new Date(yesterday + 12 * HOUR), new Date(now + 60_000));
    expect(flagged.find((f) => f.actorId === actor)).toBeUndefined();
  });
});
