/**
 * The one way events enter the audit log, for GraphQL reads, command-line exports, reports and jobs
 * alike. `record` resolves only once the events are committed, so a caller can hold back personal data
 * until then (fail closed). Concurrent callers share commits (group commit): events that arrive while
 * a batch is being written go into the next batch, so throughput grows with load instead of every
 * request paying for its own transaction.
 */
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
  /** Batches written at the same time (each on its own pooled connection). */
  maxConcurrentWrites?: number;
  /** Called after each committed batch, e.g. to wake the sealer. */
  onCommitted?: (count: number) => void;
}

export class AuditWriteError extends Error {}

export class AuditRecorder {
  private readonly waiting: Waiting[] = [];
  private writing = 0;
  private readonly maxBatch: number;
  private readonly maxConcurrentWrites: number;

  constructor(
    private readonly db: SqlRunner,
    private readonly options: AuditRecorderOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.maxConcurrentWrites = options.maxConcurrentWrites ?? 2;
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
    this.options.onCommitted?.(events.length);
  }

  private pump(): void {
    while (this.writing < this.maxConcurrentWrites && this.waiting.length > 0) {
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
      this.writing++;
      void this.write(batch, size);
    }
  }

  private async write(batch: Waiting[], size: number): Promise<void> {
    try {
      await insertIntoInbox(
        this.db,
        batch.flatMap((w) => w.events),
      );
      for (const w of batch) w.resolve();
      this.options.onCommitted?.(size);
    } catch (cause) {
      const error = new AuditWriteError('The audit log could not store the events', { cause });
      for (const w of batch) w.reject(error);
    } finally {
      this.writing--;
      this.pump();
    }
  }
}
