/**
 * The sealer: the only writer of sequence numbers. In one transaction, under an advisory lock so that
 * one process seals at a time however many run, it takes what waits in the inbox, numbers it after the
 * last sealed event, appends the leaves to the tree, signs a checkpoint and empties those inbox rows.
 *
 * Why an inbox rather than "events with an id above the last one sealed": ids are handed out when a
 * transaction inserts, not when it commits, so a slow transaction can commit a lower id after a higher
 * one was sealed, and a watermark would skip it forever. The sealer instead takes every committed row
 * still in the inbox, whatever its id; a row that commits late is simply sealed in the next round. A
 * crash before commit changes nothing (the rows stay in the inbox); after commit the work is done.
 */
import type { KeyObject } from 'node:crypto';
import { auditLeafHash, eventFromRow, type AuditEventRow } from './audit-event';
import { signCheckpoint } from './checkpoint';
import type { CheckpointWitness, SignedCheckpoint } from './checkpoint-witness';
import { CompactRange, hashToHex } from './merkle';
import type { SqlRunner } from './sql-runner';
import { appendLeaf, insertTreeNodes, type TreeNode } from './tree-store';

/** Advisory lock key shared by every sealer on the database ("audit" in ASCII). */
export const SEALER_LOCK_KEY = 0x61756474;

export interface SealerOptions {
  batchSize?: number;
  intervalMs?: number;
  log?: (line: string) => void;
}

export interface AuditSigner {
  privateKey: KeyObject;
  publicKeyHex: string;
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
  private partitionsCheckedOn = '';

  constructor(
    private readonly db: SqlRunner,
    private readonly signer: AuditSigner,
    private readonly witnesses: readonly CheckpointWitness[],
    private readonly options: SealerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 2_000;
    this.intervalMs = options.intervalMs ?? 200;
  }

  /** Seals until the inbox is empty (or another process holds the lock); returns the checkpoints made. */
  async sealPending(): Promise<SignedCheckpoint[]> {
    const made: SignedCheckpoint[] = [];
    for (;;) {
      const checkpoint = await this.sealOnce();
      if (checkpoint === null) return made;
      made.push(checkpoint);
    }
  }

  /** One batch. Null when there was nothing to seal or another sealer holds the lock. */
  async sealOnce(): Promise<SignedCheckpoint | null> {
    await this.ensurePartitions();
    const checkpoint = await this.db.transaction(async (tx) => {
      const [lock] = await tx.query<{ locked: boolean }>('select pg_try_advisory_xact_lock(?) as locked', [
        SEALER_LOCK_KEY,
      ]);
      if (lock?.locked !== true) return null;
      const [state] = await tx.query<{ tree_size: string; compact_range: unknown }>(
        'select tree_size, compact_range from audit_sealer_state where id = 1',
      );
      if (state === undefined) throw new Error('audit_sealer_state is missing its row');
      const rows = await tx.query<InboxRow>('select * from audit_inbox order by inbox_id limit ?', [
        this.batchSize,
      ]);
      if (rows.length === 0) return null;

      const range = CompactRange.fromJSON(state.compact_range);
      if (range.size !== Number(state.tree_size)) throw new Error('audit_sealer_state is inconsistent');
      const sealedAt = new Date();
      const nodes: TreeNode[] = [];
      const eventRows = rows.map((row) => {
        const event = eventFromRow(row, range.size);
        const leaf = auditLeafHash(event);
        nodes.push(...appendLeaf(range, leaf));
        return {
          ...row,
          sequence: event.sequence,
          sealed_at: sealedAt.toISOString(),
          leaf_hash: leaf.toString('hex'),
        };
      });
      await tx.query(
        `insert into audit_event (sequence, event_id, occurred_at, sealed_at, actor_id, actor_kind, role, on_behalf_of,
           subject_id, categories, fields, action, purpose, request_id, trace_id, client_ip, user_agent, leaf_hash)
         select sequence, event_id, occurred_at, sealed_at, actor_id, actor_kind, role, on_behalf_of, subject_id,
           categories, fields, action, purpose, request_id, trace_id, client_ip, user_agent, decode(leaf_hash, 'hex')
         from jsonb_to_recordset(?::jsonb) as x(sequence bigint, event_id uuid, occurred_at timestamptz,
           sealed_at timestamptz, actor_id uuid, actor_kind text, role text, on_behalf_of text, subject_id uuid,
           categories text[], fields text[], action text, purpose text, request_id text, trace_id text,
           client_ip text, user_agent text, leaf_hash text)`,
        [JSON.stringify(eventRows)],
      );
      await insertTreeNodes(tx, nodes);
      await tx.query(
        'delete from audit_inbox where inbox_id in (select (jsonb_array_elements_text(?::jsonb))::bigint)',
        [JSON.stringify(rows.map((r) => r.inbox_id))],
      );
      const unsigned = {
        treeSize: range.size,
        rootHash: hashToHex(range.root()),
        createdAt: sealedAt.toISOString(),
      };
      const signed: SignedCheckpoint = {
        ...unsigned,
        signature: signCheckpoint(unsigned, this.signer.privateKey),
        publicKey: this.signer.publicKeyHex,
      };
      await tx.query(
        `insert into audit_checkpoint (tree_size, root_hash, created_at, signature, public_key)
         values (?, decode(?, 'hex'), ?, decode(?, 'hex'), ?)`,
        [signed.treeSize, signed.rootHash, signed.createdAt, signed.signature, signed.publicKey],
      );
      await tx.query('update audit_sealer_state set tree_size = ?, compact_range = ?::jsonb where id = 1', [
        range.size,
        JSON.stringify(range.toJSON()),
      ]);
      return signed;
    });
    if (checkpoint !== null) await this.publish(checkpoint);
    return checkpoint;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Seals soon (events were just committed), without waiting for the next tick. */
  wake(): void {
    if (this.stopped || this.running !== undefined) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.schedule(5);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.sealPending()
        .catch((error: unknown) =>
          this.options.log?.(`audit sealer: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(this.intervalMs);
        });
    }, delayMs);
  }

  private async publish(checkpoint: SignedCheckpoint): Promise<void> {
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
  }

  /** Monthly partitions for this and the next two months, checked once a day. */
  private async ensurePartitions(): Promise<void> {
    const today = new Date().toISOString().slice(0, 10);
    if (this.partitionsCheckedOn === today) return;
    await this.db.query('select audit_ensure_partitions(now(), 3)');
    this.partitionsCheckedOn = today;
  }
}
