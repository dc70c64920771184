/**
 * Proofs over the stored tree: that one event is in the log (inclusion), and that a later log extends
 * an earlier one without rewriting it (consistency). Both come with the roots they prove against, so a
 * verifier can compare those with signed checkpoints.
 */
import { ValidationError } from '../src/errors/errors';
import { consistencyProofRanges, hashToHex, inclusionProofRanges, type LeafRange } from './merkle';
import type { SqlRunner } from './sql-runner';
import { rangeRoots } from './tree-store';

/** A proof that cannot be given for what was asked (unknown event, size out of range). */
export class ProofRequestError extends ValidationError {}

export interface InclusionProofResult {
  eventId: string;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  proof: string[];
}

export interface ConsistencyProofResult {
  fromSize: number;
  toSize: number;
  fromRoot: string;
  toRoot: string;
  proof: string[];
}

/** Size of the log as of the newest checkpoint: proofs are only given up to what has been signed. */
export async function signedTreeSize(db: SqlRunner): Promise<number> {
  const [row] = await db.query<{ size: string | null }>(
    'select max(tree_size) as size from audit_checkpoint',
  );
  return Number(row?.size ?? 0);
}

export async function rootAt(db: SqlRunner, treeSize: number): Promise<Buffer> {
  const [root] = await rangeRoots(db, [{ start: 0, end: treeSize }]);
  return root!;
}

/**
 * Proof that an event is in the tree of `treeSize` (default: the newest checkpoint). An event sealed
 * after the newest checkpoint gets one signed first through `signNow`, when given: events are sealed
 * the moment they are recorded, checkpoints follow within a second.
 */
export async function inclusionProofFor(
  db: SqlRunner,
  eventId: string,
  treeSize?: number,
  signNow?: () => Promise<unknown>,
): Promise<InclusionProofResult> {
  const [event] = await db.query<{ sequence: string; leaf_hash: Buffer }>(
    'select sequence, leaf_hash from audit_event where event_id = ? limit 1',
    [eventId],
  );
  if (event === undefined)
    throw new ProofRequestError('eventId', `event ${eventId} is not (yet) sealed into the log`);
  const leafIndex = Number(event.sequence);
  let size = await checkedSize(db, treeSize, 'treeSize');
  if (treeSize === undefined && leafIndex >= size && signNow !== undefined) {
    await signNow();
    size = await checkedSize(db, undefined, 'treeSize');
  }
  if (leafIndex >= size) {
    throw new ProofRequestError(
      'treeSize',
      `event ${eventId} is leaf ${leafIndex}, outside a tree of ${size} events`,
    );
  }
  const ranges: LeafRange[] = [...inclusionProofRanges(leafIndex, size), { start: 0, end: size }];
  const roots = await rangeRoots(db, ranges);
  const rootHash = roots.pop()!;
  return {
    eventId,
    leafIndex,
    treeSize: size,
    leafHash: hashToHex(event.leaf_hash),
    rootHash: hashToHex(rootHash),
    proof: roots.map(hashToHex),
  };
}

export async function consistencyProofFor(
  db: SqlRunner,
  fromSize: number,
  toSize: number,
): Promise<ConsistencyProofResult> {
  const to = await checkedSize(db, toSize, 'toSize');
  if (!Number.isSafeInteger(fromSize) || fromSize < 1 || fromSize > to) {
    throw new ProofRequestError('fromSize', `must be between 1 and toSize (${to})`);
  }
  const ranges: LeafRange[] = [
    ...consistencyProofRanges(fromSize, to),
    { start: 0, end: fromSize },
    { start: 0, end: to },
  ];
  const roots = await rangeRoots(db, ranges);
  const toRoot = roots.pop()!;
  const fromRoot = roots.pop()!;
  return {
    fromSize,
    toSize: to,
    fromRoot: hashToHex(fromRoot),
    toRoot: hashToHex(toRoot),
    proof: roots.map(hashToHex),
  };
}

async function checkedSize(db: SqlRunner, requested: number | undefined, name: string): Promise<number> {
  const signed = await signedTreeSize(db);
  if (requested === undefined) return signed;
  if (!Number.isSafeInteger(requested) || requested < 1 || requested > signed) {
    throw new ProofRequestError(name, `must be between 1 and the signed tree size (${signed})`);
  }
  return requested;
}
