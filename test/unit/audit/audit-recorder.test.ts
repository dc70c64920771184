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

const turn = () => new Promise((r) => setImmediate(r));

describe('AuditRecorder', () => {
  it('sends what waits while a batch commits as the next batch, and a second batch only when many wait', async () => {
    const { appender, batches } = heldAppender();
    const recorder = new AuditRecorder(appender, { pipelineAt: 4 });
    const first = recorder.record(readEvents(1));
    const waiting = [recorder.record(readEvents(1)), recorder.record(readEvents(2))];
    await turn();
    expect(batches.map((b) => b.events.length)).toEqual([1]); // 3 waiting: below pipelineAt

    waiting.push(recorder.record(readEvents(1)));
    await turn();
    expect(batches.map((b) => b.events.length)).toEqual([1, 4]); // 4 waiting: a second batch in flight

    waiting.push(recorder.record(readEvents(5)));
    await turn();
    expect(batches).toHaveLength(2); // never a third in flight

    batches[0]!.commit();
    await first;
    await turn();
    expect(batches.map((b) => b.events.length)).toEqual([1, 4, 5]);
    batches[1]!.commit();
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
