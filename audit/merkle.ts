/**
 * Merkle tree hashing for the append-only privacy audit log, exactly as RFC 6962 §2.1 / RFC 9162 §2.1
 * define it, so that the log's roots and proofs can be checked by any Certificate Transparency tooling
 * and by the standalone verifier. Everything here is pure: no storage, no clock, no I/O.
 *
 * Hashes are 32-byte Buffers inside this module; `hashToHex` / `hashFromHex` are the only places hex
 * appears. Tree sizes and indexes are plain numbers, checked to be safe integers, so every bit operation
 * below is done with arithmetic (`% 2`, `Math.floor(n / 2)`) rather than JavaScript's 32-bit operators.
 *
 * Scaling: proof generation never walks the leaves itself. It asks a `getSubtreeRoot(start, end)`
 * callback for the root of each subtree the proof needs (`...ProofRanges` lists them up front). Every such
 * range is either a complete, aligned power-of-two subtree or starts on the boundary of one and runs to the
 * tree's right edge, so it splits into at most log2(n) complete subtrees (`perfectSubtreeRanges`). A store
 * that keeps the hashes of complete power-of-two subtrees as the log grows therefore answers each request
 * with at most log2(n) look-ups and hashes, which is what makes proofs over millions of leaves cheap. The
 * array-backed helpers below (`...FromLeafHashes`) are O(n) per proof and meant for tests, small logs and
 * rebuilds.
 */
import { hash as digest } from 'node:crypto';

export const HASH_ALGORITHM = 'sha256';
export const HASH_SIZE = 32;
/** Domain-separation prefixes (RFC 6962 §2.1): a leaf can never be passed off as an interior node. */
export const LEAF_PREFIX = 0x00;
export const NODE_PREFIX = 0x01;

const LEAF_PREFIX_BYTES = Buffer.from([LEAF_PREFIX]);
const NODE_PREFIX_BYTES = Buffer.from([NODE_PREFIX]);
const HEX_HASH = /^[0-9a-f]{64}$/;

/** A half-open range of leaf indexes [start, end). */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/** Returns MTH(D[start:end]), the RFC 6962 root of the leaves in [start, end). */
export type SubtreeRootGetter = (start: number, end: number) => Buffer;

// ---------------------------------------------------------------------------------------------------
// Errors

/** Base class, so a caller can tell "this proof is bad" from a bug with one `instanceof`. */
export class MerkleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A value that must be a SHA-256 hash (32 bytes, or 64 lowercase hex characters) is not. */
export class InvalidHashError extends MerkleError {
  constructor(
    readonly what: string,
    readonly found: string,
  ) {
    super(`${what}: expected a ${HASH_SIZE}-byte SHA-256 hash, found ${found}`);
  }
}

/** The proof cannot be right whatever the hashes are: wrong length, impossible index or sizes, bad hash. */
export class InvalidProofError extends MerkleError {
  constructor(
    message: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${message}: expected ${expected}, found ${found}`);
  }
}

/** The proof is well-formed but leads to a different root: the data or the proof was altered. */
export class RootMismatchError extends MerkleError {
  constructor(
    /** Which of the supplied roots disagreed: 'root' (inclusion), 'fromRoot' or 'toRoot' (consistency). */
    readonly which: 'root' | 'fromRoot' | 'toRoot',
    /** The root the caller supplied, hex. */
    readonly expected: string,
    /** The root the proof leads to, hex. */
    readonly found: string,
  ) {
    super(`${which} mismatch: expected ${expected}, proof leads to ${found}`);
  }
}

/** Persisted compact-range state that cannot describe any tree (wrong hash count, bad size). */
export class InvalidCompactRangeError extends MerkleError {}

// ---------------------------------------------------------------------------------------------------
// Hashing

/** SHA-256(0x00 || data): the hash of one log entry. */
export function leafHash(data: Buffer): Buffer {
  return digest(HASH_ALGORITHM, Buffer.concat([LEAF_PREFIX_BYTES, data]), 'buffer');
}

/**
 * leafHash of a string's UTF-8 bytes, without materialising them: the hot path when re-hashing a log of
 * canonical JSON events (about 30% less per leaf than Buffer.from plus leafHash).
 */
export function leafHashUtf8(text: string): Buffer {
  // "\u0000" is the single byte 0x00 in UTF-8, i.e. LEAF_PREFIX.
  return digest(HASH_ALGORITHM, `\u0000${text}`, 'buffer');
}

/** SHA-256(0x01 || left || right): the hash of an interior node. Both children must be 32-byte hashes. */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  // One reused input buffer: verification hashes a node per event, and allocating each input showed.
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    return digest(HASH_ALGORITHM, Buffer.concat([NODE_PREFIX_BYTES, left, right]), 'buffer');
  }
  left.copy(nodeInput, 1);
  right.copy(nodeInput, 1 + HASH_SIZE);
  return digest(HASH_ALGORITHM, nodeInput, 'buffer');
}
const nodeInput = Buffer.concat([NODE_PREFIX_BYTES, Buffer.alloc(2 * HASH_SIZE)]);

/** SHA-256 of the empty string: the root of a tree with no leaves (RFC 6962 §2.1). */
export function emptyRoot(): Buffer {
  return digest(HASH_ALGORITHM, Buffer.alloc(0), 'buffer');
}

export function hashToHex(hash: Buffer): string {
  return hash.toString('hex');
}

/** Parses 64 lowercase hex characters; one spelling per hash keeps stored roots comparable as text. */
export function hashFromHex(hex: string, what = 'hash'): Buffer {
  if (typeof hex !== 'string' || !HEX_HASH.test(hex)) {
    throw new InvalidHashError(what, describeHex(hex));
  }
  return Buffer.from(hex, 'hex');
}

function describeHex(value: unknown): string {
  if (typeof value !== 'string') return typeof value;
  const shown = value.length > 80 ? `${value.slice(0, 80)}...` : value;
  return `${JSON.stringify(shown)} (${value.length} characters; 64 lowercase hex expected)`;
}

function isHash(value: unknown): value is Buffer {
  return Buffer.isBuffer(value) && value.length === HASH_SIZE;
}

function assertHash(value: unknown, what: string): asserts value is Buffer {
  if (!isHash(value)) {
    throw new InvalidHashError(what, Buffer.isBuffer(value) ? `${value.length} bytes` : typeof value);
  }
}

// ---------------------------------------------------------------------------------------------------
// Integer helpers: arithmetic rather than bit operators, which would truncate sizes above 2^31.

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  let rest = n;
  while (!isOdd(rest)) rest = half(rest);
  return rest === 1;
}

/** The k of RFC 6962 §2.1: the largest power of two strictly smaller than n (n >= 2). */
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Smallest power of two >= n. */
function powerOfTwoCeiling(n: number): number {
  let k = 1;
  while (k < n) k *= 2;
  return k;
}

/** Number of bits in a XOR b, i.e. the position above the highest bit where they differ. */
function bitLengthOfXor(a: number, b: number): number {
  let x = a;
  let y = b;
  let bits = 0;
  while (x !== y) {
    x = half(x);
    y = half(y);
    bits += 1;
  }
  return bits;
}

function popCount(n: number): number {
  let rest = n;
  let ones = 0;
  while (rest > 0) {
    if (isOdd(rest)) ones += 1;
    rest = half(rest);
  }
  return ones;
}

function trailingZeros(n: number): number {
  let rest = n;
  let zeros = 0;
  while (rest > 0 && !isOdd(rest)) {
    rest = half(rest);
    zeros += 1;
  }
  return zeros;
}

function shiftRight(n: number, bits: number): number {
  return Math.floor(n / 2 ** bits);
}

function isTreeSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function requireTreeSize(n: number, what: string): void {
  if (!isTreeSize(n)) throw new RangeError(`${what} must be a non-negative safe integer, got ${String(n)}`);
}

// ---------------------------------------------------------------------------------------------------
// Roots

/**
 * MTH(D[n]) of RFC 6962 §2.1. Computed level by level, carrying an unpaired last node up unchanged, which
 * builds the same tree as the spec's "split at the largest power of two smaller than n" and needs no
 * recursion or slicing: n - 1 node hashes for n leaves.
 */
export function rootFromLeafHashes(leafHashes: readonly Buffer[]): Buffer {
  leafHashes.forEach((h, i) => assertHash(h, `leaf hash ${i}`));
  if (leafHashes.length === 0) return emptyRoot();
  let level: readonly Buffer[] = leafHashes;
  while (level.length > 1) {
    const next: Buffer[] = new Array<Buffer>(Math.ceil(level.length / 2));
    for (let i = 0; i + 1 < level.length; i += 2) {
      // Indexes are inside the array by the loop bound.
      next[i / 2] = nodeHash(level[i]!, level[i + 1]!);
    }
    if (isOdd(level.length)) next[next.length - 1] = level[level.length - 1]!;
    level = next;
  }
  return level[0]!;
}

/**
 * Splits [start, end) into the complete power-of-two subtrees that cover it, left to right (largest first).
 * `start` must be a multiple of the smallest power of two >= end - start, which holds for every range a
 * proof asks `getSubtreeRoot` for. A store of complete-subtree hashes answers such a request by looking
 * these up and folding them with `rootFromPerfectSubtrees`.
 */
export function perfectSubtreeRanges(start: number, end: number): LeafRange[] {
  requireTreeSize(start, 'start');
  requireTreeSize(end, 'end');
  if (end < start) throw new RangeError(`range [${start}, ${end}) ends before it starts`);
  if (start % powerOfTwoCeiling(end - start) !== 0) {
    throw new RangeError(`range [${start}, ${end}) is not aligned to a subtree of the log`);
  }
  const ranges: LeafRange[] = [];
  let cursor = start;
  for (let size = largestPowerOfTwoAtMost(end - start); size >= 1; size /= 2) {
    if (end - cursor >= size) {
      ranges.push({ start: cursor, end: cursor + size });
      cursor += size;
    }
  }
  return ranges;
}

function largestPowerOfTwoAtMost(n: number): number {
  return n < 1 ? 0 : largestPowerOfTwoBelow(n + 1);
}

/**
 * Root of a range from the roots of its complete subtrees, left to right (largest first): the right-to-left
 * fold that MTH reduces to when the range starts on a subtree boundary.
 */
export function rootFromPerfectSubtrees(subtreeRoots: readonly Buffer[]): Buffer {
  subtreeRoots.forEach((h, i) => assertHash(h, `subtree root ${i}`));
  const last = subtreeRoots[subtreeRoots.length - 1];
  if (last === undefined) return emptyRoot();
  let root = last;
  for (let i = subtreeRoots.length - 2; i >= 0; i -= 1) root = nodeHash(subtreeRoots[i]!, root);
  return root;
}

// ---------------------------------------------------------------------------------------------------
// Proof generation

/**
 * The subtrees whose roots make up PATH(leafIndex, D[treeSize]) (RFC 6962 §2.1.1), bottom-up. Exposed so
 * a database-backed caller can fetch them all in one query before calling `inclusionProof`.
 */
export function inclusionProofRanges(leafIndex: number, treeSize: number): LeafRange[] {
  requireTreeSize(leafIndex, 'leafIndex');
  requireTreeSize(treeSize, 'treeSize');
  if (leafIndex >= treeSize) throw new RangeError(`leafIndex ${leafIndex} is outside a tree of ${treeSize}`);
  const topDown: LeafRange[] = [];
  let start = 0;
  let end = treeSize;
  while (end - start > 1) {
    const mid = start + largestPowerOfTwoBelow(end - start);
    if (leafIndex < mid) {
      topDown.push({ start: mid, end });
      end = mid;
    } else {
      topDown.push({ start, end: mid });
      start = mid;
    }
  }
  return topDown.reverse();
}

/**
 * The subtrees whose roots make up PROOF(fromSize, D[toSize]) (RFC 6962 §2.1.2, via SUBPROOF), in proof
 * order. Requires 0 < fromSize <= toSize: nothing can be proved about an empty tree.
 */
export function consistencyProofRanges(fromSize: number, toSize: number): LeafRange[] {
  requireTreeSize(fromSize, 'fromSize');
  requireTreeSize(toSize, 'toSize');
  if (fromSize > toSize) throw new RangeError(`fromSize ${fromSize} is larger than toSize ${toSize}`);
  if (fromSize === 0) throw new RangeError('a consistency proof from the empty tree is meaningless');
  const topDown: LeafRange[] = [];
  // SUBPROOF(m, D[start:end], b), unrolled: m counts the old tree's leaves inside [start, end).
  let m = fromSize;
  let start = 0;
  let end = toSize;
  let oldRootIsKnown = true;
  while (m < end - start) {
    const mid = start + largestPowerOfTwoBelow(end - start);
    if (start + m <= mid) {
      topDown.push({ start: mid, end });
      end = mid;
    } else {
      topDown.push({ start, end: mid });
      m -= mid - start;
      start = mid;
      oldRootIsKnown = false;
    }
  }
  // SUBPROOF(m, D[m], false) = {MTH(D[m])}; with b = true the verifier already has that root.
  if (!oldRootIsKnown) topDown.push({ start, end });
  return topDown.reverse();
}

export function inclusionProof(
  leafIndex: number,
  treeSize: number,
  getSubtreeRoot: SubtreeRootGetter,
): Buffer[] {
  return fetchRoots(inclusionProofRanges(leafIndex, treeSize), getSubtreeRoot);
}

export function consistencyProof(
  fromSize: number,
  toSize: number,
  getSubtreeRoot: SubtreeRootGetter,
): Buffer[] {
  return fetchRoots(consistencyProofRanges(fromSize, toSize), getSubtreeRoot);
}

function fetchRoots(ranges: readonly LeafRange[], getSubtreeRoot: SubtreeRootGetter): Buffer[] {
  return ranges.map(({ start, end }) => {
    const root = getSubtreeRoot(start, end);
    // A cache bug here would yield a proof that fails far away, at a verifier; fail where it happened.
    assertHash(root, `getSubtreeRoot(${start}, ${end})`);
    return root;
  });
}

/** A `SubtreeRootGetter` over leaf hashes held in memory: O(end - start) hashes per call. */
export function subtreeRootGetter(leafHashes: readonly Buffer[]): SubtreeRootGetter {
  return (start, end) => rootFromLeafHashes(leafHashes.slice(start, end));
}

/** Inclusion proof in the tree made of the first `treeSize` of `leafHashes`. */
export function inclusionProofFromLeafHashes(
  leafIndex: number,
  treeSize: number,
  leafHashes: readonly Buffer[],
): Buffer[] {
  requireLeavesFor(treeSize, leafHashes);
  return inclusionProof(leafIndex, treeSize, subtreeRootGetter(leafHashes));
}

/** Consistency proof between the trees made of the first `fromSize` and `toSize` of `leafHashes`. */
export function consistencyProofFromLeafHashes(
  fromSize: number,
  toSize: number,
  leafHashes: readonly Buffer[],
): Buffer[] {
  requireLeavesFor(toSize, leafHashes);
  return consistencyProof(fromSize, toSize, subtreeRootGetter(leafHashes));
}

function requireLeavesFor(treeSize: number, leafHashes: readonly Buffer[]): void {
  if (treeSize > leafHashes.length) {
    throw new RangeError(`a tree of ${treeSize} needs ${treeSize} leaf hashes, got ${leafHashes.length}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Proof verification (RFC 9162 §2.1.3.2 and §2.1.4.2)

/**
 * How many hashes an inclusion proof for leafIndex in a tree of treeSize has: the levels below the point
 * where the paths to leafIndex and to the last leaf part ("inner"), plus one per left sibling above it
 * ("border"). Same decomposition as transparency-dev/merkle's decompInclProof.
 */
export function inclusionProofSize(leafIndex: number, treeSize: number): number {
  requireTreeSize(leafIndex, 'leafIndex');
  requireTreeSize(treeSize, 'treeSize');
  if (leafIndex >= treeSize) throw new RangeError(`leafIndex ${leafIndex} is outside a tree of ${treeSize}`);
  const inner = bitLengthOfXor(leafIndex, treeSize - 1);
  return inner + popCount(shiftRight(leafIndex, inner));
}

/** How many hashes a consistency proof between the two sizes has (0 < fromSize <= toSize). */
export function consistencyProofSize(fromSize: number, toSize: number): number {
  requireTreeSize(fromSize, 'fromSize');
  requireTreeSize(toSize, 'toSize');
  if (fromSize === 0 || fromSize > toSize) {
    throw new RangeError(`no consistency proof exists from size ${fromSize} to size ${toSize}`);
  }
  if (fromSize === toSize) return 0;
  // The proof is the inclusion proof of the old tree's last leaf, minus the levels of the old tree's
  // rightmost complete subtree, plus that subtree's root unless the old tree is that very subtree.
  const inner = bitLengthOfXor(fromSize - 1, toSize - 1);
  const border = popCount(shiftRight(fromSize - 1, inner));
  const seed = isPowerOfTwo(fromSize) ? 0 : 1;
  return seed + inner - trailingZeros(fromSize) + border;
}

/**
 * The root that `proof` leads to for `leafHash` at `leafIndex` in a tree of `treeSize`, following
 * RFC 9162 §2.1.3.2. The proof length is checked first against `inclusionProofSize`, which is exactly
 * the condition the RFC's "sn is 0" checks (steps 4a and 5) enforce, but lets the error say what was expected.
 */
export function rootFromInclusionProof(
  leafHash: Buffer,
  leafIndex: number,
  treeSize: number,
  proof: readonly Buffer[],
): Buffer {
  requireProofHash(leafHash, 'leaf hash');
  requireProofSize(treeSize, 'treeSize');
  requireProofSize(leafIndex, 'leafIndex');
  if (leafIndex >= treeSize) {
    throw new InvalidProofError('leaf index outside the tree', `leafIndex < ${treeSize}`, String(leafIndex));
  }
  requireProofLength(proof, inclusionProofSize(leafIndex, treeSize), 'inclusion proof');

  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // Step 4b.ii skips the levels where a right-edge node has no sibling. Once fn === sn every remaining
      // sibling is on the left, so with the length checked up front this only keeps fn and sn as the RFC
      // has them; it is kept so the loop reads line by line against the RFC.
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return r;
}

/** Throws `InvalidProofError` or `RootMismatchError` unless `proof` shows the leaf is in the tree with `root`. */
export function verifyInclusion(
  leafHash: Buffer,
  leafIndex: number,
  treeSize: number,
  proof: readonly Buffer[],
  root: Buffer,
): void {
  requireProofHash(root, 'root');
  const found = rootFromInclusionProof(leafHash, leafIndex, treeSize, proof);
  if (!found.equals(root)) throw new RootMismatchError('root', hashToHex(root), hashToHex(found));
}

/**
 * Throws unless `proof` shows the tree of `toSize` with `toRoot` is an append-only extension of the tree
 * of `fromSize` with `fromRoot` (RFC 9162 §2.1.4.2). Equal sizes need an empty proof and equal roots; a
 * proof from size 0 is refused, as in transparency-dev/merkle, since it would prove nothing.
 */
export function verifyConsistency(
  fromSize: number,
  toSize: number,
  fromRoot: Buffer,
  toRoot: Buffer,
  proof: readonly Buffer[],
): void {
  requireProofHash(toRoot, 'toRoot');
  const found = rootFromConsistencyProof(fromSize, toSize, fromRoot, proof);
  if (!found.equals(toRoot)) throw new RootMismatchError('toRoot', hashToHex(toRoot), hashToHex(found));
}

/**
 * The root of the tree of `toSize` that `proof` leads to from the tree of `fromSize` with `fromRoot`;
 * throws `RootMismatchError` if the proof does not also lead back to `fromRoot`.
 */
export function rootFromConsistencyProof(
  fromSize: number,
  toSize: number,
  fromRoot: Buffer,
  proof: readonly Buffer[],
): Buffer {
  const { fromRoot: found, toRoot } = chainConsistencyProof(fromSize, toSize, fromRoot, proof);
  if (!found.equals(fromRoot)) throw new RootMismatchError('fromRoot', hashToHex(fromRoot), hashToHex(found));
  return toRoot;
}

/** Both roots the proof leads to, following RFC 9162 §2.1.4.2 up to, not including, the comparisons of step 7. */
function chainConsistencyProof(
  fromSize: number,
  toSize: number,
  fromRoot: Buffer,
  proof: readonly Buffer[],
): { fromRoot: Buffer; toRoot: Buffer } {
  requireProofSize(fromSize, 'fromSize');
  requireProofSize(toSize, 'toSize');
  requireProofHash(fromRoot, 'fromRoot');
  if (fromSize > toSize) {
    throw new InvalidProofError('tree shrank', `fromSize <= ${toSize}`, String(fromSize));
  }
  if (fromSize === toSize) {
    requireProofLength(proof, 0, 'consistency proof between equal sizes');
    return { fromRoot, toRoot: fromRoot };
  }
  if (fromSize === 0) {
    throw new InvalidProofError('consistency proof from the empty tree', 'fromSize > 0', '0');
  }
  requireProofLength(proof, consistencyProofSize(fromSize, toSize), 'consistency proof');

  // Step 2: when the old tree is a complete subtree its root is the proof's implicit first element.
  const path = isPowerOfTwo(fromSize) ? [fromRoot, ...proof] : proof;
  // Steps 3-4: start at the old tree's last leaf, lifted to the top of its rightmost complete subtree.
  let fn = fromSize - 1;
  let sn = toSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5. The length check guarantees a first element.
  let fr = path[0]!;
  let sr = fr;
  // Step 6.
  for (const c of path.slice(1)) {
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      // As in rootFromInclusionProof: RFC bookkeeping, no effect on the result once the length is checked.
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7's "sn is 0" is implied by the length check; the root comparisons are the callers'.
  return { fromRoot: fr, toRoot: sr };
}

/**
 * `verifyInclusion` as a boolean, for callers that only branch. It compares roots instead of throwing,
 * which keeps bulk checks fast. Bugs (non-Merkle errors) still throw.
 */
export function isValidInclusion(
  leafHash: Buffer,
  leafIndex: number,
  treeSize: number,
  proof: readonly Buffer[],
  root: Buffer,
): boolean {
  const found = unlessInvalid(() => rootFromInclusionProof(leafHash, leafIndex, treeSize, proof));
  return found !== undefined && isHash(root) && found.equals(root);
}

/** `verifyConsistency` as a boolean. */
export function isValidConsistency(
  fromSize: number,
  toSize: number,
  fromRoot: Buffer,
  toRoot: Buffer,
  proof: readonly Buffer[],
): boolean {
  const found = unlessInvalid(() => chainConsistencyProof(fromSize, toSize, fromRoot, proof));
  return (
    found !== undefined && isHash(toRoot) && found.fromRoot.equals(fromRoot) && found.toRoot.equals(toRoot)
  );
}

function unlessInvalid<T>(compute: () => T): T | undefined {
  try {
    return compute();
  } catch (error) {
    if (error instanceof MerkleError) return undefined;
    throw error;
  }
}

// Verification inputs come from outside (bundles, API clients), so their flaws are proof errors, not bugs.
function requireProofSize(n: number, what: string): void {
  if (!isTreeSize(n)) throw new InvalidProofError(`bad ${what}`, 'a non-negative safe integer', String(n));
}

function requireProofHash(value: unknown, what: string): void {
  if (!isHash(value)) {
    const found = Buffer.isBuffer(value) ? `${value.length} bytes` : typeof value;
    throw new InvalidProofError(`bad ${what}`, `${HASH_SIZE} bytes`, found);
  }
}

function requireProofLength(proof: readonly Buffer[], expected: number, what: string): void {
  if (!Array.isArray(proof) || proof.length !== expected) {
    const found = Array.isArray(proof) ? `${proof.length} hashes` : typeof proof;
    throw new InvalidProofError(`wrong ${what} length`, `${expected} hashes`, found);
  }
  proof.forEach((h, i) => requireProofHash(h, `proof hash ${i}`));
}

// ---------------------------------------------------------------------------------------------------
// Compact range

/** The persisted form of a `CompactRange`: subtree roots left to right (largest first), lowercase hex. */
export interface CompactRangeJson {
  size: number;
  hashes: string[];
}

/**
 * The right frontier of a log: one root per complete power-of-two subtree covering leaves [0, size),
 * one per set bit of size. Appending costs amortised one node hash and `root()` O(log n), so a sealer can
 * keep the current root without re-reading the log, persist this (a few hundred bytes) after each batch
 * and resume from it after a crash.
 */
export class CompactRange {
  private leafCount = 0;
  private readonly roots: Buffer[] = [];

  /** Restores a range saved with `toJSON`, checking it can describe a tree (one hash per set bit of size). */
  static fromJSON(json: unknown): CompactRange {
    if (typeof json !== 'object' || json === null) {
      throw new InvalidCompactRangeError('compact range: expected an object { size, hashes }');
    }
    const { size, hashes } = json as Partial<Record<keyof CompactRangeJson, unknown>>;
    if (!isTreeSize(size)) {
      throw new InvalidCompactRangeError(
        `compact range: size must be a non-negative safe integer, got ${String(size)}`,
      );
    }
    if (!Array.isArray(hashes) || hashes.length !== popCount(size)) {
      const found = Array.isArray(hashes) ? `${hashes.length} hashes` : typeof hashes;
      throw new InvalidCompactRangeError(
        `compact range of size ${size}: expected ${popCount(size)} hashes, found ${found}`,
      );
    }
    const range = new CompactRange();
    range.leafCount = size;
    hashes.forEach((hex: unknown, i) =>
      range.roots.push(hashFromHex(hex as string, `compact range hash ${i}`)),
    );
    return range;
  }

  /** Builds a range over the given leaves in one pass. */
  static fromLeafHashes(leafHashes: Iterable<Buffer>): CompactRange {
    const range = new CompactRange();
    range.appendMany(leafHashes);
    return range;
  }

  get size(): number {
    return this.leafCount;
  }

  /**
   * Appends a leaf. `completed`, when given, receives the roots of the subtrees the leaf completes,
   * bottom-up: the one pushed i-th covers 2^(i+1) leaves ending with this one. The stored tree keeps
   * them, so nothing is hashed twice; verification passes nothing and allocates nothing.
   */
  append(leafHash: Buffer, completed?: Buffer[]): void {
    assertHash(leafHash, `leaf hash ${this.leafCount}`);
    if (this.leafCount >= Number.MAX_SAFE_INTEGER) throw new RangeError('compact range is full');
    // Each trailing 1 bit of the old size is a complete subtree of the new leaf's size that now has a
    // right sibling: merge them, exactly like carrying in binary addition.
    let merged = leafHash;
    for (let carry = this.leafCount; isOdd(carry); carry = half(carry)) {
      merged = nodeHash(this.roots.pop()!, merged);
      completed?.push(merged);
    }
    this.roots.push(merged);
    this.leafCount += 1;
  }

  appendMany(leafHashes: Iterable<Buffer>): void {
    for (const h of leafHashes) this.append(h);
  }

  /** MTH of every leaf appended so far. */
  root(): Buffer {
    return rootFromPerfectSubtrees(this.roots);
  }

  clone(): CompactRange {
    return CompactRange.fromJSON(this.toJSON());
  }

  toJSON(): CompactRangeJson {
    return { size: this.leafCount, hashes: this.roots.map(hashToHex) };
  }
}
