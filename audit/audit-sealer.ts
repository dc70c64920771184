/**
 * The inbox sealer. Events written inside a caller's transaction (a change and its audit event commit
 * together) wait in `audit_inbox`; the sealer numbers them after the last sealed event, appends their
 * leaves to the tree, signs a checkpoint and empties those inbox rows, all in one transaction that
 * holds the tree state's row lock, so however many processes run, one seals at a time and the
 * recorder's direct appends (audit-appender.ts) wait their turn. Its tick also signs a checkpoint
 * whenever the direct appends have grown the tree past the newest one.
 *
 * Why an inbox rather than "events with an id above the last one sealed": ids are handed out when a
 * transaction inserts, not when it commits, so a slow transaction can commit a lower id after a higher
 * one was sealed, and a watermark would skip it forever. The sealer instead takes every committed row
 * still in the inbox, whatever its id; a row that commits late is simply sealed in the next round. A
 * crash before commit changes nothing (the rows stay in the inbox); after commit the work is done.
 */
import { eventFromRow, type AuditEventRow } from './audit-event';
import {
  checkpointParams,
  insertCheckpointSql,
  insertPlacedEventsSql,
  placeEvents,
  type AuditAppender,
} from './audit-appender';
import type { SignedCheckpoint } from './checkpoint-witness';
import type { SqlRunner } from './sql-runner';
import { insertTreeNodesSql, treeNodesJson } from './tree-store';
import { errorMessage } from '../src/errors/errors';

export interface SealerOptions {
  batchSize?: number;
  intervalMs?: number;
  log?: (line: string) => void;
}

interface InboxRow extends AuditEventRow {
  inbox_id: string;
}

export class AuditSealer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private readonly batchSize: number;
  private readonly intervalMs: number;
  /** Failed ticks in a row, and when one was last logged: a database that is down fails every tick. */
  private failures = 0;
  private failureLoggedAt = 0;

  constructor(
    private readonly db: SqlRunner,
    private readonly appender: AuditAppender,
    private readonly options: SealerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 2_000;
    this.intervalMs = options.intervalMs ?? 200;
  }

  /**
   * Seals until the inbox is empty, then signs a checkpoint if the tree has outgrown the newest one;
   * returns the checkpoints made. Resolves once they have reached the witnesses.
   */
  async sealPending(): Promise<SignedCheckpoint[]> {
    const made: SignedCheckpoint[] = [];
    for (;;) {
      const checkpoint = await this.sealOnce();
      if (checkpoint === null) break;
      made.push(checkpoint);
    }
    const covering = await this.appender.checkpointIfBehind();
    if (covering !== null) made.push(covering);
    await this.appender.published();
    return made;
  }

  /** One batch from the inbox, with its checkpoint. Null when the inbox was empty. */
  async sealOnce(): Promise<SignedCheckpoint | null> {
    await this.appender.ensurePartitions();
    // Most ticks find the inbox empty: look without taking the lock the group commits need. Through
    // the primary key, not `exists (select from audit_inbox)`: sealed rows are deleted, and until
    // (auto)vacuum has run a sequential scan reads every page they left behind (1.2 ms a look in the
    // score-order benchmark), while the index scan marks their entries dead and skips them next time.
    const waiting = await this.db.query('select inbox_id from audit_inbox order by inbox_id limit 1');
    if (waiting.length === 0) return null;
    const sealed = await this.db.transaction(async (tx) => {
      // The row lock first, then the inbox: rows another sealer took before we got the lock are gone.
      const range = await this.appender.readRange(tx, true);
      const rows = await tx.query<InboxRow>('select * from audit_inbox order by inbox_id limit ?', [
        this.batchSize,
      ]);
      if (rows.length === 0) return null;
      const sealedAt = new Date();
      const placed = placeEvents(
        range,
        rows.map((row) => eventFromRow(row, 0)),
        sealedAt,
      );
      await tx.query(insertPlacedEventsSql(), [JSON.stringify(placed.rows)]);
      await tx.query(insertTreeNodesSql(), [treeNodesJson(placed.nodes)]);
      // Through the function: the application role may not delete inbox rows itself, only those whose
      // event now stands in the log unchanged (migration 17).
      const [taken] = await tx.query<{ taken: number }>('select audit_inbox_take(?::bigint[]) as taken', [
        rows.map((r) => r.inbox_id),
      ]);
      if (taken?.taken !== rows.length) {
        throw new Error(
          `audit_inbox_take removed ${taken?.taken ?? 0} of the ${rows.length} inbox rows sealed`,
        );
      }
      const checkpoint = this.appender.sign(range, sealedAt);
      await tx.query(insertCheckpointSql(), checkpointParams(checkpoint));
      await this.appender.saveRange(tx, range);
      return { checkpoint, range };
    });
    if (sealed === null) return null;
    this.appender.adopt(sealed.range);
    this.appender.publish(sealed.checkpoint);
    return sealed.checkpoint;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Seals soon (events were just committed to the inbox), without waiting for the next tick. */
  wake(): void {
    if (this.stopped || this.running !== undefined) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.schedule(5);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
    await this.appender.published();
  }

  /** Logs the first failure of a run of them, then at most one a minute, with how many there were. */
  private failed(error: unknown): void {
    this.failures++;
    const now = Date.now();
    if (this.failures > 1 && now - this.failureLoggedAt < 60_000) return;
    this.failureLoggedAt = now;
    const why = errorMessage(error);
    const run = this.failures > 1 ? ` (${this.failures} failed attempts in a row)` : '';
    this.options.log?.(`audit sealer: ${why}${run}; trying again every ${this.intervalMs} ms`);
  }

  private recovered(): void {
    if (this.failures === 0) return;
    this.options.log?.(`audit sealer: sealing again after ${this.failures} failed attempts`);
    this.failures = 0;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.sealPending()
        .then(
          () => this.recovered(),
          (error: unknown) => this.failed(error),
        )
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(this.intervalMs);
        });
    }, delayMs);
  }
}
