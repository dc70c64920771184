/**
 * The one place where events get their sequence number and their leaf in the Merkle tree, and where
 * checkpoints are signed. Two paths use it:
 *
 * - `append`: events that exist nowhere else yet (the recorder's group commits) are numbered, hashed
 *   and stored with their tree nodes and the new tree state in ONE statement, so a read's event is
 *   sealed the moment it is committed and costs one round trip. The statement only takes effect if the
 *   stored tree state is still the one the numbers were computed from (optimistic concurrency): when
 *   another process or the inbox sealer got there first, it changes nothing, and the batch is numbered
 *   again under the state's row lock. The row update serialises writers, so commit order is sequence
 *   order and an aborted batch leaves no gap.
 * - the inbox sealer (audit-sealer.ts), for events written inside a caller's transaction, locks the
 *   same state row and uses the same placement and signing.
 *
 * Checkpoints: `append` signs one at most every `checkpointIntervalMs` (a checkpoint per group commit
 * would be thousands a second under load); the sealer's tick signs one whenever the tree has grown past
 * the newest checkpoint, so every event is under a signed checkpoint within about a second.
 */
import type { KeyObject } from 'node:crypto';
import { auditLeafHash, eventColumns, type AuditEventColumns, type AuditEventInput } from './audit-event';
import { signCheckpoint } from './checkpoint';
import type { CheckpointWitness, SignedCheckpoint } from './checkpoint-witness';
import { CompactRange, hashToHex } from './merkle';
import type { SqlRunner } from './sql-runner';
import { appendLeaf, insertTreeNodesSql, treeNodesJson, type TreeNode } from './tree-store';

export interface AuditSigner {
  privateKey: KeyObject;
  publicKeyHex: string;
}

export interface AuditAppenderOptions {
  /** Least time between two checkpoints signed by `append` (the sealer's tick covers the rest). */
  checkpointIntervalMs?: number;
  log?: (line: string) => void;
}

/** An event row as `audit_event` takes it from `json_to_recordset` (see insertPlacedEventsSql). */
export type PlacedEventRow = AuditEventColumns & { sequence: number; sealed_at: string; leaf_hash: string };

export interface PlacedEvents {
  rows: PlacedEventRow[];
  nodes: TreeNode[];
}

/** A batch numbered after a tree state, with the state it leads to: what `send` stores. */
export interface PreparedAppend {
  /** The tree the batch was numbered after. */
  from: CompactRange;
  range: CompactRange;
  placed: PlacedEvents;
  checkpoint: SignedCheckpoint | null;
}

/** Numbers the events after the range's last leaf and appends their leaves to it (the range changes). */
export function placeEvents(
  range: CompactRange,
  events: readonly AuditEventInput[],
  sealedAt: Date,
): PlacedEvents {
  const sealed = sealedAt.toISOString();
  const nodes: TreeNode[] = [];
  const rows = events.map((e): PlacedEventRow => {
    const sequence = range.size;
    const leaf = auditLeafHash({ ...e, sequence });
    nodes.push(...appendLeaf(range, leaf));
    return { ...eventColumns(e), sequence, sealed_at: sealed, leaf_hash: leaf.toString('hex') };
  });
  return { rows, nodes };
}

/** Inserts a JSON array of PlacedEventRow into audit_event; `filter` may add a WHERE clause. */
export function insertPlacedEventsSql(filter = ''): string {
  return `insert into audit_event (sequence, event_id, occurred_at, sealed_at, actor_id, actor_kind, role,
      on_behalf_of, subject_id, categories, fields, action, purpose, request_id, trace_id, client_ip, user_agent,
      leaf_hash)
    select sequence, event_id, occurred_at, sealed_at, actor_id, actor_kind, role, on_behalf_of, subject_id,
      categories, fields, action, purpose, request_id, trace_id, client_ip, user_agent, decode(leaf_hash, 'hex')
    from json_to_recordset(?::json) as x(sequence bigint, event_id uuid, occurred_at timestamptz,
      sealed_at timestamptz, actor_id uuid, actor_kind text, role text, on_behalf_of text, subject_id uuid,
      categories text[], fields text[], action text, purpose text, request_id text, trace_id text,
      client_ip text, user_agent text, leaf_hash text) ${filter}`;
}

/** Inserts a signed checkpoint (see checkpointParams); `filter` may add a WHERE clause. */
export function insertCheckpointSql(filter = ''): string {
  return `insert into audit_checkpoint (tree_size, root_hash, created_at, signature, public_key)
    select ?, decode(?, 'hex'), ?::timestamptz, decode(?, 'hex'), ? ${filter}`;
}

export function checkpointParams(c: SignedCheckpoint): unknown[] {
  return [c.treeSize, c.rootHash, c.createdAt, c.signature, c.publicKey];
}

/** `send`'s statement; its texts are built once, as it runs thousands of times a second. */
function appendSql(withCheckpoint: boolean): string {
  const ifStateMoved = 'where exists (select from state)';
  return `with state as (
      update audit_sealer_state set tree_size = ?, compact_range = ?::jsonb
      where id = 1 and tree_size = ? returning 1
    ), events as (${insertPlacedEventsSql(ifStateMoved)}
    ), nodes as (${insertTreeNodesSql(ifStateMoved)}
    )${withCheckpoint ? `, checkpoint as (${insertCheckpointSql(ifStateMoved)})` : ''}
    select count(*)::int as appended from state`;
}
const APPEND_SQL = appendSql(false);
const APPEND_WITH_CHECKPOINT_SQL = appendSql(true);

/** The batch placed after `before` (which is left as it is), without a checkpoint. */
export function prepareAppend(
  before: CompactRange,
  events: readonly AuditEventInput[],
  sealedAt: Date,
): PreparedAppend {
  const range = before.clone();
  return { from: before, range, placed: placeEvents(range, events, sealedAt), checkpoint: null };
}

/**
 * The one statement that stores a prepared batch: events, tree nodes, new state and maybe a checkpoint,
 * if the stored tree size is still `from`'s. Its one row's `appended` is 1 if it took effect, else 0.
 */
export function appendStatement(a: PreparedAppend): { sql: string; params: unknown[] } {
  return {
    sql: a.checkpoint === null ? APPEND_SQL : APPEND_WITH_CHECKPOINT_SQL,
    params: [
      a.range.size,
      JSON.stringify(a.range.toJSON()),
      a.from.size,
      JSON.stringify(a.placed.rows),
      treeNodesJson(a.placed.nodes),
      ...(a.checkpoint === null ? [] : checkpointParams(a.checkpoint)),
    ],
  };
}

export class AuditAppender {
  /**
   * The tree as this process last committed or read it; null until read, and again after an append
   * failed or was refused. Possibly stale: another process may have appended since (see `append`).
   */
  private range: CompactRange | null = null;
  /** Appends of this process run one at a time, so `range` never runs ahead of what is committed. */
  private queue: Promise<unknown> = Promise.resolve();
  private lastCheckpointAt = 0;
  private publishing: Promise<unknown> = Promise.resolve();
  private partitionsCheckedOn = '';
  private readonly checkpointIntervalMs: number;

  constructor(
    private readonly db: SqlRunner,
    private readonly signer: AuditSigner,
    private readonly witnesses: readonly CheckpointWitness[],
    private readonly options: AuditAppenderOptions = {},
  ) {
    this.checkpointIntervalMs = options.checkpointIntervalMs ?? 500;
  }

  /** Numbers, hashes and stores the events, sealed, in one statement; resolves once committed. */
  append(events: readonly AuditEventInput[]): Promise<void> {
    const run = this.queue.then(() => this.appendNow(events));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendNow(events: readonly AuditEventInput[]): Promise<void> {
    if (events.length === 0) return;
    await this.ensurePartitions();
    if (this.range !== null) {
      const attempt = this.prepare(this.range, events);
      this.range = attempt.range;
      const sent = await this.send(this.db, attempt).catch((error: unknown) => {
        this.range = null; // whether it committed is not known
        throw error;
      });
      if (sent) return this.committed(attempt);
      this.range = null;
    }
    // Overtaken (another process appended) or the state is not known: number the batch under the
    // row lock, so writers in many processes wait their turn instead of starving each other.
    const locked = await this.db.transaction(async (tx) => {
      const attempt = this.prepare(await this.readRange(tx, true), events);
      if (!(await this.send(tx, attempt))) throw new Error('audit_sealer_state changed under its row lock');
      return attempt;
    });
    this.adopt(locked.range);
    this.committed(locked);
  }

  /** Places the events after `before` and signs a checkpoint if one is due (synchronous: no other batch interleaves). */
  private prepare(before: CompactRange, events: readonly AuditEventInput[]): PreparedAppend {
    const sealedAt = new Date();
    const prepared = prepareAppend(before, events, sealedAt);
    if (sealedAt.getTime() - this.lastCheckpointAt >= this.checkpointIntervalMs) {
      prepared.checkpoint = this.sign(prepared.range, sealedAt);
      this.lastCheckpointAt = sealedAt.getTime();
    }
    return prepared;
  }

  /**
   * Sends the batch's statement (see appendStatement). The stored size is enough of a check: every
   * append makes the tree bigger, and this process's own appends run one at a time, so an unchanged
   * size means nobody appended since `from` was committed.
   */
  private async send(db: SqlRunner, a: PreparedAppend): Promise<boolean> {
    const { sql, params } = appendStatement(a);
    const [result] = await db.query<{ appended: number }>(sql, params);
    return result?.appended === 1;
  }

  /** Only what is committed is shown to the witnesses. */
  private committed(a: PreparedAppend): void {
    if (a.checkpoint !== null) this.publish(a.checkpoint);
  }

  /** Reads the stored tree state; `forUpdate` also locks it until the transaction ends. */
  async readRange(db: SqlRunner, forUpdate = false): Promise<CompactRange> {
    const [state] = await db.query<{ tree_size: string; compact_range: unknown }>(
      `select tree_size, compact_range from audit_sealer_state where id = 1${forUpdate ? ' for update' : ''}`,
    );
    if (state === undefined) throw new Error('audit_sealer_state is missing its row');
    const range = CompactRange.fromJSON(state.compact_range);
    if (range.size !== Number(state.tree_size)) throw new Error('audit_sealer_state is inconsistent');
    return range;
  }

  /** Stores the tree state the caller's transaction has moved on to (under the row lock of `readRange`). */
  async saveRange(tx: SqlRunner, range: CompactRange): Promise<void> {
    await tx.query('update audit_sealer_state set tree_size = ?, compact_range = ?::jsonb where id = 1', [
      range.size,
      JSON.stringify(range.toJSON()),
    ]);
  }

  /** Remembers a committed tree state, unless this process has already seen a newer one. */
  adopt(range: CompactRange): void {
    if (this.range === null || range.size >= this.range.size) this.range = range;
  }

  /** Signs a checkpoint over the range as it stands. */
  sign(range: CompactRange, createdAt: Date): SignedCheckpoint {
    const unsigned = {
      treeSize: range.size,
      rootHash: hashToHex(range.root()),
      createdAt: createdAt.toISOString(),
    };
    return {
      ...unsigned,
      signature: signCheckpoint(unsigned, this.signer.privateKey),
      publicKey: this.signer.publicKeyHex,
    };
  }

  /**
   * Signs a checkpoint if the tree has grown past the newest one, so that what `append` sealed between
   * its own checkpoints is covered soon. Null when nothing needed signing.
   */
  async checkpointIfBehind(): Promise<SignedCheckpoint | null> {
    // Looked at without the lock first: the sealer asks several times a second.
    const [look] = await this.db.query<{ behind: boolean }>(
      `select (select tree_size from audit_sealer_state where id = 1)
         > coalesce((select max(tree_size) from audit_checkpoint), 0) as behind`,
    );
    if (look?.behind !== true) return null;
    const signed = await this.db.transaction(async (tx) => {
      const range = await this.readRange(tx, true);
      const [latest] = await tx.query<{ size: string | null }>(
        'select max(tree_size) as size from audit_checkpoint',
      );
      if (range.size === 0 || range.size <= Number(latest?.size ?? 0)) return null;
      const checkpoint = this.sign(range, new Date());
      await tx.query(insertCheckpointSql(), checkpointParams(checkpoint));
      this.adopt(range);
      return checkpoint;
    });
    if (signed !== null) this.publish(signed);
    return signed;
  }

  /** Hands a committed checkpoint to the witnesses, in order, without holding up the caller. */
  publish(checkpoint: SignedCheckpoint): void {
    this.publishing = this.publishing.then(async () => {
      for (const witness of this.witnesses) {
        try {
          await witness.publish(checkpoint);
        } catch (error) {
          // The checkpoint is in the database; the next one published covers this one's events too.
          this.options.log?.(
            `audit witness ${witness.name} missed checkpoint ${checkpoint.treeSize}: ${String(error)}`,
          );
        }
      }
    });
  }

  /** Resolves when every checkpoint handed to `publish` so far has reached the witnesses (or failed to). */
  published(): Promise<void> {
    return this.publishing.then(() => undefined);
  }

  /** Monthly partitions for this and the next two months, checked once a day. */
  async ensurePartitions(): Promise<void> {
    const today = new Date().toISOString().slice(0, 10);
    if (this.partitionsCheckedOn === today) return;
    await this.db.query('select audit_ensure_partitions(now(), 3)');
    this.partitionsCheckedOn = today;
  }
}
