/**
 * Finds an already-parsed address in a MaxMind DB file. The `maxmind` reader takes only text and
 * parses it again on every lookup; for IPv6 that parse (splits, parseInt, a regular expression for an
 * embedded IPv4 tail) costs twice its tree walk: about 1 µs of the reader's 1.5 on the development
 * machine. GeoIpService has parsed and classified the address already, so this walks the search tree
 * itself, by the node layout the format documents (https://maxmind.github.io/MaxMind-DB/, "Search
 * Tree Section"), and leaves decoding the record, with its cache, to the reader.
 */
import type { Reader, Response } from 'maxmind';
import type { ParsedIp } from './ip-classify';

/**
 * The reader's decoding of a search-tree record into its data-section value. mmdb-lib (the engine
 * of `maxmind` 5) has it as a method its type declarations mark private; where a later version
 * lacks it, lookups fall back to the reader's own text path.
 */
interface ResolvesPointers {
  resolveDataPointer(pointer: number): unknown;
}

function resolvesPointers(reader: object): reader is ResolvesPointers {
  return typeof (reader as Partial<ResolvesPointers>).resolveDataPointer === 'function';
}

export class MmdbSearch<T extends Response> {
  private readonly nodeCount: number;
  private readonly nodeBytes: number;
  private readonly recordSize: number;
  private readonly ipv6Tree: boolean;
  /** Where IPv4 addresses start: 0 in an IPv4 tree, the node reached by 96 zero bits in an IPv6 tree. */
  private readonly ipv4Start: number;
  private readonly decoder: ResolvesPointers | null;

  constructor(
    private readonly reader: Reader<T>,
    private readonly db: Buffer,
  ) {
    const m = reader.metadata;
    this.nodeCount = m.nodeCount;
    this.nodeBytes = m.nodeByteSize;
    this.recordSize = m.recordSize;
    this.ipv6Tree = m.ipVersion === 6;
    this.decoder = resolvesPointers(reader) ? reader : null;
    let node = 0;
    if (this.ipv6Tree) {
      for (let depth = 0; depth < 96 && node < this.nodeCount; depth++) node = this.child(node, 0);
    }
    this.ipv4Start = node;
  }

  /**
   * The record for the address and the prefix length of the network it was found in (or of the
   * deepest node reached when there is no record), as `Reader.getWithPrefixLength` answers. An IPv6
   * address in an IPv4-only tree has no record.
   */
  find(ip: ParsedIp): [T | null, number] {
    if (this.decoder === null) return this.reader.getWithPrefixLength(ip.address);
    const nodeCount = this.nodeCount;
    let node: number;
    let depth = 0;
    if (ip.version === 4) {
      const value = ip.value;
      node = this.ipv4Start;
      for (; depth < 32 && node < nodeCount; depth++) node = this.child(node, (value >>> (31 - depth)) & 1);
    } else {
      if (!this.ipv6Tree) return [null, 0];
      const parts = ip.parts;
      node = 0;
      for (; depth < 128 && node < nodeCount; depth++) {
        node = this.child(node, ((parts[depth >> 4] as number) >>> (15 - (depth & 15))) & 1);
      }
    }
    // A record equal to the node count means "no data"; above it, a pointer into the data section.
    if (node <= nodeCount) return [null, depth];
    return [this.decoder.resolveDataPointer(node) as T, depth];
  }

  /** The left (bit 0) or right (bit 1) record of a node: 24, 28 or 32 bits, big-endian. */
  private child(node: number, bit: number): number {
    const db = this.db;
    const at = node * this.nodeBytes;
    switch (this.recordSize) {
      case 24: {
        const o = at + bit * 3;
        return ((db[o] as number) << 16) | ((db[o + 1] as number) << 8) | (db[o + 2] as number);
      }
      case 28: {
        // The middle byte holds the high nibble of both records: left's in its upper half.
        const high =
          bit === 0 ? ((db[at + 3] as number) & 0xf0) << 20 : ((db[at + 3] as number) & 0x0f) << 24;
        const o = at + bit * 4;
        return high | ((db[o] as number) << 16) | ((db[o + 1] as number) << 8) | (db[o + 2] as number);
      }
      default:
        return db.readUInt32BE(at + bit * 4);
    }
  }
}
