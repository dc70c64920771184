/**
 * ASN lookup over the @ip-location-db/asn CSV range files, for when no MaxMind ASN database is
 * configured. Half a million rows are packed into typed arrays (one entry per range, organisation
 * names interned) and searched by bisection, so a lookup costs a couple of dozen integer compares and
 * no allocation. An address is stored as 32-bit words, most significant first: one for IPv4, four
 * for IPv6 (the two 64-bit halves, each split in two) so comparisons stay in plain integer arithmetic
 * instead of allocating a BigInt per probe.
 *
 * Accepted CSV: `start,end,asn,organisation` per line, bounds inclusive, either as addresses
 * (asn-ipv4.csv, asn-ipv6.csv) or as decimal integers (the -num variants); the organisation may be
 * double-quoted with "" escapes.
 */
import ipaddr from 'ipaddr.js';
import { parseCanonicalIpv4, parseHexIpv6 } from './ip-classify';

/** Ranges as parallel columns; bounds take `width` words each. */
class RangeColumns {
  starts: Uint32Array;
  ends: Uint32Array;
  asns: Uint32Array;
  orgs: Uint32Array;
  length = 0;

  constructor(
    readonly width: number,
    capacity: number,
  ) {
    this.starts = new Uint32Array(capacity * width);
    this.ends = new Uint32Array(capacity * width);
    this.asns = new Uint32Array(capacity);
    this.orgs = new Uint32Array(capacity);
  }

  /** Appends a row and returns its index; bounds are then written at index * width. */
  add(asn: number, org: number): number {
    if (this.length === this.asns.length) this.grow();
    const i = this.length++;
    this.asns[i] = asn;
    this.orgs[i] = org;
    return i;
  }

  copyRow(from: RangeColumns, i: number): void {
    const j = this.add(from.asns[i] as number, from.orgs[i] as number);
    const w = this.width;
    for (let k = 0; k < w; k++) {
      this.starts[j * w + k] = from.starts[i * w + k] as number;
      this.ends[j * w + k] = from.ends[i * w + k] as number;
    }
  }

  trimmed(): RangeColumns {
    const out = new RangeColumns(this.width, 0);
    out.starts = this.starts.slice(0, this.length * this.width);
    out.ends = this.ends.slice(0, this.length * this.width);
    out.asns = this.asns.slice(0, this.length);
    out.orgs = this.orgs.slice(0, this.length);
    out.length = this.length;
    return out;
  }

  private grow(): void {
    const capacity = Math.max(16, this.asns.length * 2);
    const w = this.width;
    const widen = (a: Uint32Array, size: number): Uint32Array => {
      const b = new Uint32Array(size);
      b.set(a);
      return b;
    };
    this.starts = widen(this.starts, capacity * w);
    this.ends = widen(this.ends, capacity * w);
    this.asns = widen(this.asns, capacity);
    this.orgs = widen(this.orgs, capacity);
  }
}

/** Sign of a[i] - b[j], both `width`-word big-endian numbers. */
function compareAt(a: Uint32Array, i: number, b: Uint32Array, j: number, width: number): number {
  for (let k = 0; k < width; k++) {
    const x = a[i * width + k] as number;
    const y = b[j * width + k] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The lookup side. Bisection over half a million starts is ~19 probes scattered through megabytes,
 * each a likely cache miss once the GeoIP tree walk has been through the cache, so the layout keeps
 * misses down: a first-level index by the leading address bits narrows the search to a handful of
 * ranges, and each range is one record [start, end, asn, organisation] (bounds `width` words each) so
 * the probes and the final read share cache lines.
 */
abstract class AsnRangeTable {
  /** Records of `stride` words: start (width words), end (width words), asn, organisation index. */
  protected readonly records: Uint32Array;
  protected readonly stride: number;
  /**
   * buckets[b]: index of the first range whose start falls in bucket b or later; one extra entry at
   * the end. Bucket numbers must not decrease as addresses increase.
   */
  protected readonly buckets: Uint32Array;
  readonly size: number;

  protected constructor(
    columns: RangeColumns,
    private readonly organisations: readonly string[],
    bucketCount: number,
    bucketOf: (firstWord: number) => number,
  ) {
    const w = columns.width;
    const n = columns.length;
    const stride = 2 * w + 2;
    this.size = n;
    this.stride = stride;
    this.records = new Uint32Array(n * stride);
    for (let i = 0; i < n; i++) {
      const at = i * stride;
      for (let k = 0; k < w; k++) {
        this.records[at + k] = columns.starts[i * w + k] as number;
        this.records[at + w + k] = columns.ends[i * w + k] as number;
      }
      this.records[at + 2 * w] = columns.asns[i] as number;
      this.records[at + 2 * w + 1] = columns.orgs[i] as number;
    }
    this.buckets = new Uint32Array(bucketCount + 1);
    let i = 0;
    for (let b = 0; b <= bucketCount; b++) {
      while (i < n && bucketOf(columns.starts[i * w] as number) < b) i++;
      this.buckets[b] = i;
    }
  }

  get organisationCount(): number {
    return this.organisations.length;
  }

  asnAt(i: number): number {
    return this.records[i * this.stride + this.stride - 2] as number;
  }

  organisationAt(i: number): string | null {
    return this.organisations[this.records[i * this.stride + this.stride - 1] as number] || null;
  }
}

// IPv4: one bucket per /16.
const IPV4_BUCKETS = 65536;
const ipv4Bucket = (word: number): number => word >>> 16;

export class Ipv4AsnRanges extends AsnRangeTable {
  static fromCsv(text: string): Ipv4AsnRanges {
    const { columns, organisations } = loadCsv(text, 1, parseIpv4Bound);
    return new Ipv4AsnRanges(columns, organisations, IPV4_BUCKETS, ipv4Bucket);
  }

  /** Index of the range containing the address (unsigned 32-bit value), or -1. */
  find(value: number): number {
    const records = this.records;
    const bucket = ipv4Bucket(value);
    // The answer is the last range starting at or before `value`: at the earliest the one just
    // before this bucket's first range, at the latest this bucket's last.
    let lo = Math.max(0, (this.buckets[bucket] as number) - 1);
    let hi = (this.buckets[bucket + 1] as number) - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((records[mid * 4] as number) <= value) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found >= 0 && value <= (records[found * 4 + 1] as number) ? found : -1;
  }
}

// IPv6: one bucket per /20 inside 2000::/3, where all routed space is (a /16 bucket such as 2a02::
// would hold thousands of ranges); everything below or above shares one bucket at either end.
const IPV6_BUCKETS = (1 << 17) + 2;
const ipv6Bucket = (word: number): number => {
  const slot = (word >>> 12) - 0x20000;
  return slot < 0 ? 0 : slot >= 1 << 17 ? IPV6_BUCKETS - 1 : slot + 1;
};

export class Ipv6AsnRanges extends AsnRangeTable {
  static fromCsv(text: string): Ipv6AsnRanges {
    const { columns, organisations } = loadCsv(text, 4, parseIpv6Bound);
    return new Ipv6AsnRanges(columns, organisations, IPV6_BUCKETS, ipv6Bucket);
  }

  /** Index of the range containing the address given as eight 16-bit groups, or -1. */
  find(parts: readonly number[]): number {
    const w0 = (parts[0] as number) * 65536 + (parts[1] as number);
    const w1 = (parts[2] as number) * 65536 + (parts[3] as number);
    const w2 = (parts[4] as number) * 65536 + (parts[5] as number);
    const w3 = (parts[6] as number) * 65536 + (parts[7] as number);
    const records = this.records;
    const bucket = ipv6Bucket(w0);
    let lo = Math.max(0, (this.buckets[bucket] as number) - 1);
    let hi = (this.buckets[bucket + 1] as number) - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (compareWords(records, mid * 10, w0, w1, w2, w3) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found >= 0 && compareWords(records, found * 10 + 4, w0, w1, w2, w3) >= 0 ? found : -1;
  }
}

/** Sign of (the four words at `at`) - (w0..w3), without touching an array for the query. */
function compareWords(
  words: Uint32Array,
  at: number,
  w0: number,
  w1: number,
  w2: number,
  w3: number,
): number {
  let a = words[at] as number;
  if (a !== w0) return a < w0 ? -1 : 1;
  a = words[at + 1] as number;
  if (a !== w1) return a < w1 ? -1 : 1;
  a = words[at + 2] as number;
  if (a !== w2) return a < w2 ? -1 : 1;
  a = words[at + 3] as number;
  return a === w3 ? 0 : a < w3 ? -1 : 1;
}

/** Writes a CSV bound into `words` at `at`; false if it is not an address of this family. */
type BoundParser = (text: string, words: Uint32Array, at: number) => boolean;

const DECIMAL = /^\d+$/;

function parseIpv4Bound(text: string, words: Uint32Array, at: number): boolean {
  let value = parseCanonicalIpv4(text);
  if (value < 0 && DECIMAL.test(text)) value = Number(text);
  if (value < 0 || value > 0xffffffff) return false;
  words[at] = value;
  return true;
}

const MASK32 = 0xffffffffn;
const MAX_IPV6 = (1n << 128n) - 1n;

function parseIpv6Bound(text: string, words: Uint32Array, at: number): boolean {
  if (DECIMAL.test(text)) {
    const n = BigInt(text);
    if (n > MAX_IPV6) return false;
    writeBigInt(words, at, n);
    return true;
  }
  const parts = parseHexIpv6(text);
  if (parts !== null) {
    for (let k = 0; k < 4; k++)
      words[at + k] = (parts[2 * k] as number) * 65536 + (parts[2 * k + 1] as number);
    return true;
  }
  try {
    const slow = ipaddr.IPv6.parse(text).parts;
    for (let k = 0; k < 4; k++) words[at + k] = (slow[2 * k] as number) * 65536 + (slow[2 * k + 1] as number);
    return true;
  } catch {
    return false;
  }
}

function writeBigInt(words: Uint32Array, at: number, value: bigint): void {
  for (let k = 0; k < 4; k++) words[at + k] = Number((value >> BigInt(96 - 32 * k)) & MASK32);
}

function readBigInt(words: Uint32Array, at: number, width: number): bigint {
  let n = 0n;
  for (let k = 0; k < width; k++) n = (n << 32n) | BigInt(words[at + k] as number);
  return n;
}

function loadCsv(
  text: string,
  width: number,
  parseBound: BoundParser,
): { columns: RangeColumns; organisations: string[] } {
  const organisations: string[] = [];
  const orgIndex = new Map<string, number>();
  // Each ASN nearly always has one organisation text; checking the raw field against the last one
  // seen for the ASN, in place, avoids slicing and hashing half a million names.
  const lastByAsn = new Map<number, { raw: string; index: number }>();
  let rows = new RangeColumns(width, countLines(text));
  forEachCsvRow(text, (startText, endText, asn, orgFrom, orgTo, line) => {
    let known = lastByAsn.get(asn);
    if (known === undefined || known.raw.length !== orgTo - orgFrom || !text.startsWith(known.raw, orgFrom)) {
      const raw = text.slice(orgFrom, orgTo);
      const name = unquote(raw, line);
      let index = orgIndex.get(name);
      if (index === undefined) {
        index = organisations.length;
        organisations.push(name);
        orgIndex.set(name, index);
      }
      known = { raw, index };
      lastByAsn.set(asn, known);
    }
    const i = rows.add(asn, known.index);
    if (!parseBound(startText, rows.starts, i * width) || !parseBound(endText, rows.ends, i * width)) {
      throw new Error(`line ${line}: not an IPv${width === 1 ? 4 : 6} range`);
    }
    if (compareAt(rows.ends, i, rows.starts, i, width) < 0)
      throw new Error(`line ${line}: range ends before it starts`);
  });
  if (!isSorted(rows)) rows = sortRows(rows);
  return { columns: makeDisjoint(rows), organisations };
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Splits the text into rows without building a line array (the IPv4 file is 24 MB). Malformed rows
 * throw: a truncated or corrupted download must fail the load, not silently lose ranges.
 */
function forEachCsvRow(
  text: string,
  onRow: (start: string, end: string, asn: number, orgFrom: number, orgTo: number, line: number) => void,
): void {
  let pos = 0;
  let line = 0;
  const len = text.length;
  while (pos < len) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = len;
    line++;
    let stop = eol;
    if (stop > pos && text.charCodeAt(stop - 1) === 13) stop--;
    if (stop > pos) {
      const c1 = text.indexOf(',', pos);
      const c2 = c1 < 0 ? -1 : text.indexOf(',', c1 + 1);
      const c3 = c2 < 0 ? -1 : text.indexOf(',', c2 + 1);
      if (c3 < 0 || c3 >= stop) throw new Error(`line ${line}: expected start,end,asn,organisation`);
      const asnText = text.slice(c2 + 1, c3);
      const asn = Number(asnText);
      if (!DECIMAL.test(asnText) || asn > 0xffffffff) throw new Error(`line ${line}: bad ASN`);
      onRow(text.slice(pos, c1), text.slice(c1 + 1, c2), asn, c3 + 1, stop, line);
    }
    pos = eol + 1;
  }
}

function unquote(field: string, line: number): string {
  if (!field.startsWith('"')) return field;
  if (field.length < 2 || !field.endsWith('"')) throw new Error(`line ${line}: unterminated quoted field`);
  return field.slice(1, -1).replace(/""/g, '"');
}

function isSorted(rows: RangeColumns): boolean {
  for (let i = 1; i < rows.length; i++) {
    if (compareAt(rows.starts, i - 1, rows.starts, i, rows.width) > 0) return false;
  }
  return true;
}

/** By start ascending, wider range first on equal starts (so the narrower one, later, wins). */
function sortRows(rows: RangeColumns): RangeColumns {
  const w = rows.width;
  const order = Array.from({ length: rows.length }, (_, i) => i);
  order.sort(
    (a, b) =>
      compareAt(rows.starts, a, rows.starts, b, w) || compareAt(rows.ends, b, rows.ends, a, w) || a - b,
  );
  const out = new RangeColumns(w, rows.length);
  for (const i of order) out.copyRow(rows, i);
  return out;
}

/**
 * Makes sorted ranges disjoint so bisection finds "the" range for an address. Rows that overlap
 * nothing are copied as they are; each run of overlapping rows goes through flattenCluster. The
 * shipped IPv4 file has such a run (214.95.0.0-215.0.255.255 then 215.0.0.0-215.1.3.255 at the time
 * of writing).
 */
function makeDisjoint(rows: RangeColumns): RangeColumns {
  const w = rows.width;
  const out = new RangeColumns(w, rows.length);
  let i = 0;
  while (i < rows.length) {
    // Extend the run while the next row starts inside the furthest end seen so far.
    let furthest = i;
    let j = i + 1;
    while (j < rows.length && compareAt(rows.starts, j, rows.ends, furthest, w) <= 0) {
      if (compareAt(rows.ends, j, rows.ends, furthest, w) > 0) furthest = j;
      j++;
    }
    if (j === i + 1) out.copyRow(rows, i);
    else flattenCluster(rows, i, j, out);
    i = j;
  }
  return out.trimmed();
}

interface Open {
  readonly row: number;
  readonly end: bigint;
  cursor: bigint;
}

/**
 * Rows [from, to) overlap; later-starting rows (the more specific announcements, in sorted data)
 * win, and an enclosing range keeps its parts on either side of a range nested inside it. Clusters
 * are a handful of rows, so BigInt arithmetic is fine here.
 */
function flattenCluster(rows: RangeColumns, from: number, to: number, out: RangeColumns): void {
  const w = rows.width;
  const emit = (start: bigint, end: bigint, row: number): void => {
    if (start > end) return;
    const j = out.add(rows.asns[row] as number, rows.orgs[row] as number);
    writeWidth(out.starts, j * w, w, start);
    writeWidth(out.ends, j * w, w, end);
  };
  // Open ranges, each nested in the one below it; `cursor` is where its unemitted part starts.
  const stack: Open[] = [];
  const closeTop = (): void => {
    const done = stack.pop() as Open;
    emit(done.cursor, done.end, done.row);
    const below = stack[stack.length - 1];
    if (below && done.end + 1n > below.cursor) below.cursor = done.end + 1n;
  };
  for (let r = from; r < to; r++) {
    const start = readBigInt(rows.starts, r * w, w);
    const end = readBigInt(rows.ends, r * w, w);
    while (stack.length > 0 && (stack[stack.length - 1] as Open).end < start) closeTop();
    const top = stack[stack.length - 1];
    if (top) {
      emit(top.cursor, start - 1n, top.row);
      top.cursor = start;
    }
    // Ranges ending inside this one are hidden by it from here on.
    while (stack.length > 0 && (stack[stack.length - 1] as Open).end <= end) stack.pop();
    stack.push({ row: r, end, cursor: start });
  }
  while (stack.length > 0) closeTop();
}

function writeWidth(words: Uint32Array, at: number, width: number, value: bigint): void {
  for (let k = 0; k < width; k++) words[at + k] = Number((value >> BigInt(32 * (width - 1 - k))) & MASK32);
}
