/**
 * The one interface both record schemas (MaxMind's GeoIP2 and ip-location-db's flat records) are
 * read through, so GeoIpService does not care which files a deployment has. A source writes straight
 * into the result being built rather than returning a partial result of its own to merge.
 */
import type { ParsedIp } from './ip-classify';
import type { DatabaseInfo, IpIntelligenceDraft } from './ip-intelligence';
import type { Loaded, WatchedFile } from './watched-file';

export interface GeoSource {
  /** Fills what this source knows about a public address; true when it had a record. */
  fill(ip: ParsedIp, out: IpIntelligenceDraft): boolean;
  /** How the answer is credited in IpIntelligence.source, or null if nothing covers this family. */
  label(version: 4 | 6): string | null;
  databases(): DatabaseInfo[];
  close(): void;
}

/** Opens a file with the service's watch settings and event handlers already bound. */
export type OpenWatched = <T>(
  path: string,
  role: DatabaseInfo['role'],
  load: (path: string) => Promise<Loaded<T>>,
) => Promise<WatchedFile<T>>;

/** What describeFile needs of a WatchedFile, whatever it holds. */
interface LoadedFile {
  readonly path: string;
  readonly info: Loaded<unknown>;
  readonly loadedAt: Date;
}

export function describeFile(
  file: LoadedFile,
  role: DatabaseInfo['role'],
  schema: DatabaseInfo['schema'],
): DatabaseInfo {
  const info = file.info;
  return {
    role,
    path: file.path,
    type: info.type,
    schema,
    buildDate: info.buildDate,
    ipVersion: info.ipVersion,
    loadedAt: file.loadedAt,
  };
}

/** YYYY-MM-DD, the precision a build date is worth in a source label. */
export function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
