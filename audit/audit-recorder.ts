/**
 * The one way events enter the audit log, for GraphQL reads, command-line exports, reports and jobs
 * alike. `record` resolves only once the events are committed, sealed into the tree, so a caller can
 * hold back personal data until then (fail closed). Concurrent callers share commits (group commit):
 * events that arrive while a batch is being written go into the next batch, so throughput grows with
 * load instead of every request paying for its own transaction. Events of a change are written in the
 * change's own transaction instead (`recordInTransaction`), to the inbox the sealer empties.
 */
import type { AuditAppender } from './audit-appender';
import { insertIntoInbox } from './audit-inbox';
import type { AuditEventInput } from './audit-event';
import type { SqlRunner } from './sql-runner';

interface Waiting {
  events: readonly AuditEventInput[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface AuditRecorderOptions {
  /** Events per INSERT at most. */
  maxBatch?: number;
  /**
   * Called once events are written to the inbox inside a caller's transaction, before that commits, e.g.
   * to wake the sealer: its few milliseconds' delay usually lets the commit land first, and its next
   * tick takes the events otherwise.
   */
  onInboxWritten?: (count: number) => void;
}

export class AuditWriteError extends Error {}

export class AuditRecorder {
  private readonly waiting: Waiting[] = [];
  private writing = false;
  private readonly maxBatch: number;

  constructor(
    private readonly appender: AuditAppender,
    private readonly options: AuditRecorderOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
  }

  /** Commits the events (batched with other callers'); rejects with AuditWriteError if they were not stored. */
  record(events: readonly AuditEventInput[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ events, resolve, reject });
      this.pump();
    });
  }

  /** Writes the events inside the caller's transaction: they commit or roll back with the change. */
  async recordInTransaction(tx: SqlRunner, events: readonly AuditEventInput[]): Promise<void> {
    await insertIntoInbox(tx, events);
    this.options.onInboxWritten?.(events.length);
  }

  private pump(): void {
    // One batch at a time. Batches commit one after the other anyway (each holds the tree state's row
    // lock until its commit is flushed); measured, a second one in flight only split the callers into
    // two smaller batches and cost throughput. What arrives meanwhile makes the next batch bigger.
    if (!this.writing && this.waiting.length > 0) {
      const batch: Waiting[] = [];
      let size = 0;
      while (
        this.waiting.length > 0 &&
        (batch.length === 0 || size + this.waiting[0]!.events.length <= this.maxBatch)
      ) {
        const next = this.waiting.shift()!;
        batch.push(next);
        size += next.events.length;
      }
      this.writing = true;
      void this.write(batch);
    }
  }

  private async write(batch: Waiting[]): Promise<void> {
    try {
      await this.appender.append(batch.flatMap((w) => w.events));
      for (const w of batch) w.resolve();
    } catch (cause) {
      const error = new AuditWriteError('The audit log could not store the events', { cause });
      for (const w of batch) w.reject(error);
    } finally {
      // The next batch starts after the callers just released have had their turn: many of them
      // record again at once, and they should share that batch rather than trickle in after it.
      setImmediate(() => {
        this.writing = false;
        this.pump();
      });
    }
  }
}
