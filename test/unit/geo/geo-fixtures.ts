/**
 * Fixture files for the GeoIP tests, written to a fresh temporary directory: small databases in
 * both record schemas (MaxMind's nested GeoIP2 records and ip-location-db's flat ones), ASN CSVs and
 * Tor lists, with fixed build dates so source labels can be asserted exactly.
 */
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultGeoConfig, type GeoConfig } from '../../../geo/geo-config';
import { mmdbType, writeMmdb, type MmdbEntry, type MmdbOptions } from '../../support/mmdb-writer';

export async function makeTempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'geo-test-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a text file and gives it a fixed modification time (its "build date"). */
export async function writeDatedText(path: string, text: string, date: Date): Promise<void> {
  await writeFile(path, text);
  await utimes(path, date, date);
}

export function flatRecord(fields: {
  country?: string;
  state1?: string;
  state2?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
}): MmdbEntry['record'] {
  // The shape and types of @ip-location-db's files: strings, empty when unknown; float coordinates.
  return {
    city: fields.city ?? '',
    country_code: fields.country ?? '',
    latitude: mmdbType.float(fields.latitude ?? 0),
    longitude: mmdbType.float(fields.longitude ?? 0),
    postcode: '',
    state1: fields.state1 ?? '',
    state2: fields.state2 ?? '',
    timezone: '',
  };
}

export function geoip2CityRecord(fields: {
  country?: string;
  /** Largest first, as MaxMind lists them: [{ code: 'CN', name: 'Canary Islands' }, ...]. */
  subdivisions?: { code: string; name: string }[];
  city?: string;
  latitude?: number;
  longitude?: number;
  accuracyRadius?: number;
  asn?: number;
  asOrganisation?: string;
}): MmdbEntry['record'] {
  const names = (en: string) => ({ de: en, en, ja: en });
  return {
    ...(fields.city === undefined
      ? {}
      : { city: { geoname_id: mmdbType.uint32(1), names: names(fields.city) } }),
    continent: { code: 'EU', geoname_id: mmdbType.uint32(6255148), names: names('Europe') },
    ...(fields.country === undefined
      ? {}
      : {
          country: { geoname_id: mmdbType.uint32(2), iso_code: fields.country, names: names(fields.country) },
          registered_country: {
            geoname_id: mmdbType.uint32(2),
            iso_code: fields.country,
            names: names(fields.country),
          },
        }),
    ...(fields.subdivisions === undefined
      ? {}
      : {
          subdivisions: fields.subdivisions.map((s, i) => ({
            geoname_id: mmdbType.uint32(10 + i),
            iso_code: s.code,
            names: names(s.name),
          })),
        }),
    ...(fields.latitude === undefined
      ? {}
      : {
          location: {
            accuracy_radius: mmdbType.uint16(fields.accuracyRadius ?? 100),
            latitude: mmdbType.double(fields.latitude),
            longitude: mmdbType.double(fields.longitude ?? 0),
            time_zone: 'Europe/London',
          },
        }),
    ...(fields.asn === undefined
      ? {}
      : {
          traits: {
            autonomous_system_number: mmdbType.uint32(fields.asn),
            autonomous_system_organization: fields.asOrganisation ?? '',
          },
        }),
  };
}

export function asnRecord(asn: number, organisation?: string): MmdbEntry['record'] {
  return {
    autonomous_system_number: mmdbType.uint32(asn),
    ...(organisation === undefined ? {} : { autonomous_system_organization: organisation }),
  };
}

export function anonymousRecord(flags: {
  vpn?: boolean;
  hosting?: boolean;
  proxy?: boolean;
  tor?: boolean;
}): MmdbEntry['record'] {
  return {
    is_anonymous: true,
    ...(flags.vpn ? { is_anonymous_vpn: true } : {}),
    ...(flags.hosting ? { is_hosting_provider: true } : {}),
    ...(flags.proxy ? { is_public_proxy: true } : {}),
    ...(flags.tor ? { is_tor_exit_node: true } : {}),
  };
}

export const BUILT = {
  flat: new Date('2024-01-02T03:04:05Z'),
  csv: new Date('2024-01-03T00:00:00Z'),
  tor: new Date('2024-01-04T00:00:00Z'),
  geoip2: new Date('2024-02-03T10:00:00Z'),
  updated: new Date('2024-03-01T00:00:00Z'),
};

export const FLAT_V4: readonly MmdbEntry[] = [
  {
    network: '81.2.69.0/24',
    record: flatRecord({
      country: 'GB',
      city: 'Bracknell',
      latitude: 51.40359878540039,
      longitude: -0.7617999911308289,
    }),
  },
  { network: '8.8.8.0/24', record: flatRecord({ country: 'US', latitude: 37.751, longitude: -97.822 }) },
  {
    network: '52.95.0.0/16',
    record: flatRecord({ country: 'US', city: 'Ashburn', latitude: 39.0469, longitude: -77.4903 }),
  },
  { network: '185.220.101.0/24', record: flatRecord({ country: 'DE', latitude: 51.2993, longitude: 9.491 }) },
  // As the GeoLite2 data gives a Canary Islands network: the region by name only.
  {
    network: '2.137.0.0/16',
    record: flatRecord({
      country: 'ES',
      state1: 'Canary Islands',
      state2: 'Santa Cruz de Tenerife',
      city: 'Adeje',
      latitude: 28.1227,
      longitude: -16.726,
    }),
  },
  // Non-public ranges with data: a lookup of them would show, so their absence proves none happened.
  { network: '10.0.0.0/8', record: flatRecord({ country: 'ZZ', city: 'Nowhere' }) },
  // Where the first 32 bits of any global unicast IPv6 address lead in an IPv4 tree: an IPv6 lookup
  // wrongly sent to this file answers 'XX'.
  { network: '32.0.0.0/3', record: flatRecord({ country: 'XX', city: 'Wrong family' }) },
  { network: '198.51.100.0/24', record: flatRecord({ country: 'ZZ', city: 'Nowhere' }) },
];

export const FLAT_V6: readonly MmdbEntry[] = [
  {
    network: '2a00:1450::/32',
    record: flatRecord({ country: 'DE', city: 'Frankfurt am Main', latitude: 50.1169, longitude: 8.6837 }),
  },
  { network: 'fd00::/8', record: flatRecord({ country: 'ZZ', city: 'Nowhere' }) },
];

export const ASN_V4_CSV = [
  '8.8.8.0,8.8.8.255,15169,Google LLC',
  '52.95.0.0,52.95.255.255,16509,"Amazon.com, Inc."',
  '81.2.69.0,81.2.69.255,20712,Andrews & Arnold Ltd',
  '185.220.101.0,185.220.101.255,208294,Relayon',
  '10.0.0.0,10.255.255.255,64512,Private',
].join('\n');

export const ASN_V6_CSV = '2a00:1450::,2a00:1450:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC\n';

export const TOR_LIST = '# test list\n185.220.101.7\n2a00:1450::dead\n';

export interface FlatFixture {
  readonly config: GeoConfig;
  readonly paths: { cityV4: string; cityV6: string; asnV4: string; asnV6: string; tor: string };
}

/** The zero-setup layout: flat city files, ASN CSVs, a Tor list. Watching off unless asked. */
export async function writeFlatFixture(dir: string, watch?: GeoConfig['watch']): Promise<FlatFixture> {
  const paths = {
    cityV4: join(dir, 'geolite2-city-ipv4.mmdb'),
    cityV6: join(dir, 'geolite2-city-ipv6.mmdb'),
    asnV4: join(dir, 'asn-ipv4.csv'),
    asnV6: join(dir, 'asn-ipv6.csv'),
    tor: join(dir, 'tor-exits.txt'),
  };
  await writeMmdb(paths.cityV4, FLAT_V4, flatOptions(4));
  await writeMmdb(paths.cityV6, FLAT_V6, flatOptions(6));
  await writeDatedText(paths.asnV4, ASN_V4_CSV, BUILT.csv);
  await writeDatedText(paths.asnV6, ASN_V6_CSV, BUILT.csv);
  await writeDatedText(paths.tor, TOR_LIST, BUILT.tor);
  const base = defaultGeoConfig();
  return {
    paths,
    config: {
      ...base,
      location: { schema: 'ip-location-db', ipv4Path: paths.cityV4, ipv6Path: paths.cityV6 },
      asn: { schema: 'ip-location-db-csv', ipv4Path: paths.asnV4, ipv6Path: paths.asnV6 },
      torExitList: { path: paths.tor },
      watch: watch ?? { ...base.watch, enabled: false },
    },
  };
}

export function flatOptions(ipVersion: 4 | 6, buildEpoch: Date = BUILT.flat): MmdbOptions {
  return { databaseType: `city ipv${ipVersion}`, ipVersion, buildEpoch, languages: [], description: {} };
}

/** Polls `check` until it stops throwing (or the time is up, then throws its last error). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

export const FAST_WATCH: GeoConfig['watch'] = { enabled: true, pollIntervalMs: 20, debounceMs: 50 };
