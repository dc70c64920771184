/**
 * The set of Tor exit relay addresses, from a file the operator downloads periodically (the Tor
 * Project's bulk exit list, https://check.torproject.org/torbulkexitlist: one address per line).
 * The older "exit-addresses" format (`ExitAddress 1.2.3.4 2024-01-01 00:00:00`) is read too, and
 * `#` comments and blank lines are ignored. A line that is not an address is counted and skipped:
 * one bad line should not discard a list of thousands.
 */
import { readFile, stat } from 'node:fs/promises';
import { day, describeFile, type GeoSource, type OpenWatched } from './geo-source';
import { parseIp, type ParsedIp } from './ip-classify';
import type { DatabaseInfo, IpIntelligenceDraft } from './ip-intelligence';
import type { Loaded, WatchedFile } from './watched-file';

// The other per-relay lines of the exit-addresses format.
const EXIT_ADDRESSES_HEADER = /^(ExitNode|Published|LastStatus)\s/;

export class TorExitList {
  private constructor(
    // IPv4 keyed by integer so the per-request check does not build a string.
    private readonly ipv4: ReadonlySet<number>,
    private readonly ipv6: ReadonlySet<string>,
    /** Lines that were neither blank, a comment nor an address. */
    readonly skippedLines: number,
  ) {}

  static parse(text: string): TorExitList {
    const ipv4 = new Set<number>();
    const ipv6 = new Set<string>();
    let skipped = 0;
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || EXIT_ADDRESSES_HEADER.test(line)) continue;
      const token = line.startsWith('ExitAddress ') ? (line.split(/\s+/)[1] ?? '') : line;
      try {
        const ip = parseIp(token);
        if (ip.version === 4) ipv4.add(ip.value);
        else ipv6.add(ip.address);
      } catch {
        skipped++;
      }
    }
    return new TorExitList(ipv4, ipv6, skipped);
  }

  get size(): number {
    return this.ipv4.size + this.ipv6.size;
  }

  hasIpv4(value: number): boolean {
    return this.ipv4.has(value);
  }

  /** `address` in RFC 5952 form, as produced by parseIp. */
  hasIpv6(address: string): boolean {
    return this.ipv6.has(address);
  }

  has(ip: ParsedIp): boolean {
    return ip.version === 4 ? this.ipv4.has(ip.value) : this.ipv6.has(ip.address);
  }
}

/** The Tor list as a service source: marks listed addresses as Tor exits (and so anonymous). */
export class TorExitListSource implements GeoSource {
  private constructor(private readonly file: WatchedFile<TorExitList>) {}

  static async open(path: string, open: OpenWatched): Promise<TorExitListSource> {
    return new TorExitListSource(await open(path, 'tor-exit-list', loadTorExitList));
  }

  fill(ip: ParsedIp, out: IpIntelligenceDraft): boolean {
    if (!this.file.value.has(ip)) return false;
    out.anonymity.isTorExitNode = true;
    return true;
  }

  label(): string {
    return `tor exit list (file dated ${day(this.file.info.buildDate)})`;
  }

  databases(): DatabaseInfo[] {
    return [describeFile(this.file, 'tor-exit-list', 'tor-exit-list')];
  }

  close(): void {
    this.file.close();
  }
}

async function loadTorExitList(path: string): Promise<Loaded<TorExitList>> {
  const [text, stats] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
  const value = TorExitList.parse(text);
  // An empty list is far more likely a failed download than a Tor network without exits.
  if (value.size === 0) throw new Error(`${path}: no addresses in the Tor exit list`);
  return { value, type: `tor exit list (${value.size} addresses)`, buildDate: stats.mtime, ipVersion: null };
}
