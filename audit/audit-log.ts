/**
 * The audit log as the rest of the platform uses it: record events (grouped commits, or inside the
 * caller's transaction), seal them in the background, and answer proofs and verification. The privacy
 * officer's questions (audit-queries.ts) take the runner they are given, which may be a replica's.
 */
import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { eventFromRow, type AuditEvent, type AuditEventInput, type AuditEventRow } from './audit-event';
import { AuditAppender } from './audit-appender';
import { AuditRecorder } from './audit-recorder';
import { AuditSealer } from './audit-sealer';
import { findAuditEvents, type AuditCursor, type AuditEventFilter } from './audit-queries';
import { consistencyProofFor, inclusionProofFor } from './audit-proofs';
import {
  checkExternalCheckpoint,
  verifyAuditLog,
  type AuditVerification,
  type ExternalCheckpoint,
  type SignedExternalCheckpoint,
} from './audit-verifier';
import { publicKeyHex } from './checkpoint';
import {
  CorruptWitnessFileError,
  FileWitness,
  readWitnessFile,
  type CheckpointWitness,
  type SignedCheckpoint,
} from './checkpoint-witness';
import type { SqlRunner } from './sql-runner';
import { isUuid } from '../src/validation/uuid';

export interface AuditLogOptions {
  signingKey: KeyObject;
  publicKey: KeyObject;
  /** Retired signing keys (hex or PEM) whose old checkpoints still verify. */
  retiredPublicKeys?: readonly string[];
  witnesses: readonly CheckpointWitness[];
  sealIntervalMs?: number;
  /** Least time between two checkpoints signed by the recorder's appends. */
  checkpointIntervalMs?: number;
  log?: (line: string) => void;
  /** Where `record` writes; defaults to the main runner. A lean runner of its own takes load off requests. */
  recorderDb?: SqlRunner;
}

export class AuditLog {
  readonly appender: AuditAppender;
  readonly recorder: AuditRecorder;
  readonly sealer: AuditSealer;
  readonly publicKeyHex: string;
  private readonly trustedKeys: (KeyObject | string)[];
  private readonly witnesses: readonly CheckpointWitness[];

  constructor(
    private readonly db: SqlRunner,
    options: AuditLogOptions,
  ) {
    this.publicKeyHex = publicKeyHex(options.publicKey);
    this.trustedKeys = [options.publicKey, ...(options.retiredPublicKeys ?? [])];
    this.witnesses = options.witnesses;
    this.appender = new AuditAppender(
      options.recorderDb ?? db,
      { privateKey: options.signingKey, publicKeyHex: this.publicKeyHex },
      options.witnesses,
      { checkpointIntervalMs: options.checkpointIntervalMs, log: options.log },
    );
    this.sealer = new AuditSealer(db, this.appender, {
      intervalMs: options.sealIntervalMs,
      log: options.log,
    });
    this.recorder = new AuditRecorder(this.appender, { onInboxWritten: () => this.sealer.wake() });
  }

  record(events: readonly AuditEventInput[]): Promise<void> {
    return this.recorder.record(events);
  }

  recordInTransaction(tx: SqlRunner, events: readonly AuditEventInput[]): Promise<void> {
    return this.recorder.recordInTransaction(tx, events);
  }

  /**
   * Sealed events matching `filter`, on the primary. The privacy officer's own questions (audit-queries.ts)
   * run where src/db/read-replica.ts decides.
   */
  events(filter: AuditEventFilter, limit: number, after: AuditCursor | null) {
    return findAuditEvents(this.db, filter, limit, after);
  }

  async eventById(eventId: string): Promise<AuditEvent | null> {
    // Anything but a UUID names no event; PostgreSQL would refuse it with an error quoting the query.
    if (!isUuid(eventId)) return null;
    const [row] = await this.db.query<AuditEventRow & { sequence: string }>(
      'select * from audit_event where event_id = ? limit 1',
      [eventId],
    );
    return row === undefined ? null : eventFromRow(row, Number(row.sequence));
  }

  /** The newest checkpoint, signed now if the tree has grown since (so it covers every sealed event). */
  async latestCheckpoint(): Promise<SignedCheckpoint | null> {
    await this.appender.checkpointIfBehind();
    const [row] = await this.db.query<{
      tree_size: string;
      root_hash: Buffer;
      created_at: Date;
      signature: Buffer;
      public_key: string;
    }>('select * from audit_checkpoint order by tree_size desc limit 1');
    if (row === undefined) return null;
    return {
      treeSize: Number(row.tree_size),
      rootHash: row.root_hash.toString('hex'),
      createdAt: new Date(row.created_at).toISOString(),
      signature: row.signature.toString('hex'),
      publicKey: row.public_key,
    };
  }

  inclusionProof(eventId: string, treeSize?: number) {
    return inclusionProofFor(this.db, eventId, treeSize, () => this.appender.checkpointIfBehind());
  }

  consistencyProof(fromSize: number, toSize: number) {
    return consistencyProofFor(this.db, fromSize, toSize);
  }

  /**
   * `against`: the checkpoint held outside to prove the log consistent with; `heldOutside`: every other
   * one held outside (a witness file's lines), each of which must match the log too.
   */
  async verify(
    against?: ExternalCheckpoint,
    options: {
      heldOutside?: readonly SignedExternalCheckpoint[];
      onProgress?: (checked: number, total: number) => void;
    } = {},
  ) {
    return verifyAuditLog(this.db, {
      trustedKeys: this.trustedKeys,
      against: against === undefined ? undefined : checkExternalCheckpoint(against),
      heldOutside: options.heldOutside,
      onProgress: options.onProgress,
    });
  }

  /**
   * `verify`, also against the checkpoints in this process's witness files (AUDIT_WITNESS_DIR): the
   * newest is the one the log is proved consistent with unless `against` is given, and every one must
   * match the log. What the API's verifyAuditLog runs, so that a cut of the newest events with their
   * checkpoints is caught there too, as by the command line. A witness file not written yet holds
   * nothing; one with a line that is no checkpoint was altered, and the verification fails.
   */
  async verifyWithWitnesses(against?: ExternalCheckpoint): Promise<AuditVerification> {
    const held: SignedCheckpoint[] = [];
    for (const witness of this.witnesses) {
      if (!(witness instanceof FileWitness) || !existsSync(witness.file)) continue;
      try {
        held.push(...(await readWitnessFile(witness.file)));
      } catch (error) {
        if (!(error instanceof CorruptWitnessFileError)) throw error;
        return {
          ok: false,
          treeSize: 0,
          checkedEvents: 0,
          checkedCheckpoints: 0,
          firstBadSequence: null,
          message: error.message,
        };
      }
    }
    const newest = [...held].sort((a, b) => a.treeSize - b.treeSize).at(-1);
    return this.verify(against ?? newest, { heldOutside: held });
  }
}
