/**
 * Turns the GEOIP_* settings into the GeoIP service's configuration: licensed MaxMind files where
 * given, fresher copies of the free ip-location-db files where given, the bundled free files otherwise.
 */
import { defaultGeoConfig, geoConfigFromPaths, type GeoConfig } from '../../geo/geo-config';
import type { Config } from '../config/config';

export function geoConfigFrom(settings: Config['geo'], log: (line: string) => void): GeoConfig {
  const base = defaultGeoConfig();
  const location =
    base.location.schema === 'ip-location-db'
      ? {
          ...base.location,
          ipv4Path: settings.flatCityIpv4 ?? base.location.ipv4Path,
          ipv6Path: settings.flatCityIpv6 ?? base.location.ipv6Path,
        }
      : base.location;
  const asn =
    base.asn?.schema === 'ip-location-db-csv'
      ? {
          ...base.asn,
          ipv4Path: settings.asnIpv4Csv ?? base.asn.ipv4Path,
          ipv6Path: settings.asnIpv6Csv ?? base.asn.ipv6Path,
        }
      : base.asn;
  return geoConfigFromPaths(
    {
      cityDb: settings.cityDb,
      asnDb: settings.asnDb,
      anonymousDb: settings.anonymousDb,
      torExitList: settings.torExitList,
    },
    {
      ...base,
      location,
      asn,
      onReload: (db) => log(`GeoIP: reloaded ${db.path} (built ${db.buildDate.toISOString().slice(0, 10)})`),
      onReloadError: (error, path) => log(`GeoIP: keeping the previous ${path}: ${error.message}`),
    },
  );
}
