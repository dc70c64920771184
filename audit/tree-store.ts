/**
 * The Merkle tree as stored: the hash of every complete power-of-two subtree, `(level, index)` covering
 * leaves [index * 2^level, (index + 1) * 2^level). Any range's root, and so any proof, needs only
 * O(log n) of them, fetched in one query, which keeps proofs fast at tens of millions of events.
 */
import { CompactRange, perfectSubtreeRanges, rootFromPerfectSubtrees, type LeafRange } from './merkle';
import type { SqlRunner } from './sql-runner';

export interface TreeNode {
  level: number;
  index: number;
  hash: Buffer;
}

/** Appends a leaf to the range and returns the leaf and every subtree it completes, bottom-up. */
export function appendLeaf(range: CompactRange, leaf: Buffer): TreeNode[] {
  const leafIndex = range.size;
  const completed: Buffer[] = [];
  range.append(leaf, completed);
  const nodes: TreeNode[] = [{ level: 0, index: leafIndex, hash: leaf }];
  completed.forEach((hash, i) => {
    const level = i + 1;
    nodes.push({ level, index: Math.floor(leafIndex / 2 ** level), hash });
  });
  return nodes;
}

/** Inserts a JSON array of tree nodes (treeNodesJson); `filter` may add a WHERE clause. */
export function insertTreeNodesSql(filter = ''): string {
  return `insert into audit_tree_node (level, idx, hash)
    select level, idx, decode(hash, 'hex') from json_to_recordset(?::json) as x(level smallint, idx bigint, hash text)
    ${filter}`;
}

export function treeNodesJson(nodes: readonly TreeNode[]): string {
  return JSON.stringify(nodes.map((n) => ({ level: n.level, idx: n.index, hash: n.hash.toString('hex') })));
}

/** Roots of the given ranges (each must start on a subtree boundary, as proof ranges do). */
export async function rangeRoots(db: SqlRunner, ranges: readonly LeafRange[]): Promise<Buffer[]> {
  const pieces = ranges.map((r) => perfectSubtreeRanges(r.start, r.end));
  const wanted = new Map<string, { level: number; idx: number }>();
  for (const piece of pieces.flat()) {
    const level = Math.log2(piece.end - piece.start);
    const idx = piece.start / (piece.end - piece.start);
    wanted.set(`${level}:${idx}`, { level, idx });
  }
  const found = new Map<string, Buffer>();
  if (wanted.size > 0) {
    const rows = await db.query<{ level: number; idx: string; hash: Buffer }>(
      `select n.level, n.idx, n.hash from audit_tree_node n
       join json_to_recordset(?::json) as w(level smallint, idx bigint) on n.level = w.level and n.idx = w.idx`,
      [JSON.stringify([...wanted.values()])],
    );
    for (const row of rows) found.set(`${row.level}:${Number(row.idx)}`, row.hash);
  }
  return pieces.map((subtrees) =>
    rootFromPerfectSubtrees(
      subtrees.map((s) => {
        const size = s.end - s.start;
        const key = `${Math.log2(size)}:${s.start / size}`;
        const hash = found.get(key);
        if (hash === undefined) throw new MissingTreeNodeError(s);
        return hash;
      }),
    ),
  );
}

/** A stored subtree hash that should exist does not: the tree tables are incomplete or were tampered with. */
export class MissingTreeNodeError extends Error {
  constructor(readonly range: LeafRange) {
    super(`the audit tree has no stored hash for leaves [${range.start}, ${range.end})`);
    this.name = 'MissingTreeNodeError';
  }
}
