/**
 * Verifies the whole audit log from what is stored: recomputes every leaf from the event's content,
 * the tree root at every checkpoint, and every checkpoint's signature against the trusted key(s), and
 * compares the stored subtree hashes (which proofs are served from) with those the leaves give. It
 * names the first event or checkpoint that does not match. Given a checkpoint held outside the
 * database, it also proves that the current log extends that one (so deleting the newest events along
 * with their checkpoints is caught), and every other checkpoint held outside must match the log too.
 *
 * Speed: PostgreSQL builds each event's canonical text (audit-event-sql.ts) and Node only hashes it;
 * parsing every column into JavaScript values was what limited verification. A batch comes as one row
 * (all texts, all stored leaf hashes); a batch where anything is unusual is read again row by row, and
 * an event whose text does not hash to its stored leaf is re-read and judged by the JavaScript
 * canonicalisation, so the verdict is always that path's. Batches are read ahead, on several
 * connections when the runner has them, so that PostgreSQL builds texts on both cores while Node hashes.
 */
import type { KeyObject } from 'node:crypto';
import { auditLeafHash, eventFromRow, type AuditEventRow } from './audit-event';
import { CANONICAL_AUDIT_JSON_SQL } from './audit-event-sql';
import { isValidCheckpointSignature } from './checkpoint';
import {
  CompactRange,
  HASH_SIZE,
  hashToHex,
  verifyConsistency,
  hashFromHex,
  leafHashUtf8,
  MerkleError,
} from './merkle';
import { consistencyProofFor } from './audit-proofs';
import type { SqlRunner } from './sql-runner';
import { ValidationError } from '../src/errors/errors';

export interface ExternalCheckpoint {
  treeSize: number;
  rootHash: string;
  createdAt?: string;
  signature?: string;
}

/**
 * An externally held checkpoint as given (API, command line), checked and with its hex in lower case.
 * A signature needs the time: the signed text includes it, so without it there is nothing to check
 * the signature against, and a signature that cannot be checked must not pass for a checked one.
 */
export function checkExternalCheckpoint(against: ExternalCheckpoint): ExternalCheckpoint {
  if (!Number.isSafeInteger(against.treeSize) || against.treeSize < 1) {
    throw new ValidationError('against.treeSize', 'must be a tree size of at least 1');
  }
  if (!/^[0-9a-f]{64}$/i.test(against.rootHash)) {
    throw new ValidationError('against.rootHash', 'must be a SHA-256 hash: 64 hex characters');
  }
  const checked: ExternalCheckpoint = {
    treeSize: against.treeSize,
    rootHash: against.rootHash.toLowerCase(),
  };
  if (against.signature !== undefined) {
    if (!/^[0-9a-f]{128}$/i.test(against.signature)) {
      throw new ValidationError('against.signature', 'must be an Ed25519 signature: 128 hex characters');
    }
    if (against.createdAt === undefined) {
      throw new ValidationError(
        'against.createdAt',
        "is needed with a signature: the signed text includes the checkpoint's time",
      );
    }
    checked.signature = against.signature.toLowerCase();
  }
  if (against.createdAt !== undefined) checked.createdAt = against.createdAt;
  return checked;
}

/** A checkpoint held outside the database with its signature (as a witness file holds them). */
export interface SignedExternalCheckpoint {
  treeSize: number;
  rootHash: string;
  createdAt: string;
  signature: string;
}

export interface AuditVerification {
  ok: boolean;
  treeSize: number;
  checkedEvents: number;
  checkedCheckpoints: number;
  firstBadSequence: number | null;
  message: string;
}

export interface VerifyOptions {
  /** Keys whose checkpoint signatures are accepted (the current signing key and retired ones). */
  trustedKeys: readonly (KeyObject | string)[];
  against?: ExternalCheckpoint;
  /**
   * Every other checkpoint held outside the database (a witness file's lines): each must be signed by a
   * trusted key and match the log at its size. The newest alone is not enough: someone who cuts the
   * newest events with their checkpoints, and resets the tree state, lets the running service sign new
   * checkpoints over the rewritten log, and the newest line of the witness file is then one of those.
   */
  heldOutside?: readonly SignedExternalCheckpoint[];
  batchSize?: number;
  onProgress?: (checkedEvents: number, total: number) => void;
}

/** One event as the fast query returns it: its canonical text and the hashes to compare it with. */
export interface CanonicalEventRow {
  sequence: string;
  event_id: string;
  /** Where the row is, to re-read exactly this one if its text misses. */
  tableoid: number;
  ctid: string;
  canonical: string | null;
  leaf_hash: Buffer;
  /** The level-0 tree node exists and is not the stored leaf hash. */
  node_differs: boolean;
}

/** One event with every column, for the JavaScript canonicalisation. */
interface EventRow extends AuditEventRow {
  sequence: string;
  tableoid: number;
  ctid: string;
  leaf_hash: Buffer;
  node_hash: Buffer | null;
}

/** Events per query: large enough that round trips do not count. */
export const VERIFY_BATCH_SIZE = 10_000;
/** Batches requested ahead of the one being hashed. */
const READ_AHEAD = 3;

/**
 * The fast query for the events with sequence in [from, to) (bound twice: also on the tree nodes, or
 * PostgreSQL joins them by scanning every level-0 node for each batch).
 */
export const CANONICAL_EVENTS_SQL = `select e.sequence, e.event_id, e.tableoid, e.ctid, ${CANONICAL_AUDIT_JSON_SQL} as canonical,
    e.leaf_hash, n.hash is not null and n.hash <> e.leaf_hash as node_differs
  from audit_event e
  left join audit_tree_node n on n.level = 0 and n.idx = e.sequence and n.idx >= ? and n.idx < ?
  where e.sequence >= ? and e.sequence < ? order by e.sequence`;

/** The fast query's rows for the sequences [from, to). Exported for the benchmark. */
export function readCanonicalEvents(db: SqlRunner, from: number, to: number): Promise<CanonicalEventRow[]> {
  return db.transaction(async (tx) => {
    // A parallel plan sorts the built texts (on disk, past work_mem) after gathering them; the serial
    // plan reads the events in index order without a sort, and the read-ahead keeps both cores busy.
    await tx.query('set local max_parallel_workers_per_gather = 0');
    return tx.query<CanonicalEventRow>(CANONICAL_EVENTS_SQL, [from, to, from, to]);
  });
}

/**
 * The whole-batch query: ONE row for the events with sequence in [from, to), their canonical texts
 * joined by newlines and their stored leaf hashes concatenated, in sequence order, with what tells
 * whether the batch is whole (every sequence once); and the level-0 tree nodes of the same range,
 * concatenated, to compare with the leaf hashes in one go. A hash that is not 32 bytes is left out,
 * so the lengths give it away. Node then does little more per event than hash: no row objects, no
 * per-column parsing, far less garbage. Anything unusual sends the batch to the per-row query above.
 */
export const CANONICAL_BATCH_SQL = `select count(*)::int as count, count(distinct e.sequence)::int as distinct_count,
    min(e.sequence) as first,
    string_agg(coalesce(${CANONICAL_AUDIT_JSON_SQL}, ''), E'\\n' order by e.sequence) as texts,
    string_agg(case when octet_length(e.leaf_hash) = 32 then e.leaf_hash end, ''::bytea order by e.sequence) as leaves,
    (select string_agg(case when octet_length(n.hash) = 32 then n.hash end, ''::bytea order by n.idx)
       from audit_tree_node n where n.level = 0 and n.idx >= ? and n.idx < ?) as nodes
  from audit_event e
  where e.sequence >= ? and e.sequence < ?`;

export interface CanonicalBatchRow {
  count: number;
  distinct_count: number;
  first: string | null;
  texts: string | null;
  leaves: Buffer | null;
  nodes: Buffer | null;
}

/** The whole-batch query's row for the sequences [from, to). Exported for the benchmark. */
export async function readCanonicalBatch(
  db: SqlRunner,
  from: number,
  to: number,
): Promise<CanonicalBatchRow> {
  const [row] = await db.transaction(async (tx) => {
    await tx.query('set local max_parallel_workers_per_gather = 0'); // as in readCanonicalEvents
    return tx.query<CanonicalBatchRow>(CANONICAL_BATCH_SQL, [from, to, from, to]);
  });
  if (row === undefined) throw new Error('the aggregate over a batch of audit events returned no row');
  return row;
}

/**
 * The leaf hashes of the events [from, to) when each is there once and its text hashes to its stored
 * leaf; otherwise null, and the per-row path finds and names what is wrong. The split is exact: a text
 * holding a raw newline (the SQL text leaves control characters raw) makes more pieces than events, and
 * such a batch takes the per-row path too.
 */
async function wholeBatchLeafHashes(db: SqlRunner, from: number, to: number): Promise<Buffer[] | null> {
  const batch = await readCanonicalBatch(db, from, to);
  const expected = to - from;
  if (
    batch.count !== expected ||
    batch.distinct_count !== expected ||
    Number(batch.first) !== from ||
    batch.texts === null ||
    batch.leaves?.length !== HASH_SIZE * expected ||
    batch.nodes === null ||
    !batch.nodes.equals(batch.leaves)
  ) {
    return null;
  }
  const texts = batch.texts.split('\n');
  if (texts.length !== expected) return null;
  const leaves: Buffer[] = [];
  for (const [i, text] of texts.entries()) {
    const leaf = leafHashUtf8(text);
    if (batch.leaves.compare(leaf, 0, HASH_SIZE, i * HASH_SIZE, (i + 1) * HASH_SIZE) !== 0) return null;
    leaves.push(leaf);
  }
  return leaves;
}

/**
 * The leaf hash of each row, in order, or null where the event does not match what was sealed (its
 * stored leaf hash or its level-0 tree node). Rows whose SQL-built text misses are re-read in one query
 * and judged by the JavaScript canonicalisation; only that verdict can call an event altered.
 */
async function leafHashes(db: SqlRunner, rows: readonly CanonicalEventRow[]): Promise<(Buffer | null)[]> {
  const leaves: (Buffer | null)[] = [];
  const missed: number[] = [];
  rows.forEach((row, i) => {
    const leaf = row.canonical === null ? null : leafHashUtf8(row.canonical);
    if (leaf !== null && !row.node_differs && leaf.equals(row.leaf_hash)) {
      leaves.push(leaf);
    } else {
      leaves.push(null);
      missed.push(i);
    }
  });
  if (missed.length === 0) return leaves;

  const sequences = [...new Set(missed.map((i) => rows[i]!.sequence))];
  const reread = await db.query<EventRow>(
    `select e.*, e.tableoid, e.ctid, n.hash as node_hash from audit_event e
     left join audit_tree_node n on n.level = 0 and n.idx = e.sequence and n.idx = any(?::bigint[])
     where e.sequence = any(?::bigint[])`,
    [sequences, sequences],
  );
  const byLocation = new Map(reread.map((row) => [`${row.tableoid}/${row.ctid}`, row]));
  for (const i of missed) {
    const row = byLocation.get(`${rows[i]!.tableoid}/${rows[i]!.ctid}`);
    // Gone from where it was a moment ago: the row was changed while being verified.
    if (row === undefined) continue;
    const leaf = auditLeafHash(eventFromRow(row, Number(row.sequence)));
    if (leaf.equals(row.leaf_hash) && (row.node_hash === null || leaf.equals(row.node_hash)))
      leaves[i] = leaf;
  }
  return leaves;
}

/**
 * The stored hashes of the subtrees above the leaves that the events [from, to) complete (level 1 and
 * up; level 0 is compared with the leaves themselves), concatenated by level, then index: the order
 * of the table's key, so PostgreSQL reads them in order and its sort finds them sorted. Proofs are
 * served from these, so a changed one would make genuine events fail to prove while the leaves and
 * checkpoints all match.
 */
async function readInteriorNodes(db: SqlRunner, from: number, to: number): Promise<Buffer | null> {
  const [row] = await db.query<{ nodes: Buffer | null }>(
    // One index range scan per level: `offset 0` keeps the planner from flattening the lateral
    // subquery into a join it may answer by reading the whole table (measured: 3x slower verification).
    `select string_agg(n.hash, ''::bytea order by n.level, n.idx) as nodes
     from generate_series(1, 62) as l(level)
     cross join lateral (
       select t.level, t.idx, t.hash from audit_tree_node t
       where t.level = l.level and t.idx >= (?::bigint >> l.level) and t.idx < (?::bigint >> l.level)
       offset 0
     ) n`,
    [from, to],
  );
  return row?.nodes ?? null;
}

/**
 * Where the stored subtree hashes (readInteriorNodes) differ from those the leaves [from, to) completed
 * (`completed`, in appending order: leaf by leaf, bottom-up): the subtree of the first that differs or
 * is missing, or null when they all match.
 */
function interiorMismatch(
  from: number,
  to: number,
  completed: readonly Buffer[],
  stored: Buffer | null,
): { start: number; end: number } | null {
  // Leaf i completes one subtree per trailing 1 bit of i: the k-th of them is at level k + 1.
  const byLevel: { hash: Buffer; level: number; index: number }[][] = [];
  let next = 0;
  for (let leaf = from; leaf < to; leaf++) {
    for (let level = 1, carry = leaf; carry % 2 === 1; level++, carry = Math.floor(carry / 2)) {
      (byLevel[level] ??= []).push({ hash: completed[next++]!, level, index: Math.floor(leaf / 2 ** level) });
    }
  }
  const expected = byLevel.flat();
  const found = stored ?? Buffer.alloc(0);
  if (found.equals(Buffer.concat(expected.map((node) => node.hash)))) return null;
  const differing = expected.findIndex(
    (node, i) =>
      (i + 1) * HASH_SIZE > found.length ||
      node.hash.compare(found, i * HASH_SIZE, (i + 1) * HASH_SIZE) !== 0,
  );
  // None differs: the stored hashes are longer than those completed (one not 32 bytes long).
  if (differing === -1) return { start: from, end: to };
  const { level, index } = expected[differing]!;
  return { start: index * 2 ** level, end: (index + 1) * 2 ** level };
}

interface CheckpointRow {
  tree_size: string;
  root_hash: Buffer;
  created_at: string | Date;
  signature: Buffer;
}

export async function verifyAuditLog(db: SqlRunner, options: VerifyOptions): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? VERIFY_BATCH_SIZE;
  const checkpoints = await db.query<CheckpointRow>(
    'select tree_size, root_hash, created_at, signature from audit_checkpoint order by tree_size',
  );
  const [{ count, first, last } = { count: '0', first: null, last: null }] = await db.query<{
    count: string;
    first: string | null;
    last: string | null;
  }>('select count(*) as count, min(sequence) as first, max(sequence) as last from audit_event');
  const total = Number(count);
  const result = (
    ok: boolean,
    checkedEvents: number,
    firstBad: number | null,
    message: string,
    checkedCheckpoints: number,
  ) => ({
    ok,
    treeSize: total,
    checkedEvents,
    checkedCheckpoints,
    firstBadSequence: firstBad,
    message,
  });

  // The leaves are sequences 0, 1, 2, ...: the pass below reads from 0 up, so a row stored below 0 (the
  // application role may insert events) would be shown by auditEvents without ever being checked.
  if (first !== null && Number(first) < 0) {
    return result(
      false,
      0,
      Number(first),
      `event ${first} lies outside the tree (sequences start at 0): it was inserted, not sealed`,
      0,
    );
  }

  // Signatures first: a checkpoint not signed by a trusted key proves nothing about the events.
  for (const cp of checkpoints) {
    const checkpoint = {
      treeSize: Number(cp.tree_size),
      rootHash: hashToHex(cp.root_hash),
      createdAt: new Date(cp.created_at).toISOString(),
    };
    const signature = cp.signature.toString('hex');
    if (!options.trustedKeys.some((key) => isValidCheckpointSignature(checkpoint, signature, key))) {
      return result(
        false,
        0,
        null,
        `checkpoint at tree size ${checkpoint.treeSize} has no valid signature from a trusted key`,
        0,
      );
    }
  }

  const against = options.against;
  if (against?.signature !== undefined && against.createdAt !== undefined) {
    const cp = {
      treeSize: against.treeSize,
      rootHash: against.rootHash.toLowerCase(),
      createdAt: against.createdAt,
    };
    if (!options.trustedKeys.some((key) => isValidCheckpointSignature(cp, against.signature!, key))) {
      return result(false, 0, null, 'the external checkpoint is not signed by a trusted key', 0);
    }
  }

  // Each distinct one once, smallest first, so the pass below meets them in order as it does the stored ones.
  // A copy of a stored checkpoint, whose signature was just checked, is not checked again (a witness
  // file holds one line per checkpoint: the signatures would cost verification twice).
  const storedSigned = new Set(
    checkpoints.map(
      (cp) =>
        `${cp.tree_size}:${hashToHex(cp.root_hash)}:${new Date(cp.created_at).toISOString()}:${cp.signature.toString('hex')}`,
    ),
  );
  const outside = new Map<string, { treeSize: number; rootHash: string }>();
  for (const held of options.heldOutside ?? []) {
    const rootHash = held.rootHash.toLowerCase();
    const signature = held.signature.toLowerCase();
    const cp = { treeSize: held.treeSize, rootHash, createdAt: held.createdAt };
    const signed =
      storedSigned.has(`${held.treeSize}:${rootHash}:${held.createdAt}:${signature}`) ||
      (/^[0-9a-f]{128}$/.test(signature) &&
        options.trustedKeys.some((key) => isValidCheckpointSignature(cp, signature, key)));
    if (!signed) {
      return result(
        false,
        0,
        null,
        `the checkpoint held outside the database at tree size ${held.treeSize} (${held.createdAt}) is not signed by a trusted key`,
        0,
      );
    }
    if (held.treeSize > 0) outside.set(`${held.treeSize}:${rootHash}`, { treeSize: held.treeSize, rootHash });
  }
  const heldOutside = [...outside.values()].sort((a, b) => a.treeSize - b.treeSize);
  let nextHeldOutside = 0;
  let lastMatchingHeldOutside = 0;

  const range = new CompactRange();
  let nextCheckpoint = 0;
  let lastGoodCheckpointSize = 0;
  let againstRootChecked = false;
  const checkRoots = (): AuditVerification | null => {
    while (
      nextCheckpoint < checkpoints.length &&
      Number(checkpoints[nextCheckpoint]!.tree_size) === range.size
    ) {
      const cp = checkpoints[nextCheckpoint]!;
      if (!range.root().equals(cp.root_hash)) {
        return result(
          false,
          range.size,
          lastGoodCheckpointSize,
          `checkpoint at tree size ${range.size} does not match the events: an event between sequence ` +
            `${lastGoodCheckpointSize} and ${range.size - 1} was changed, or the checkpoint was`,
          nextCheckpoint,
        );
      }
      lastGoodCheckpointSize = range.size;
      nextCheckpoint++;
    }
    while (nextHeldOutside < heldOutside.length && heldOutside[nextHeldOutside]!.treeSize === range.size) {
      if (hashToHex(range.root()) !== heldOutside[nextHeldOutside]!.rootHash) {
        return result(
          false,
          range.size,
          lastMatchingHeldOutside,
          `the log's first ${range.size} events do not match the checkpoint held outside the database at ` +
            `tree size ${range.size}: history from sequence ${lastMatchingHeldOutside} on was rewritten`,
          nextCheckpoint,
        );
      }
      lastMatchingHeldOutside = range.size;
      nextHeldOutside++;
    }
    if (options.against !== undefined && options.against.treeSize === range.size) {
      againstRootChecked = true;
      if (hashToHex(range.root()) !== options.against.rootHash.toLowerCase()) {
        return result(
          false,
          range.size,
          lastGoodCheckpointSize,
          `the log's first ${range.size} events do not match the external checkpoint: history was rewritten`,
          nextCheckpoint,
        );
      }
    }
    return null;
  };

  const end = last === null ? 0 : Number(last) + 1;
  const fetch = (from: number) => {
    const to = Math.min(from + batchSize, end);
    return Promise.all([wholeBatchLeafHashes(db, from, to), readInteriorNodes(db, from, to)]);
  };
  // Batches are read ahead while this one is hashed: the database and the CPU work at the same time.
  const pending: Promise<[Buffer[] | null, Buffer | null]>[] = [];
  let nextFrom = 0;
  const readAhead = () => {
    while (pending.length < READ_AHEAD && nextFrom < end) {
      const batch = fetch(nextFrom);
      batch.catch(() => undefined); // awaited in its turn; an early return must not leave it unhandled
      pending.push(batch);
      nextFrom += batchSize;
    }
  };
  readAhead();
  for (let from = 0; from < end; from += batchSize) {
    const [whole, storedInterior] = await pending.shift()!;
    readAhead();
    // The subtree hashes the leaves complete, to compare with the stored ones proofs are built from.
    const completed: Buffer[] = [];
    const interiorChecked = () => {
      const bad = interiorMismatch(from, range.size, completed, storedInterior);
      return bad === null
        ? null
        : result(
            false,
            range.size,
            bad.start,
            `the stored tree node over events ${bad.start} to ${bad.end - 1} does not match them ` +
              `(changed or deleted after sealing): proofs through it fail`,
            nextCheckpoint,
          );
    };
    if (whole !== null) {
      for (const leaf of whole) {
        range.append(leaf, completed);
        const bad = checkRoots();
        if (bad !== null) return bad;
      }
      const badNode = interiorChecked();
      if (badNode !== null) return badNode;
      options.onProgress?.(range.size, total);
      continue;
    }
    // Something in this batch is unusual: row by row, to accept what the JavaScript path accepts and name the rest.
    const rows = await readCanonicalEvents(db, from, from + batchSize);
    const leaves = await leafHashes(db, rows);
    for (const [i, row] of rows.entries()) {
      const sequence = Number(row.sequence);
      if (sequence !== range.size) {
        const what = sequence > range.size ? `missing (next found is ${sequence})` : 'duplicated';
        return result(false, range.size, range.size, `event ${range.size} is ${what}`, nextCheckpoint);
      }
      const leaf = leaves[i] ?? null;
      if (leaf === null) {
        return result(
          false,
          range.size,
          sequence,
          `event ${sequence} (${row.event_id}) was altered after it was sealed`,
          nextCheckpoint,
        );
      }
      range.append(leaf, completed);
      const bad = checkRoots();
      if (bad !== null) return bad;
    }
    if (range.size < Math.min(from + batchSize, end)) {
      return result(false, range.size, range.size, `event ${range.size} is missing`, nextCheckpoint);
    }
    const badNode = interiorChecked();
    if (badNode !== null) return badNode;
    options.onProgress?.(range.size, total);
  }

  const latestSigned = checkpoints.length === 0 ? 0 : Number(checkpoints[checkpoints.length - 1]!.tree_size);
  if (range.size < latestSigned) {
    return result(
      false,
      range.size,
      range.size,
      `the newest checkpoint covers ${latestSigned} events but only ${range.size} are stored`,
      nextCheckpoint,
    );
  }
  if (nextCheckpoint < checkpoints.length) {
    return result(
      false,
      range.size,
      range.size,
      `checkpoint at tree size ${checkpoints[nextCheckpoint]!.tree_size} has no matching events`,
      nextCheckpoint,
    );
  }

  let externalNote = '';
  if (against !== undefined) {
    if (against.treeSize > range.size) {
      return result(
        false,
        range.size,
        range.size,
        against.signature === undefined
          ? `the external checkpoint covers ${against.treeSize} events but the log holds only ${range.size}: events were deleted, or the checkpoint is not this log's (it carries no signature to show it is)`
          : `the external checkpoint covers ${against.treeSize} events but the log holds only ${range.size}: events were deleted`,
        nextCheckpoint,
      );
    }
    if (!againstRootChecked) {
      return result(
        false,
        range.size,
        null,
        `the external checkpoint's tree size ${against.treeSize} is not a valid size`,
        nextCheckpoint,
      );
    }
    if (against.treeSize < latestSigned && against.treeSize > 0) {
      // Show it the way an outside verifier would: a consistency proof from the old root to the newest signed one.
      const proof = await consistencyProofFor(db, against.treeSize, latestSigned);
      try {
        verifyConsistency(
          against.treeSize,
          latestSigned,
          hashFromHex(against.rootHash.toLowerCase()),
          hashFromHex(proof.toRoot),
          proof.proof.map((h) => hashFromHex(h)),
        );
      } catch (error) {
        if (!(error instanceof MerkleError)) throw error;
        return result(
          false,
          range.size,
          null,
          `the consistency proof from the external checkpoint fails: ${error.message}`,
          nextCheckpoint,
        );
      }
    }
    externalNote = `; consistent with the external checkpoint at tree size ${against.treeSize}`;
  }
  if (nextHeldOutside < heldOutside.length) {
    const held = heldOutside[nextHeldOutside]!;
    return result(
      false,
      range.size,
      range.size,
      `the checkpoint held outside the database at tree size ${held.treeSize} covers more events than the log holds (${range.size}): events were deleted`,
      nextCheckpoint,
    );
  }

  return result(
    true,
    range.size,
    null,
    `${range.size} events and ${checkpoints.length} checkpoints verified${externalNote}` +
      (heldOutside.length === 0
        ? ''
        : `; the ${heldOutside.length} checkpoints held outside the database all match it`),
    checkpoints.length,
  );
}
