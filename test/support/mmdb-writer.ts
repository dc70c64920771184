/**
 * A small writer of MaxMind DB files (https://maxmind.github.io/MaxMind-DB/) so tests can craft
 * fixture databases in any record schema instead of committing binary files or reading licensed
 * data. It builds the binary search tree (24, 28 or 32-bit records), a data section with every
 * type the format has (repeated values stored once and reached by pointer), and the metadata.
 * Correctness is checked by reading its output back with the `maxmind` package.
 */
import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import ipaddr from 'ipaddr.js';

type TypedKind = 'uint16' | 'uint32' | 'int32' | 'uint64' | 'uint128' | 'float' | 'double' | 'bytes';

/** A value whose MaxMind type is chosen explicitly rather than inferred from the JS value. */
export class MmdbTyped {
  constructor(
    readonly kind: TypedKind,
    readonly value: number | bigint | Uint8Array,
  ) {}
}

/** Explicit types, for fields where the schema fixes one (accuracy_radius is uint16, ...). */
export const mmdbType = {
  uint16: (n: number) => new MmdbTyped('uint16', n),
  uint32: (n: number) => new MmdbTyped('uint32', n),
  int32: (n: number) => new MmdbTyped('int32', n),
  uint64: (n: bigint | number) => new MmdbTyped('uint64', BigInt(n)),
  uint128: (n: bigint | number) => new MmdbTyped('uint128', BigInt(n)),
  float: (n: number) => new MmdbTyped('float', n),
  double: (n: number) => new MmdbTyped('double', n),
  bytes: (b: Uint8Array) => new MmdbTyped('bytes', b),
};

/**
 * Inferred types: string -> utf8_string, boolean -> boolean, bigint -> uint64 (uint128 if larger),
 * Uint8Array -> bytes, array -> array, object -> map; numbers: non-negative integers -> uint32
 * (uint64 above 2^32), negative integers -> int32, anything else -> double.
 */
export type MmdbValue =
  | string
  | number
  | boolean
  | bigint
  | Uint8Array
  | MmdbTyped
  | readonly MmdbValue[]
  | { readonly [key: string]: MmdbValue };

export interface MmdbEntry {
  /** CIDR; IPv4 networks go under ::/96 in an IPv6 tree, as MaxMind's own databases do. */
  readonly network: string;
  readonly record: MmdbValue;
}

export interface MmdbOptions {
  readonly databaseType: string;
  readonly ipVersion?: 4 | 6;
  /** Bits per search-tree record; default: the smallest that can address the data. */
  readonly recordSize?: 24 | 28 | 32;
  readonly languages?: readonly string[];
  readonly description?: Readonly<Record<string, string>>;
  /** Default: now. */
  readonly buildEpoch?: Date;
  /** Store repeated strings, maps and arrays once and point to them (default true). */
  readonly dedupe?: boolean;
}

const METADATA_MARKER = Buffer.from([0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com', 'ascii')]);
const DATA_SECTION_SEPARATOR = Buffer.alloc(16);

const TYPE = {
  pointer: 1,
  utf8: 2,
  double: 3,
  bytes: 4,
  uint16: 5,
  uint32: 6,
  map: 7,
  int32: 8,
  uint64: 9,
  uint128: 10,
  array: 11,
  boolean: 14,
  float: 15,
} as const;

/** Encodes data-section values, appending as it goes so every value's offset is known. */
class DataEncoder {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly seen = new Map<string, number>();

  constructor(private readonly dedupe: boolean) {}

  get length(): number {
    return this.size;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }

  /** Writes the value (or a pointer to an identical earlier one) and returns where it starts. */
  write(value: MmdbValue): number {
    const key = this.dedupe && worthPointingTo(value) ? canonicalKey(value) : null;
    if (key !== null) {
      const earlier = this.seen.get(key);
      if (earlier !== undefined) {
        const at = this.size;
        this.push(encodePointer(earlier));
        return at;
      }
    }
    const at = this.size;
    this.writeValue(value);
    if (key !== null) this.seen.set(key, at);
    return at;
  }

  private push(bytes: Buffer): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private writeValue(value: MmdbValue): void {
    if (typeof value === 'string') {
      const bytes = Buffer.from(value, 'utf8');
      this.push(Buffer.concat([control(TYPE.utf8, bytes.length), bytes]));
    } else if (typeof value === 'boolean') {
      this.push(control(TYPE.boolean, value ? 1 : 0));
    } else if (typeof value === 'bigint') {
      this.writeTyped(new MmdbTyped(value < 1n << 64n ? 'uint64' : 'uint128', value));
    } else if (typeof value === 'number') {
      this.writeTyped(inferNumber(value));
    } else if (value instanceof MmdbTyped) {
      this.writeTyped(value);
    } else if (value instanceof Uint8Array) {
      this.writeTyped(new MmdbTyped('bytes', value));
    } else if (Array.isArray(value)) {
      const items = value as readonly MmdbValue[];
      this.push(control(TYPE.array, items.length));
      for (const item of items) this.write(item);
    } else {
      const entries = Object.entries(value as { readonly [key: string]: MmdbValue });
      this.push(control(TYPE.map, entries.length));
      for (const [k, v] of entries) {
        this.write(k);
        this.write(v);
      }
    }
  }

  private writeTyped(t: MmdbTyped): void {
    switch (t.kind) {
      case 'double': {
        const b = Buffer.alloc(8);
        b.writeDoubleBE(Number(t.value));
        this.push(Buffer.concat([control(TYPE.double, 8), b]));
        return;
      }
      case 'float': {
        const b = Buffer.alloc(4);
        b.writeFloatBE(Number(t.value));
        this.push(Buffer.concat([control(TYPE.float, 4), b]));
        return;
      }
      case 'bytes': {
        const b = Buffer.from(t.value as Uint8Array);
        this.push(Buffer.concat([control(TYPE.bytes, b.length), b]));
        return;
      }
      case 'int32': {
        const n = Number(t.value);
        if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31)
          throw new RangeError(`int32 out of range: ${n}`);
        // Negative values need all four bytes for the sign; positive ones are stored minimally.
        const b = n < 0 ? int32Bytes(n) : unsignedBytes(BigInt(n), 4);
        this.push(Buffer.concat([control(TYPE.int32, b.length), b]));
        return;
      }
      default: {
        const max = { uint16: 2, uint32: 4, uint64: 8, uint128: 16 }[t.kind];
        const b = unsignedBytes(BigInt(t.value as number | bigint), max);
        this.push(Buffer.concat([control(TYPE[t.kind], b.length), b]));
      }
    }
  }
}

function inferNumber(n: number): MmdbTyped {
  if (Number.isInteger(n) && n >= 0)
    return new MmdbTyped(n <= 0xffffffff ? 'uint32' : 'uint64', n <= 0xffffffff ? n : BigInt(n));
  if (Number.isInteger(n) && n >= -(2 ** 31)) return new MmdbTyped('int32', n);
  return new MmdbTyped('double', n);
}

// A pointer costs 2-5 bytes, so only values that are usually longer are worth sharing.
function worthPointingTo(value: MmdbValue): boolean {
  return typeof value === 'string'
    ? Buffer.byteLength(value) >= 4
    : typeof value === 'object' && !(value instanceof MmdbTyped) && !(value instanceof Uint8Array);
}

/** Identical values (type included) give identical keys. */
function canonicalKey(value: MmdbValue): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return { bigint: v.toString() };
    if (v instanceof MmdbTyped)
      return { [v.kind]: v.value instanceof Uint8Array ? Array.from(v.value) : String(v.value) };
    return v;
  });
}

function unsignedBytes(n: bigint, maxBytes: number): Buffer {
  if (n < 0n || n >= 1n << BigInt(8 * maxBytes))
    throw new RangeError(`${n} does not fit in ${maxBytes} bytes`);
  const out: number[] = [];
  for (let v = n; v > 0n; v >>= 8n) out.unshift(Number(v & 0xffn));
  return Buffer.from(out);
}

function int32Bytes(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** Control byte(s) for a type and payload size (or entry count for maps and arrays). */
function control(type: number, size: number): Buffer {
  const bytes: number[] = [];
  const extended = type > 7;
  let first = extended ? 0 : type << 5;
  const sizeBytes: number[] = [];
  if (size < 29) {
    first |= size;
  } else if (size < 29 + 256) {
    first |= 29;
    sizeBytes.push(size - 29);
  } else if (size < 285 + 65536) {
    first |= 30;
    const v = size - 285;
    sizeBytes.push(v >> 8, v & 0xff);
  } else if (size < 65821 + 2 ** 24) {
    first |= 31;
    const v = size - 65821;
    sizeBytes.push((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
  } else {
    throw new RangeError(`size ${size} too large`);
  }
  bytes.push(first);
  if (extended) bytes.push(type - 7);
  bytes.push(...sizeBytes);
  return Buffer.from(bytes);
}

/** A data-section pointer to `offset`; exported so its size forms can be checked directly. */
export function encodePointer(offset: number): Buffer {
  if (offset < 2048) return Buffer.from([0x20 | (offset >> 8), offset & 0xff]);
  if (offset < 2048 + 2 ** 19) {
    const v = offset - 2048;
    return Buffer.from([0x20 | (1 << 3) | (v >> 16), (v >> 8) & 0xff, v & 0xff]);
  }
  if (offset < 526336 + 2 ** 27) {
    const v = offset - 526336;
    return Buffer.from([0x20 | (2 << 3) | ((v >> 24) & 7), (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
  }
  const b = Buffer.alloc(5);
  b[0] = 0x20 | (3 << 3);
  b.writeUInt32BE(offset, 1);
  return b;
}

interface TreeNode {
  left: TreeChild;
  right: TreeChild;
}
/** A node, a data record (index into the record list), or nothing. */
type TreeChild = TreeNode | number | null;

function networkBits(cidr: string, ipVersion: 4 | 6): { bytes: number[]; prefix: number } {
  const [address, prefix] = ipaddr.parseCIDR(cidr);
  let bytes = address.toByteArray();
  let bits = prefix;
  if (address.kind() === 'ipv4' && ipVersion === 6) {
    bytes = [...new Array<number>(12).fill(0), ...bytes];
    bits += 96;
  } else if (address.kind() === 'ipv6' && ipVersion === 4) {
    throw new Error(`${cidr}: IPv6 network in an IPv4 database`);
  }
  return { bytes, prefix: bits };
}

function bitAt(bytes: readonly number[], i: number): number {
  return ((bytes[i >> 3] as number) >> (7 - (i & 7))) & 1;
}

export function buildMmdb(entries: readonly MmdbEntry[], options: MmdbOptions): Buffer {
  const ipVersion = options.ipVersion ?? 6;
  const root: TreeNode = { left: null, right: null };
  const data = new DataEncoder(options.dedupe ?? true);
  const recordOffsets: number[] = [];

  // Shorter prefixes first, so a more specific network inserted later carves its hole out of them.
  const sorted = entries
    .map((e, i) => ({ ...e, ...networkBits(e.network, ipVersion), i }))
    .sort((a, b) => a.prefix - b.prefix || a.i - b.i);
  for (const entry of sorted) {
    const leaf = recordOffsets.length;
    recordOffsets.push(data.write(entry.record));
    if (entry.prefix === 0) {
      root.left = leaf;
      root.right = leaf;
      continue;
    }
    let node = root;
    for (let depth = 0; depth < entry.prefix; depth++) {
      const side = bitAt(entry.bytes, depth) === 1 ? 'right' : 'left';
      if (depth === entry.prefix - 1) {
        node[side] = leaf;
        break;
      }
      const child = node[side];
      if (child !== null && typeof child === 'object') {
        node = child;
      } else {
        // Push the enclosing record (or emptiness) down both branches.
        const split: TreeNode = { left: child, right: child };
        node[side] = split;
        node = split;
      }
    }
  }

  const nodes: TreeNode[] = [];
  const ids = new Map<TreeNode, number>();
  for (let queue = [root]; queue.length > 0;) {
    const next: TreeNode[] = [];
    for (const n of queue) {
      ids.set(n, nodes.length);
      nodes.push(n);
      for (const c of [n.left, n.right]) if (c !== null && typeof c === 'object') next.push(c);
    }
    queue = next;
  }
  const nodeCount = nodes.length;
  const valueOf = (c: TreeChild): number =>
    c === null
      ? nodeCount
      : typeof c === 'number'
        ? nodeCount + 16 + (recordOffsets[c] as number)
        : (ids.get(c) as number);

  const largest = nodeCount + 16 + data.length;
  const recordSize = options.recordSize ?? (largest < 2 ** 24 ? 24 : largest < 2 ** 28 ? 28 : 32);
  if (largest >= 2 ** recordSize) throw new Error(`record size ${recordSize} cannot address ${largest}`);
  const nodeBytes = recordSize / 4;
  const tree = Buffer.alloc(nodeCount * nodeBytes);
  nodes.forEach((n, i) => writeNode(tree, i * nodeBytes, recordSize, valueOf(n.left), valueOf(n.right)));

  const metadata = new DataEncoder(false);
  metadata.write({
    node_count: mmdbType.uint32(nodeCount),
    record_size: mmdbType.uint16(recordSize),
    ip_version: mmdbType.uint16(ipVersion),
    database_type: options.databaseType,
    languages: [...(options.languages ?? ['en'])],
    binary_format_major_version: mmdbType.uint16(2),
    binary_format_minor_version: mmdbType.uint16(0),
    build_epoch: mmdbType.uint64(Math.floor((options.buildEpoch ?? new Date()).getTime() / 1000)),
    description: { ...(options.description ?? { en: `${options.databaseType} test fixture` }) },
  });

  return Buffer.concat([tree, DATA_SECTION_SEPARATOR, data.toBuffer(), METADATA_MARKER, metadata.toBuffer()]);
}

function writeNode(tree: Buffer, at: number, recordSize: 24 | 28 | 32, left: number, right: number): void {
  if (recordSize === 24) {
    tree.writeUIntBE(left, at, 3);
    tree.writeUIntBE(right, at + 3, 3);
  } else if (recordSize === 28) {
    // The middle byte holds the top four bits of each record: left's high nibble, right's low.
    tree.writeUIntBE(left & 0xffffff, at, 3);
    tree[at + 3] = ((left >>> 24) << 4) | (right >>> 24);
    tree.writeUIntBE(right & 0xffffff, at + 4, 3);
  } else {
    tree.writeUInt32BE(left, at);
    tree.writeUInt32BE(right, at + 4);
  }
}

/**
 * Writes the database next to `path` and renames it into place, the way database updaters replace
 * files, so a watcher never sees it half-written.
 */
export async function writeMmdb(
  path: string,
  entries: readonly MmdbEntry[],
  options: MmdbOptions,
): Promise<void> {
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, buildMmdb(entries, options));
  await rename(temporary, path);
}
