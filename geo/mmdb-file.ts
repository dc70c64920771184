/**
 * Opens a MaxMind DB file into a `maxmind` Reader, refusing files that would only fail later: gzip
 * archives, truncated or half-written downloads, and databases of the wrong kind for their slot.
 * Used for the first load and for every reload, so a bad file on disk never replaces a good reader.
 */
import { readFile } from 'node:fs/promises';
import { Reader, type Response } from 'maxmind';
import { MmdbSearch } from './mmdb-search';
import type { Loaded } from './watched-file';

// Mirrors the reader's data-section offset arithmetic: tree, then 16 zero bytes, then data.
const DATA_SECTION_SEPARATOR_SIZE = 16;

/**
 * Bounded cache of decoded records, keyed by data-section offset (what the reader hands it). First in,
 * first out over a fixed ring of keys, so a miss on a full cache evicts without allocating.
 */
export class RecordCache {
  private readonly entries = new Map<string | number, unknown>();
  private readonly ring: (string | number | undefined)[];
  private next = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Array<string | number | undefined>(Math.max(1, capacity));
  }

  get(key: string | number): unknown {
    return this.entries.get(key);
  }

  set(key: string | number, value: unknown): void {
    if (this.entries.has(key)) {
      this.entries.set(key, value);
      return;
    }
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.entries.delete(evicted);
    this.ring[this.next] = key;
    this.next = (this.next + 1) % this.ring.length;
    this.entries.set(key, value);
  }
}

export interface OpenedMmdb<T extends Response> {
  readonly reader: Reader<T>;
  /** Lookups of addresses already parsed (the service's path); `reader` for text. */
  readonly search: MmdbSearch<T>;
  readonly databaseType: string;
  readonly buildDate: Date;
  readonly ipVersion: 4 | 6;
}

/**
 * @param acceptType says whether `databaseType` from the metadata suits the slot; the message it
 *   returns (or null to accept) ends up in the error.
 */
export async function openMmdb<T extends Response>(
  path: string,
  cacheSize: number,
  acceptType: (databaseType: string) => string | null,
): Promise<OpenedMmdb<T>> {
  const buffer = await readFile(path);
  if (buffer.length >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) {
    throw new Error(`${path} is gzip-compressed; decompress it to a .mmdb file first`);
  }
  let reader: Reader<T>;
  try {
    reader = new Reader<T>(buffer, { cache: new RecordCache(cacheSize) });
  } catch (e) {
    throw new Error(`${path} is not a readable MaxMind DB file: ${(e as Error).message}`, { cause: e });
  }
  const m = reader.metadata;
  const problem =
    m.binaryFormatMajorVersion !== 2
      ? `unsupported binary format version ${String(m.binaryFormatMajorVersion)}`
      : !Number.isInteger(m.nodeCount) || m.nodeCount <= 0
        ? 'metadata has no node count'
        : m.searchTreeSize + DATA_SECTION_SEPARATOR_SIZE > buffer.length
          ? 'file is shorter than its search tree (truncated?)'
          : m.ipVersion !== 4 && m.ipVersion !== 6
            ? `unsupported ip_version ${String(m.ipVersion)}`
            : typeof m.databaseType !== 'string'
              ? 'metadata has no database_type'
              : Number.isNaN(m.buildEpoch.getTime())
                ? 'metadata has no build_epoch'
                : acceptType(m.databaseType);
  if (problem) throw new Error(`${path}: ${problem}`);
  try {
    // Walks the tree and decodes a record, which catches a corrupt tree or data section now
    // rather than on the first request.
    reader.get(m.ipVersion === 4 ? '1.1.1.1' : '2001:4860::1');
  } catch (e) {
    throw new Error(`${path} is not a readable MaxMind DB file: ${(e as Error).message}`, { cause: e });
  }
  return {
    reader,
    search: new MmdbSearch(reader, buffer),
    databaseType: m.databaseType,
    buildDate: m.buildEpoch,
    ipVersion: m.ipVersion === 4 ? 4 : 6,
  };
}

/** openMmdb shaped as a WatchedFile loader. */
export function mmdbLoader<T extends Response>(
  cacheSize: number,
  acceptType: (databaseType: string) => string | null,
): (path: string) => Promise<Loaded<OpenedMmdb<T>>> {
  return async (path) => {
    const db = await openMmdb<T>(path, cacheSize, acceptType);
    return { value: db, type: db.databaseType, buildDate: db.buildDate, ipVersion: db.ipVersion };
  };
}
