/**
 * The recorder's group commit: how it cuts waiting events into batches for the appender. The appender
 * here is a controllable stand-in (the real one is tested against PostgreSQL in test/integration).
 */
import { describe, expect, it } from 'vitest';
import type { AuditAppender } from '../../../audit/audit-appender';
import type { AuditEventInput } from '../../../audit/audit-event';
import { AuditRecorder, AuditWriteError } from '../../../audit/audit-recorder';
import { readEvents } from '../../support/audit-fixtures';

/** Records each batch and lets the test decide when (and whether) it commits. */
function heldAppender() {
  const batches: { events: readonly AuditEventInput[]; commit: () => void; fail: () => void }[] = [];
  const appender = {
    append: (events: readonly AuditEventInput[]) =>
      new Promise<void>((resolve, reject) =>
        batches.push({ events, commit: resolve, fail: () => reject(new Error('database down')) }),
      ),
  } as unknown as AuditAppender;
  return { appender, batches };
}

/** Lets promise callbacks and the recorder's deferred start of the next batch run. */
const turn = async () => {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
};

describe('AuditRecorder', () => {
  it('sends everything that waited while a batch committed as the next batch, one batch at a time', async () => {
    const { appender, batches } = heldAppender();
    const recorder = new AuditRecorder(appender, { maxBatch: 6 });
    const first = recorder.record(readEvents(1));
    const waiting = [recorder.record(readEvents(1)), recorder.record(readEvents(2))];
    waiting.push(recorder.record(readEvents(3)), recorder.record(readEvents(1)));
    await turn();
    expect(batches.map((b) => b.events.length)).toEqual([1]); // never a second batch in flight

    batches[0]!.commit();
    await first;
    await turn();
    expect(batches.map((b) => b.events.length)).toEqual([1, 6]); // 1 + 2 + 3, cut at maxBatch
    batches[1]!.commit();
    await turn();
    expect(batches.map((b) => b.events.length)).toEqual([1, 6, 1]);
    batches[2]!.commit();
    await Promise.all(waiting);
  });

  it('rejects every caller of a failed batch with AuditWriteError, and goes on with the next', async () => {
    const { appender, batches } = heldAppender();
    const recorder = new AuditRecorder(appender);
    const a = recorder.record(readEvents(1));
    await turn();
    const b = recorder.record(readEvents(2));
    const c = recorder.record(readEvents(1));
    batches[0]!.fail();
    await expect(a).rejects.toBeInstanceOf(AuditWriteError);
    await turn();
    expect(batches.map((x) => x.events.length)).toEqual([1, 3]);
    batches[1]!.commit();
    await expect(Promise.all([b, c])).resolves.toBeDefined();
  });
});
