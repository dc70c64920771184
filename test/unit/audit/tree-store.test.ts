/**
 * appendLeaf yields exactly the subtree hashes the stored tree needs: the leaf, and every complete
 * power-of-two subtree that the leaf finishes, each equal to the RFC 6962 root of its leaves.
 */
import { describe, expect, it } from 'vitest';
import { CompactRange, leafHash, rootFromLeafHashes } from '../../../audit/merkle';
import { appendLeaf, type TreeNode } from '../../../audit/tree-store';

const leaves = Array.from({ length: 37 }, (_, i) => leafHash(Buffer.from(`event ${i}`)));

describe('appendLeaf', () => {
  it('returns every completed subtree with the hash of its leaves, and keeps the range in step', () => {
    const range = new CompactRange();
    const stored: TreeNode[] = [];
    for (const [i, leaf] of leaves.entries()) {
      const nodes = appendLeaf(range, leaf);
      // Leaf i completes one subtree above itself per trailing 0 bit of i + 1.
      let completed = 0;
      for (let n = i + 1; n % 2 === 0; n /= 2) completed += 1;
      expect(nodes.map((n) => n.level)).toEqual(Array.from({ length: completed + 1 }, (_, k) => k));
      stored.push(...nodes);
      expect(range.size).toBe(i + 1);
      expect(range.root().equals(rootFromLeafHashes(leaves.slice(0, i + 1)))).toBe(true);
    }
    for (const node of stored) {
      const start = node.index * 2 ** node.level;
      const end = start + 2 ** node.level;
      expect(
        node.hash.equals(rootFromLeafHashes(leaves.slice(start, end))),
        `${node.level}:${node.index}`,
      ).toBe(true);
    }
    // Every complete subtree of 37 leaves is there once: 37 + 18 + 9 + 4 + 2 + 1.
    expect(new Set(stored.map((n) => `${n.level}:${n.index}`)).size).toBe(stored.length);
    expect(stored.length).toBe(37 + 18 + 9 + 4 + 2 + 1);
  });

  it('starts from a restored range', () => {
    const range = CompactRange.fromLeafHashes(leaves.slice(0, 7));
    const resumed = CompactRange.fromJSON(range.toJSON());
    const nodes = appendLeaf(resumed, leaves[7]!);
    expect(nodes.map((n) => [n.level, n.index])).toEqual([
      [0, 7],
      [1, 3],
      [2, 1],
      [3, 0],
    ]);
    expect(nodes[3]!.hash.equals(rootFromLeafHashes(leaves.slice(0, 8)))).toBe(true);
  });
});
