/**
 * Merkle hashing, proofs and the compact range, checked three ways: against the published RFC 6962 test
 * vectors, against a literal (slow, recursive) reading of RFC 6962 §2.1 written here independently of the
 * module, and by brute force over every tree of up to 64 leaves with every proof corrupted in the ways the
 * transparency-dev test suite corrupts them.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CompactRange,
  consistencyProof,
  consistencyProofFromLeafHashes,
  consistencyProofRanges,
  consistencyProofSize,
  emptyRoot,
  hashFromHex,
  hashToHex,
  inclusionProof,
  inclusionProofFromLeafHashes,
  inclusionProofRanges,
  inclusionProofSize,
  InvalidCompactRangeError,
  InvalidHashError,
  InvalidProofError,
  isValidConsistency,
  isValidInclusion,
  leafHash,
  leafHashUtf8,
  MerkleError,
  nodeHash,
  perfectSubtreeRanges,
  RootMismatchError,
  rootFromConsistencyProof,
  rootFromInclusionProof,
  rootFromLeafHashes,
  rootFromPerfectSubtrees,
  verifyConsistency,
  verifyInclusion,
} from '../../../audit/merkle';
import type { LeafRange, SubtreeRootGetter } from '../../../audit/merkle';

// ---------------------------------------------------------------------------------------------------
// RFC 6962 reference vectors: the 8-leaf test tree shared by Certificate Transparency implementations,
// as published in github.com/transparency-dev/merkle (testonly/constants.go: LeafInputs, RootHashes,
// NodeHashes; testonly/reference_test.go: TestRefInclusionProof, TestRefConsistencyProof; the same values
// are in testdata/{inclusion,consistency}/*/happy-path.json), which took them from google/trillian and
// google/certificate-transparency (merkle_tree_test.cc).

interface InclusionVector {
  leafIndex: number;
  treeSize: number;
  proof: readonly string[];
}

interface ConsistencyVector {
  fromSize: number;
  toSize: number;
  proof: readonly string[];
}

const LEAF_INPUTS_HEX = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];

const LEAF_HASHES_HEX = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
  '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
  'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
];

/** ROOTS_HEX[n] is the root of the first n leaves; ROOTS_HEX[0] is SHA-256(""). */
const ROOTS_HEX = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** Interior nodes of the 8-leaf tree one level above the leaves (NodeHashes level 1). */
const LEVEL1_HEX = [
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
  '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
  'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
];

const INCLUSION_VECTORS: readonly InclusionVector[] = [
  { leafIndex: 0, treeSize: 1, proof: [] },
  { leafIndex: 0, treeSize: 2, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7'] },
  { leafIndex: 1, treeSize: 2, proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'] },
  { leafIndex: 2, treeSize: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    leafIndex: 1,
    treeSize: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    leafIndex: 0,
    treeSize: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    leafIndex: 5,
    treeSize: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const CONSISTENCY_VECTORS: readonly ConsistencyVector[] = [
  { fromSize: 1, toSize: 1, proof: [] },
  {
    fromSize: 1,
    toSize: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    fromSize: 6,
    toSize: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    fromSize: 2,
    toSize: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    fromSize: 6,
    toSize: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

// ---------------------------------------------------------------------------------------------------
// An independent, literal reading of RFC 6962 §2.1 (recursive, slicing, createHash): slow but obviously
// the spec, so the module's iterative code is checked against the text rather than against itself.

function sha256(...parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
}

function refLeafHash(data: Buffer): Buffer {
  return sha256(Buffer.from([0x00]), data);
}

function refSplit(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function refMth(d: readonly Buffer[]): Buffer {
  if (d.length === 0) return sha256(Buffer.alloc(0));
  if (d.length === 1) return d[0]!;
  const k = refSplit(d.length);
  return sha256(Buffer.from([0x01]), refMth(d.slice(0, k)), refMth(d.slice(k)));
}

/** PATH(m, D[n]), RFC 6962 §2.1.1. */
function refPath(m: number, d: readonly Buffer[]): Buffer[] {
  if (d.length <= 1) return [];
  const k = refSplit(d.length);
  return m < k
    ? [...refPath(m, d.slice(0, k)), refMth(d.slice(k))]
    : [...refPath(m - k, d.slice(k)), refMth(d.slice(0, k))];
}

/** SUBPROOF(m, D[n], b), RFC 6962 §2.1.2. */
function refSubproof(m: number, d: readonly Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [refMth(d)];
  const k = refSplit(d.length);
  return m <= k
    ? [...refSubproof(m, d.slice(0, k), b), refMth(d.slice(k))]
    : [...refSubproof(m - k, d.slice(k), false), refMth(d.slice(0, k))];
}

// ---------------------------------------------------------------------------------------------------
// Helpers

const hex = (b: Buffer): string => b.toString('hex');
const fromHex = (h: string): Buffer => Buffer.from(h, 'hex');
const hexAll = (bs: readonly Buffer[]): string[] => bs.map(hex);

const REFERENCE_LEAVES = LEAF_INPUTS_HEX.map((h) => leafHash(fromHex(h)));
const REFERENCE_ROOTS = ROOTS_HEX.map(fromHex);

const MAX_BRUTE_FORCE_SIZE = 64;
const BRUTE_LEAVES = Array.from({ length: MAX_BRUTE_FORCE_SIZE }, (_, i) =>
  leafHash(Buffer.from(`leaf ${i}`)),
);
const BRUTE_ROOTS = Array.from({ length: MAX_BRUTE_FORCE_SIZE + 1 }, (_, n) =>
  refMth(BRUTE_LEAVES.slice(0, n)),
);
const GARBAGE = sha256(Buffer.from('garbage'));
const RANDOM_ROOT = sha256(Buffer.from('random root'));
const WRONG_LEAF = leafHash(Buffer.from('WrongLeaf'));

function flipBit(b: Buffer, bit: number): Buffer {
  const copy = Buffer.from(b);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

/** Bit positions to flip: all 256 for small trees, otherwise first, last and two in between. */
function bitsToFlip(treeSize: number): number[] {
  return treeSize <= 8 ? Array.from({ length: 256 }, (_, i) => i) : [0, 3, 131, 255];
}

function withReplaced(proof: readonly Buffer[], at: number, value: Buffer): Buffer[] {
  return proof.map((p, i) => (i === at ? value : p));
}

function withInserted(proof: readonly Buffer[], at: number, value: Buffer): Buffer[] {
  return [...proof.slice(0, at), value, ...proof.slice(at)];
}

function withRemoved(proof: readonly Buffer[], at: number): Buffer[] {
  return proof.filter((_, i) => i !== at);
}

interface InclusionCase {
  desc: string;
  leaf: Buffer;
  index: number;
  size: number;
  proof: readonly Buffer[];
  root: Buffer;
}

/** The corruptions of transparency-dev/merkle's verify_test.go (corruptInclVerification) and more. */
function corruptInclusion(good: InclusionCase): InclusionCase[] {
  const { proof, root } = good;
  const cases: InclusionCase[] = [
    { ...good, desc: 'wrong leaf', leaf: WRONG_LEAF },
    { ...good, desc: 'leafIndex + 1', index: good.index + 1 },
    { ...good, desc: 'leafIndex - 1', index: good.index - 1 },
    { ...good, desc: 'leafIndex XOR 2', index: good.index ^ 2 },
    { ...good, desc: 'treeSize / 2', size: Math.floor(good.size / 2) },
    { ...good, desc: 'treeSize * 2', size: good.size * 2 },
    { ...good, desc: 'empty root', root: emptyRoot() },
    { ...good, desc: 'random root', root: RANDOM_ROOT },
    { ...good, desc: 'preceding garbage', proof: [GARBAGE, ...proof] },
    { ...good, desc: 'trailing garbage', proof: [...proof, GARBAGE] },
    { ...good, desc: 'preceding root', proof: [root, ...proof] },
    { ...good, desc: 'trailing root', proof: [...proof, root] },
  ];
  if (proof.length > 0) cases.push({ ...good, desc: 'truncated', proof: proof.slice(0, -1) });
  for (let i = 0; i < proof.length; i += 1) {
    cases.push({ ...good, desc: `removed proof[${i}]`, proof: withRemoved(proof, i) });
    for (const bit of bitsToFlip(good.size)) {
      cases.push({
        ...good,
        desc: `proof[${i}] bit ${bit}`,
        proof: withReplaced(proof, i, flipBit(proof[i]!, bit)),
      });
    }
  }
  for (let i = 0; i <= proof.length; i += 1) {
    cases.push({ ...good, desc: `inserted at ${i}`, proof: withInserted(proof, i, GARBAGE) });
  }
  for (const bit of bitsToFlip(good.size)) {
    cases.push({ ...good, desc: `leaf bit ${bit}`, leaf: flipBit(good.leaf, bit) });
    cases.push({ ...good, desc: `root bit ${bit}`, root: flipBit(root, bit) });
  }
  return cases;
}

interface ConsistencyCase {
  desc: string;
  fromSize: number;
  toSize: number;
  fromRoot: Buffer;
  toRoot: Buffer;
  proof: readonly Buffer[];
}

/** The corruptions of transparency-dev/merkle's verify_test.go (corruptConsistencyProof) and more. */
function corruptConsistency(good: ConsistencyCase): ConsistencyCase[] {
  const { proof, fromRoot, toRoot } = good;
  const cases: ConsistencyCase[] = [
    { ...good, desc: 'fromSize + 1', fromSize: good.fromSize + 1 },
    { ...good, desc: 'fromSize - 1', fromSize: good.fromSize - 1 },
    { ...good, desc: 'fromSize XOR 2', fromSize: good.fromSize ^ 2 },
    { ...good, desc: 'toSize / 2', toSize: Math.floor(good.toSize / 2) },
    { ...good, desc: 'toSize * 2', toSize: good.toSize * 2 },
    { ...good, desc: 'wrong fromRoot', fromRoot: RANDOM_ROOT },
    { ...good, desc: 'wrong toRoot', toRoot: RANDOM_ROOT },
    { ...good, desc: 'preceding garbage', proof: [GARBAGE, ...proof] },
    { ...good, desc: 'trailing garbage', proof: [...proof, GARBAGE] },
    { ...good, desc: 'preceding fromRoot', proof: [fromRoot, ...proof] },
    { ...good, desc: 'trailing fromRoot', proof: [...proof, fromRoot] },
    { ...good, desc: 'preceding toRoot', proof: [toRoot, ...proof] },
    { ...good, desc: 'trailing toRoot', proof: [...proof, toRoot] },
  ];
  if (!fromRoot.equals(toRoot))
    cases.push({ ...good, desc: 'swapped roots', fromRoot: toRoot, toRoot: fromRoot });
  if (proof.length > 0) {
    cases.push({ ...good, desc: 'empty proof', proof: [] });
    cases.push({ ...good, desc: 'truncated', proof: proof.slice(0, -1) });
    cases.push({ ...good, desc: 'preceding proof[0]', proof: [proof[0]!, ...proof] });
  }
  for (let i = 0; i < proof.length; i += 1) {
    cases.push({ ...good, desc: `removed proof[${i}]`, proof: withRemoved(proof, i) });
    for (const bit of bitsToFlip(good.toSize)) {
      cases.push({
        ...good,
        desc: `proof[${i}] bit ${bit}`,
        proof: withReplaced(proof, i, flipBit(proof[i]!, bit)),
      });
    }
  }
  for (let i = 0; i <= proof.length; i += 1) {
    cases.push({ ...good, desc: `inserted at ${i}`, proof: withInserted(proof, i, GARBAGE) });
  }
  for (const bit of bitsToFlip(good.toSize)) {
    cases.push({ ...good, desc: `fromRoot bit ${bit}`, fromRoot: flipBit(fromRoot, bit) });
    cases.push({ ...good, desc: `toRoot bit ${bit}`, toRoot: flipBit(toRoot, bit) });
  }
  return cases;
}

function inclusionHolds(c: InclusionCase): boolean {
  return isValidInclusion(c.leaf, c.index, c.size, c.proof, c.root);
}

function consistencyHolds(c: ConsistencyCase): boolean {
  return isValidConsistency(c.fromSize, c.toSize, c.fromRoot, c.toRoot, c.proof);
}

function describeInclusion(c: InclusionCase): string {
  return `${c.desc} (leaf ${c.index} of ${c.size})`;
}

function describeConsistency(c: ConsistencyCase): string {
  return `${c.desc} (${c.fromSize} -> ${c.toSize})`;
}

// ---------------------------------------------------------------------------------------------------

describe('hashing (RFC 6962 §2.1)', () => {
  it('hashes the reference leaves with the 0x00 prefix', () => {
    expect(REFERENCE_LEAVES.map(hex)).toEqual(LEAF_HASHES_HEX);
    expect(REFERENCE_LEAVES).toEqual(LEAF_INPUTS_HEX.map((h) => refLeafHash(fromHex(h))));
  });

  it('hashes interior nodes with the 0x01 prefix', () => {
    const level1 = [0, 2, 4, 6].map((i) => nodeHash(REFERENCE_LEAVES[i]!, REFERENCE_LEAVES[i + 1]!));
    expect(level1.map(hex)).toEqual(LEVEL1_HEX);
  });

  it('hashes text as a leaf of its UTF-8 bytes', () => {
    for (const text of [
      '',
      'a',
      '{"a":1}',
      'é\u{1F600}',
      '\u0000',
      'lone \ud800 surrogate',
      'x'.repeat(10_000),
    ]) {
      expect(hex(leafHashUtf8(text)), JSON.stringify(text.slice(0, 20))).toBe(
        hex(leafHash(Buffer.from(text, 'utf8'))),
      );
    }
    expect(hex(leafHashUtf8(''))).toBe(LEAF_HASHES_HEX[0]);
  });

  it('keeps leaves and nodes apart: a leaf whose data is two hashes is not their parent', () => {
    const [a, b] = REFERENCE_LEAVES as [Buffer, Buffer];
    expect(leafHash(Buffer.concat([a, b])).equals(nodeHash(a, b))).toBe(false);
  });

  it('gives SHA-256("") for the empty tree', () => {
    expect(hex(emptyRoot())).toBe(ROOTS_HEX[0]);
    expect(hex(rootFromLeafHashes([]))).toBe(ROOTS_HEX[0]);
  });

  it('round-trips hashes through lowercase hex and refuses any other spelling', () => {
    const root = REFERENCE_ROOTS[8]!;
    expect(hashFromHex(hashToHex(root))).toEqual(root);
    expect(() => hashFromHex(ROOTS_HEX[8]!.toUpperCase())).toThrow(InvalidHashError);
    expect(() => hashFromHex(ROOTS_HEX[8]!.slice(2))).toThrow(InvalidHashError);
    expect(() => hashFromHex(`${ROOTS_HEX[8]!}00`)).toThrow(InvalidHashError);
    expect(() => hashFromHex(`0x${ROOTS_HEX[8]!.slice(2)}`)).toThrow(InvalidHashError);
  });
});

describe('reference vectors (transparency-dev/merkle, certificate-transparency)', () => {
  it.each(ROOTS_HEX.map((root, size) => ({ size, root })))(
    'root of the first $size leaves',
    ({ size, root }) => {
      expect(hex(rootFromLeafHashes(REFERENCE_LEAVES.slice(0, size)))).toBe(root);
      expect(hex(CompactRange.fromLeafHashes(REFERENCE_LEAVES.slice(0, size)).root())).toBe(root);
    },
  );

  it.each(INCLUSION_VECTORS)(
    'inclusion proof for leaf $leafIndex of $treeSize',
    ({ leafIndex, treeSize, proof }) => {
      expect(hexAll(inclusionProofFromLeafHashes(leafIndex, treeSize, REFERENCE_LEAVES))).toEqual(proof);
      const root = REFERENCE_ROOTS[treeSize]!;
      const leaf = REFERENCE_LEAVES[leafIndex]!;
      expect(() => verifyInclusion(leaf, leafIndex, treeSize, proof.map(fromHex), root)).not.toThrow();
      expect(hex(rootFromInclusionProof(leaf, leafIndex, treeSize, proof.map(fromHex)))).toBe(hex(root));
    },
  );

  it.each(CONSISTENCY_VECTORS)('consistency proof $fromSize -> $toSize', ({ fromSize, toSize, proof }) => {
    expect(hexAll(consistencyProofFromLeafHashes(fromSize, toSize, REFERENCE_LEAVES))).toEqual(proof);
    const from = REFERENCE_ROOTS[fromSize]!;
    const to = REFERENCE_ROOTS[toSize]!;
    expect(() => verifyConsistency(fromSize, toSize, from, to, proof.map(fromHex))).not.toThrow();
  });

  it('rejects every transparency-dev corruption of the reference inclusion proofs', () => {
    const accepted = INCLUSION_VECTORS.flatMap(({ leafIndex, treeSize, proof }) =>
      corruptInclusion({
        desc: 'good',
        leaf: REFERENCE_LEAVES[leafIndex]!,
        index: leafIndex,
        size: treeSize,
        proof: proof.map(fromHex),
        root: REFERENCE_ROOTS[treeSize]!,
      }),
    )
      .filter(inclusionHolds)
      .map(describeInclusion);
    expect(accepted).toEqual([]);
  });

  it('rejects every transparency-dev corruption of the reference consistency proofs', () => {
    const accepted = CONSISTENCY_VECTORS.flatMap(({ fromSize, toSize, proof }) =>
      corruptConsistency({
        desc: 'good',
        fromSize,
        toSize,
        fromRoot: REFERENCE_ROOTS[fromSize]!,
        toRoot: REFERENCE_ROOTS[toSize]!,
        proof: proof.map(fromHex),
      }),
    )
      .filter(consistencyHolds)
      .map(describeConsistency);
    expect(accepted).toEqual([]);
  });
});

describe(`brute force over every tree of 1..${MAX_BRUTE_FORCE_SIZE} leaves`, () => {
  const sizes = Array.from({ length: MAX_BRUTE_FORCE_SIZE }, (_, i) => i + 1);

  it('computes the same roots as the literal RFC 6962 recursion', () => {
    for (const n of sizes)
      expect(hex(rootFromLeafHashes(BRUTE_LEAVES.slice(0, n))), `size ${n}`).toBe(hex(BRUTE_ROOTS[n]!));
  });

  it('generates the RFC 6962 PATH for every leaf, of the predicted length, and it verifies', () => {
    for (const n of sizes) {
      const leaves = BRUTE_LEAVES.slice(0, n);
      for (let i = 0; i < n; i += 1) {
        const proof = inclusionProofFromLeafHashes(i, n, BRUTE_LEAVES);
        expect(hexAll(proof), `leaf ${i} of ${n}`).toEqual(hexAll(refPath(i, leaves)));
        expect(inclusionProofSize(i, n)).toBe(proof.length);
        verifyInclusion(leaves[i]!, i, n, proof, BRUTE_ROOTS[n]!);
      }
    }
  });

  it('generates the RFC 6962 PROOF for every pair of sizes, of the predicted length, and it verifies', () => {
    for (const n of sizes) {
      const leaves = BRUTE_LEAVES.slice(0, n);
      for (let m = 1; m <= n; m += 1) {
        const proof = consistencyProofFromLeafHashes(m, n, BRUTE_LEAVES);
        expect(hexAll(proof), `${m} -> ${n}`).toEqual(hexAll(refSubproof(m, leaves, true)));
        expect(consistencyProofSize(m, n)).toBe(proof.length);
        verifyConsistency(m, n, BRUTE_ROOTS[m]!, BRUTE_ROOTS[n]!, proof);
      }
    }
  });

  it.each(sizes)(
    'rejects every corrupted inclusion proof in a tree of %i: bits, index, size, length',
    (n) => {
      const accepted: string[] = [];
      for (let i = 0; i < n; i += 1) {
        const good: InclusionCase = {
          desc: 'good',
          leaf: BRUTE_LEAVES[i]!,
          index: i,
          size: n,
          proof: inclusionProofFromLeafHashes(i, n, BRUTE_LEAVES),
          root: BRUTE_ROOTS[n]!,
        };
        const wrongIndex = sizes
          .map((j) => ({ ...good, desc: `index ${j}`, index: j }))
          .filter((c) => c.index !== i);
        // A wrong size is checked against the honest root of that size: see the test below for why.
        const wrongSize = [0, ...sizes]
          .filter((m) => m !== n)
          .map((m) => ({ ...good, desc: `size ${m} with its root`, size: m, root: BRUTE_ROOTS[m]! }));
        for (const c of [...corruptInclusion(good), ...wrongIndex, ...wrongSize]) {
          if (inclusionHolds(c)) accepted.push(describeInclusion(c));
        }
      }
      expect(accepted).toEqual([]);
    },
  );

  it.each(sizes)('rejects every corrupted consistency proof into a tree of %i: bits, sizes, length', (n) => {
    const accepted: string[] = [];
    for (let m = 1; m <= n; m += 1) {
      const good: ConsistencyCase = {
        desc: 'good',
        fromSize: m,
        toSize: n,
        fromRoot: BRUTE_ROOTS[m]!,
        toRoot: BRUTE_ROOTS[n]!,
        proof: consistencyProofFromLeafHashes(m, n, BRUTE_LEAVES),
      };
      const otherFrom = [0, ...sizes]
        .filter((f) => f !== m && f <= n)
        .map((f) => ({
          ...good,
          desc: `fromSize ${f} with its root`,
          fromSize: f,
          fromRoot: BRUTE_ROOTS[f]!,
        }));
      const otherTo = sizes
        .filter((t) => t !== n && t >= m)
        .map((t) => ({ ...good, desc: `toSize ${t} with its root`, toSize: t, toRoot: BRUTE_ROOTS[t]! }));
      for (const c of [...corruptConsistency(good), ...otherFrom, ...otherTo]) {
        if (consistencyHolds(c)) accepted.push(describeConsistency(c));
      }
    }
    expect(accepted).toEqual([]);
  });

  it('shows why checkpoints must sign the size: a root alone does not commit to it', () => {
    // Leaf 0's path in a 5-leaf tree has the same shape as in a 6-leaf tree, so the size-5 proof also
    // "verifies" as size 6 against the size-5 root. Only a signed (size, root) pair rules this out.
    const proof = inclusionProofFromLeafHashes(0, 5, BRUTE_LEAVES);
    expect(isValidInclusion(BRUTE_LEAVES[0]!, 0, 6, proof, BRUTE_ROOTS[5]!)).toBe(true);
    expect(isValidInclusion(BRUTE_LEAVES[0]!, 0, 6, proof, BRUTE_ROOTS[6]!)).toBe(false);
  });
});

describe('the getSubtreeRoot seam: proofs from stored complete subtrees', () => {
  const n = MAX_BRUTE_FORCE_SIZE;
  const key = (r: LeafRange): string => `${r.start}:${r.end}`;
  // What a subtree cache would hold: the root of every aligned power-of-two range of the log.
  const store = new Map<string, Buffer>();
  for (let size = 1; size <= n; size *= 2) {
    for (let start = 0; start + size <= n; start += size) {
      store.set(
        key({ start, end: start + size }),
        rootFromLeafHashes(BRUTE_LEAVES.slice(start, start + size)),
      );
    }
  }
  let lookups = 0;
  let maxLookupsPerCall = 0;
  const fromStore: SubtreeRootGetter = (start, end) => {
    const ranges = perfectSubtreeRanges(start, end);
    lookups += ranges.length;
    maxLookupsPerCall = Math.max(maxLookupsPerCall, ranges.length);
    return rootFromPerfectSubtrees(ranges.map((r) => store.get(key(r))!));
  };

  it('gives the same proofs as the leaves, with at most log2(n) + 1 look-ups per subtree', () => {
    for (let size = 1; size <= n; size += 1) {
      for (let i = 0; i < size; i += 1) {
        expect(hexAll(inclusionProof(i, size, fromStore))).toEqual(
          hexAll(inclusionProofFromLeafHashes(i, size, BRUTE_LEAVES)),
        );
      }
      for (let m = 1; m <= size; m += 1) {
        expect(hexAll(consistencyProof(m, size, fromStore))).toEqual(
          hexAll(consistencyProofFromLeafHashes(m, size, BRUTE_LEAVES)),
        );
      }
    }
    expect(lookups).toBeGreaterThan(0);
    expect(maxLookupsPerCall).toBeLessThanOrEqual(Math.log2(n) + 1);
  });

  it('only ever asks for ranges aligned to a subtree, which perfectSubtreeRanges can split', () => {
    for (let size = 1; size <= n; size += 1) {
      const asked = [
        ...Array.from({ length: size }, (_, i) => inclusionProofRanges(i, size)).flat(),
        ...Array.from({ length: size }, (_, m) => consistencyProofRanges(m + 1, size)).flat(),
      ];
      for (const r of asked) expect(() => perfectSubtreeRanges(r.start, r.end)).not.toThrow();
    }
  });

  it('splits a range into complete subtrees, largest first, and refuses unaligned ranges', () => {
    expect(perfectSubtreeRanges(0, 13)).toEqual([
      { start: 0, end: 8 },
      { start: 8, end: 12 },
      { start: 12, end: 13 },
    ]);
    expect(perfectSubtreeRanges(16, 22)).toEqual([
      { start: 16, end: 20 },
      { start: 20, end: 22 },
    ]);
    expect(perfectSubtreeRanges(5, 5)).toEqual([]);
    expect(() => perfectSubtreeRanges(4, 9)).toThrow(RangeError);
    expect(() => perfectSubtreeRanges(3, 5)).toThrow(RangeError);
    expect(() => perfectSubtreeRanges(5, 4)).toThrow(RangeError);
  });

  it('refuses a getSubtreeRoot that returns something other than a hash', () => {
    expect(() => inclusionProof(0, 4, () => Buffer.alloc(31))).toThrow(InvalidHashError);
  });
});

describe('sizes beyond 2^32 (no 32-bit bit operators)', () => {
  // A log whose leaves are all equal: the root of a range then depends only on its length, so trees of
  // trillions of leaves can be hashed exactly with a memo.
  const memo = new Map<number, Buffer>();
  const uniformRoot = (length: number): Buffer => {
    const known = memo.get(length);
    if (known) return known;
    const root =
      length === 1
        ? BRUTE_LEAVES[0]!
        : nodeHash(uniformRoot(refSplit(length)), uniformRoot(length - refSplit(length)));
    memo.set(length, root);
    return root;
  };
  const getter: SubtreeRootGetter = (start, end) => uniformRoot(end - start);

  it('proves inclusion of a leaf past 2^40', () => {
    const size = 2 ** 41 + 999;
    const index = 2 ** 40 + 12345;
    const proof = inclusionProof(index, size, getter);
    expect(proof.length).toBe(inclusionProofSize(index, size));
    expect(proof.length).toBe(refInclusionLength(index, size));
    verifyInclusion(BRUTE_LEAVES[0]!, index, size, proof, uniformRoot(size));
    expect(
      isValidInclusion(BRUTE_LEAVES[0]!, index, size, withReplaced(proof, 3, GARBAGE), uniformRoot(size)),
    ).toBe(false);
  });

  it('proves consistency between sizes past 2^32', () => {
    const from = 2 ** 33 + 5;
    const to = 2 ** 40 + 77;
    const proof = consistencyProof(from, to, getter);
    expect(proof.length).toBe(consistencyProofSize(from, to));
    verifyConsistency(from, to, uniformRoot(from), uniformRoot(to), proof);
    expect(
      isValidConsistency(from, to, uniformRoot(from), uniformRoot(to), withReplaced(proof, 1, GARBAGE)),
    ).toBe(false);
  });

  it('keeps a compact range past 2^32 leaves', () => {
    const range = CompactRange.fromJSON({ size: 2 ** 32, hashes: [hex(uniformRoot(2 ** 32))] });
    range.append(BRUTE_LEAVES[0]!);
    range.append(BRUTE_LEAVES[0]!);
    range.append(BRUTE_LEAVES[0]!);
    expect(range.size).toBe(2 ** 32 + 3);
    expect(hex(range.root())).toBe(hex(uniformRoot(2 ** 32 + 3)));
  });

  /** The proof length by walking PATH's recursion on sizes alone. */
  function refInclusionLength(index: number, size: number): number {
    let length = 0;
    let [m, n] = [index, size];
    while (n > 1) {
      const k = refSplit(n);
      [m, n] = m < k ? [m, k] : [m - k, n - k];
      length += 1;
    }
    return length;
  }
});

describe('errors', () => {
  const leaves = REFERENCE_LEAVES;
  const root8 = REFERENCE_ROOTS[8]!;
  const proof05 = inclusionProofFromLeafHashes(0, 5, leaves);

  it('says how long the proof should have been', () => {
    const error = catchError(() => verifyInclusion(leaves[0]!, 0, 5, proof05.slice(1), REFERENCE_ROOTS[5]!));
    expect(error).toBeInstanceOf(InvalidProofError);
    expect(error).toMatchObject({ expected: '3 hashes', found: '2 hashes' });
  });

  it('says which root disagreed and what the proof led to', () => {
    const proof = inclusionProofFromLeafHashes(0, 8, leaves);
    const error = catchError(() => verifyInclusion(leaves[1]!, 0, 8, proof, root8));
    expect(error).toBeInstanceOf(RootMismatchError);
    expect(error).toMatchObject({ which: 'root', expected: hex(root8) });
    expect((error as RootMismatchError).found).toMatch(/^[0-9a-f]{64}$/);

    const consistency = consistencyProofFromLeafHashes(6, 8, leaves);
    const e2 = catchError(() => verifyConsistency(6, 8, REFERENCE_ROOTS[6]!, RANDOM_ROOT, consistency));
    expect(e2).toMatchObject({ which: 'toRoot', expected: hex(RANDOM_ROOT), found: hex(root8) });
    const e3 = catchError(() => verifyConsistency(6, 8, RANDOM_ROOT, root8, consistency));
    expect(e3).toMatchObject({ which: 'fromRoot', expected: hex(RANDOM_ROOT), found: ROOTS_HEX[6] });
  });

  it('treats impossible claims in a proof as invalid proofs', () => {
    const bad: Array<() => void> = [
      () => verifyInclusion(leaves[0]!, 5, 5, proof05, root8),
      () => verifyInclusion(leaves[0]!, -1, 5, proof05, root8),
      () => verifyInclusion(leaves[0]!, 0.5, 5, proof05, root8),
      () => verifyInclusion(leaves[0]!, 0, 2 ** 53, proof05, root8),
      () => verifyInclusion(leaves[0]!.subarray(1), 0, 5, proof05, root8),
      () => verifyInclusion(leaves[0]!, 0, 5, [proof05[0]!, proof05[1]!, Buffer.alloc(33)], root8),
      () => verifyInclusion(leaves[0]!, 0, 5, proof05, Buffer.alloc(0)),
      () => verifyConsistency(6, 5, REFERENCE_ROOTS[6]!, REFERENCE_ROOTS[5]!, []),
      () => verifyConsistency(0, 5, emptyRoot(), REFERENCE_ROOTS[5]!, []),
      () => verifyConsistency(5, 5, REFERENCE_ROOTS[5]!, REFERENCE_ROOTS[5]!, [GARBAGE]),
    ];
    for (const check of bad) expect(check).toThrow(InvalidProofError);
  });

  it('accepts equal sizes with an empty proof only when the roots agree', () => {
    verifyConsistency(0, 0, emptyRoot(), emptyRoot(), []);
    verifyConsistency(5, 5, REFERENCE_ROOTS[5]!, REFERENCE_ROOTS[5]!, []);
    expect(() => verifyConsistency(5, 5, REFERENCE_ROOTS[5]!, root8, [])).toThrow(RootMismatchError);
  });

  it('throws for exactly the cases the boolean wrappers call false', () => {
    const proof = inclusionProofFromLeafHashes(2, 7, leaves);
    const cases = corruptInclusion({
      desc: 'good',
      leaf: leaves[2]!,
      index: 2,
      size: 7,
      proof,
      root: REFERENCE_ROOTS[7]!,
    });
    for (const c of cases) {
      expect(() => verifyInclusion(c.leaf, c.index, c.size, c.proof, c.root), c.desc).toThrow(MerkleError);
    }
    const cproof = consistencyProofFromLeafHashes(3, 7, leaves);
    const ccases = corruptConsistency({
      desc: 'good',
      fromSize: 3,
      toSize: 7,
      fromRoot: REFERENCE_ROOTS[3]!,
      toRoot: REFERENCE_ROOTS[7]!,
      proof: cproof,
    });
    for (const c of ccases) {
      expect(() => verifyConsistency(c.fromSize, c.toSize, c.fromRoot, c.toRoot, c.proof), c.desc).toThrow(
        MerkleError,
      );
    }
  });

  it('returns the new root from a consistency proof, or says the old one disagreed', () => {
    const proof = consistencyProofFromLeafHashes(3, 7, leaves);
    expect(hex(rootFromConsistencyProof(3, 7, REFERENCE_ROOTS[3]!, proof))).toBe(ROOTS_HEX[7]);
    expect(() => rootFromConsistencyProof(3, 7, RANDOM_ROOT, proof)).toThrow(RootMismatchError);
  });

  it('lets only Merkle errors turn into false', () => {
    expect(isValidInclusion(leaves[0]!, 9, 5, proof05, root8)).toBe(false);
    expect(new RootMismatchError('root', 'a', 'b')).toBeInstanceOf(MerkleError);
    expect(new InvalidProofError('x', 'a', 'b').name).toBe('InvalidProofError');
  });

  it('refuses to generate proofs that cannot exist', () => {
    const getter: SubtreeRootGetter = () => GARBAGE;
    expect(() => inclusionProof(5, 5, getter)).toThrow(RangeError);
    expect(() => inclusionProof(-1, 5, getter)).toThrow(RangeError);
    expect(() => inclusionProof(0, 1.5, getter)).toThrow(RangeError);
    expect(() => consistencyProof(0, 5, getter)).toThrow(RangeError);
    expect(() => consistencyProof(6, 5, getter)).toThrow(RangeError);
    expect(() => inclusionProofFromLeafHashes(0, 9, leaves)).toThrow(RangeError);
    expect(consistencyProof(5, 5, getter)).toEqual([]);
  });

  it('refuses leaf hashes that are not 32 bytes', () => {
    expect(() => rootFromLeafHashes([leaves[0]!, Buffer.alloc(16)])).toThrow(InvalidHashError);
    expect(() => new CompactRange().append(Buffer.alloc(16))).toThrow(InvalidHashError);
  });
});

describe('CompactRange', () => {
  const MAX_SIZE = 300;
  const leaves = Array.from({ length: MAX_SIZE }, (_, i) => leafHash(Buffer.from(`event ${i}`)));
  const roots = Array.from({ length: MAX_SIZE + 1 }, (_, n) => hex(rootFromLeafHashes(leaves.slice(0, n))));

  it(`has the root of everything appended, for every size 0..${MAX_SIZE}`, () => {
    const range = new CompactRange();
    expect(hex(range.root())).toBe(roots[0]);
    leaves.forEach((leaf, i) => {
      range.append(leaf);
      expect(range.size).toBe(i + 1);
      expect(hex(range.root()), `size ${i + 1}`).toBe(roots[i + 1]);
      expect(range.toJSON().hashes).toHaveLength(popCount(i + 1));
    });
  });

  it('agrees with the literal RFC 6962 recursion', () => {
    for (const n of [0, 1, 2, 3, 7, 8, 9, 63, 64, 65, 255, 256, 257, MAX_SIZE]) {
      expect(hex(CompactRange.fromLeafHashes(leaves.slice(0, n)).root())).toBe(
        hex(refMth(leaves.slice(0, n))),
      );
    }
  });

  it('survives a JSON round trip at every size and carries on as if nothing happened', () => {
    for (let cut = 0; cut <= MAX_SIZE; cut += 1) {
      const saved = JSON.stringify(CompactRange.fromLeafHashes(leaves.slice(0, cut)));
      const resumed = CompactRange.fromJSON(JSON.parse(saved));
      expect(resumed.size).toBe(cut);
      expect(hex(resumed.root())).toBe(roots[cut]);
      resumed.appendMany(leaves.slice(cut));
      expect(hex(resumed.root()), `resumed at ${cut}`).toBe(roots[MAX_SIZE]);
    }
  });

  it('checks every root after resuming mid-way', () => {
    const range = CompactRange.fromLeafHashes(leaves.slice(0, 137));
    const resumed = CompactRange.fromJSON(JSON.parse(JSON.stringify(range.toJSON())));
    for (let n = 137; n < MAX_SIZE; n += 1) {
      resumed.append(leaves[n]!);
      expect(hex(resumed.root())).toBe(roots[n + 1]);
    }
  });

  it('appends in batches exactly as one by one', () => {
    const batched = new CompactRange();
    for (let start = 0; start < MAX_SIZE; start += 37) batched.appendMany(leaves.slice(start, start + 37));
    expect(batched.toJSON()).toEqual(CompactRange.fromLeafHashes(leaves).toJSON());
  });

  it('serialises as the size and the complete-subtree roots, largest first', () => {
    const json = CompactRange.fromLeafHashes(REFERENCE_LEAVES.slice(0, 6)).toJSON();
    expect(json).toEqual({
      size: 6,
      hashes: ['d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7', LEVEL1_HEX[2]],
    });
  });

  it('clones independently', () => {
    const range = CompactRange.fromLeafHashes(leaves.slice(0, 10));
    const copy = range.clone();
    copy.append(leaves[10]!);
    expect(range.size).toBe(10);
    expect(hex(copy.root())).toBe(roots[11]);
  });

  it('refuses persisted state that cannot describe a tree', () => {
    const h = roots[1]!;
    expect(() => CompactRange.fromJSON(null)).toThrow(InvalidCompactRangeError);
    expect(() => CompactRange.fromJSON({ size: -1, hashes: [] })).toThrow(InvalidCompactRangeError);
    expect(() => CompactRange.fromJSON({ size: 1.5, hashes: [h] })).toThrow(InvalidCompactRangeError);
    expect(() => CompactRange.fromJSON({ size: '1', hashes: [h] })).toThrow(InvalidCompactRangeError);
    expect(() => CompactRange.fromJSON({ size: 3, hashes: [h] })).toThrow(InvalidCompactRangeError);
    expect(() => CompactRange.fromJSON({ size: 2, hashes: [h, h] })).toThrow(InvalidCompactRangeError);
    expect(() => CompactRange.fromJSON({ size: 1 })).toThrow(InvalidCompactRangeError);
    expect(() => CompactRange.fromJSON({ size: 1, hashes: [h.toUpperCase()] })).toThrow(InvalidHashError);
    expect(() => CompactRange.fromJSON({ size: 1, hashes: [42] })).toThrow(InvalidHashError);
    expect(CompactRange.fromJSON({ size: 0, hashes: [] }).root()).toEqual(emptyRoot());
  });
});

function popCount(n: number): number {
  return n.toString(2).replace(/0/g, '').length;
}

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
