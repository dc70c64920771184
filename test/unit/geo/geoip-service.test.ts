import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { open as openReader } from 'maxmind';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/errors';
import { defaultGeoConfig, geoConfigFromPaths, type GeoConfig } from '../../../geo/geo-config';
import { GeoIpService } from '../../../geo/geoip-service';
import { InvalidIpAddressError } from '../../../geo/ip-classify';
import { ipNetwork, type IpAnonymity } from '../../../geo/ip-intelligence';
import { writeMmdb } from '../../support/mmdb-writer';
import {
  anonymousRecord,
  asnRecord,
  BUILT,
  geoip2CityRecord,
  makeTempDir,
  writeDatedText,
  writeFlatFixture,
} from './geo-fixtures';

const NONE: IpAnonymity = {
  isAnonymous: false,
  isAnonymousVpn: false,
  isHostingProvider: false,
  isPublicProxy: false,
  isTorExitNode: false,
};

let dir: string;
let remove: () => Promise<void>;
const opened: GeoIpService[] = [];

async function open(config: GeoConfig): Promise<GeoIpService> {
  const service = await GeoIpService.open(config);
  opened.push(service);
  return service;
}

beforeEach(async () => {
  ({ dir, remove } = await makeTempDir());
});

afterEach(async () => {
  for (const s of opened.splice(0)) s.close();
  await remove();
});

describe('GeoIpService over ip-location-db files (flat records, ASN CSV)', () => {
  const flatLabel = 'geolite2-city (ip-location-db flat, built 2024-01-02)';
  const csvLabel = 'asn (ip-location-db csv, file dated 2024-01-03)';
  const torLabel = 'tor exit list (file dated 2024-01-04)';

  it('gives the subdivision by name only (state1), and none for a record without one', async () => {
    const service = await open((await writeFlatFixture(dir)).config);
    expect(service.lookup('2.137.0.1')).toMatchObject({
      country: 'ES',
      subdivision: 'Canary Islands',
      subdivisionCode: null,
      city: 'Adeje',
    });
    expect(service.lookup('81.2.69.160')).toMatchObject({ subdivision: null, subdivisionCode: null });
  });

  it('answers location, ASN, network and source for a public IPv4 address', async () => {
    const { config } = await writeFlatFixture(dir);
    const service = await open(config);
    const r = service.lookup('81.2.69.160');
    expect(ipNetwork(r)).toBe('81.2.69.0/24');
    expect(r).toEqual({
      ip: '81.2.69.160',
      version: 4,
      classification: 'public',
      country: 'GB',
      subdivision: null,
      subdivisionCode: null,
      city: 'Bracknell',
      // Stored as 32-bit floats; reported to the precision the data has.
      latitude: 51.4036,
      longitude: -0.7618,
      accuracyRadius: null,
      asn: 20712,
      organisation: 'Andrews & Arnold Ltd',
      prefixLength: 24,
      anonymity: NONE,
      source: `${flatLabel} + ${csvLabel} + hosting-asn list + ${torLabel}`,
    });
  });

  it('reads empty strings in the flat records as unknown', async () => {
    const service = await open((await writeFlatFixture(dir)).config);
    const r = service.lookup('8.8.8.8');
    expect(r.country).toBe('US');
    expect(r.city).toBeNull();
    expect(r.asn).toBe(15169);
    expect(ipNetwork(r)).toBe('8.8.8.0/24');
  });

  it('answers IPv6 from the IPv6 file and normalises the address', async () => {
    const service = await open((await writeFlatFixture(dir)).config);
    const r = service.lookup('2A00:1450:0:0:0:0:0:1');
    expect(r).toMatchObject({
      ip: '2a00:1450::1',
      version: 6,
      classification: 'public',
      country: 'DE',
      city: 'Frankfurt am Main',
      latitude: 50.1169,
      asn: 15169,
      organisation: 'Google LLC',
      prefixLength: 32,
      anonymity: NONE,
    });
    expect(ipNetwork(r)).toBe('2a00:1450::/32');
    expect(r.source).toBe(`${flatLabel} + ${csvLabel} + hosting-asn list + ${torLabel}`);
  });

  it('folds IPv4-mapped IPv6 to the IPv4 answer', async () => {
    const service = await open((await writeFlatFixture(dir)).config);
    expect(service.lookup('::ffff:81.2.69.160')).toEqual(service.lookup('81.2.69.160'));
  });

  it('flags hosting ASNs from the list and Tor exits from the Tor list', async () => {
    const service = await open((await writeFlatFixture(dir)).config);
    expect(service.lookup('52.95.1.1')).toMatchObject({
      asn: 16509,
      organisation: 'Amazon.com, Inc.',
      anonymity: { ...NONE, isAnonymous: true, isHostingProvider: true },
    });
    expect(service.lookup('185.220.101.7').anonymity).toEqual({
      ...NONE,
      isAnonymous: true,
      isTorExitNode: true,
    });
    expect(service.lookup('185.220.101.8').anonymity).toEqual(NONE);
    expect(service.lookup('2a00:1450::dead').anonymity).toEqual({
      ...NONE,
      isAnonymous: true,
      isTorExitNode: true,
    });
  });

  it('uses the configured hosting list, not a built-in one', async () => {
    const { config } = await writeFlatFixture(dir);
    const service = await open({ ...config, hostingAsns: new Set([15169]) });
    expect(service.lookup('8.8.8.8').anonymity.isHostingProvider).toBe(true);
    expect(service.lookup('52.95.1.1').anonymity.isHostingProvider).toBe(false);
  });

  it('credits only the sources that answered', async () => {
    const service = await open((await writeFlatFixture(dir)).config);
    expect(service.lookup('1.2.3.4')).toMatchObject({
      country: null,
      asn: null,
      prefixLength: null,
      source: torLabel,
    });
  });

  it.each([
    ['10.1.2.3', 'private', 4],
    ['198.51.100.1', 'documentation', 4],
    ['127.0.0.1', 'loopback', 4],
    ['::ffff:10.0.0.1', 'private', 4],
    ['fd00::1', 'private', 6],
    ['fe80::1', 'link_local', 6],
  ] as const)(
    'does not look up non-public %s (%s), though the fixtures have data for it',
    async (ip, kind, version) => {
      const service = await open((await writeFlatFixture(dir)).config);
      expect(service.lookup(ip)).toEqual({
        ip: ip.replace('::ffff:', ''),
        version,
        classification: kind,
        country: null,
        subdivision: null,
        subdivisionCode: null,
        city: null,
        latitude: null,
        longitude: null,
        accuracyRadius: null,
        asn: null,
        organisation: null,
        prefixLength: null,
        anonymity: NONE,
        source: 'none',
      });
    },
  );

  it('has fixture data for those non-public addresses, so the test above shows no lookup happened', async () => {
    const { paths } = await writeFlatFixture(dir);
    const v4 = await openReader<Record<string, string>>(paths.cityV4);
    const v6 = await openReader<Record<string, string>>(paths.cityV6);
    for (const ip of ['10.1.2.3', '198.51.100.1', '10.0.0.1'])
      expect(v4.get(ip)).toMatchObject({ country_code: 'ZZ' });
    expect(v6.get('fd00::1')).toMatchObject({ country_code: 'ZZ' });
  });

  it('throws InvalidIpAddressError naming the field for unparsable input', async () => {
    const service = await open((await writeFlatFixture(dir)).config);
    expect(() => service.lookup('010.0.0.1', 'checkout.clientIp')).toThrow(InvalidIpAddressError);
    expect(() => service.lookup('not an ip', 'checkout.clientIp')).toThrow(/^checkout\.clientIp: /);
    expect(() => service.lookup('')).toThrow(expect.objectContaining({ field: 'ip', reason: 'empty' }));
  });

  it('reports each file with its type, schema, build date and address family', async () => {
    const { config, paths } = await writeFlatFixture(dir);
    const service = await open(config);
    const dbs = service.databases();
    expect(dbs.map(({ loadedAt: _l, ...d }) => d)).toEqual([
      {
        role: 'location',
        path: paths.cityV4,
        type: 'city ipv4',
        schema: 'ip-location-db',
        buildDate: BUILT.flat,
        ipVersion: 4,
      },
      {
        role: 'location',
        path: paths.cityV6,
        type: 'city ipv6',
        schema: 'ip-location-db',
        buildDate: BUILT.flat,
        ipVersion: 6,
      },
      {
        role: 'asn',
        path: paths.asnV4,
        type: 'asn ipv4 csv (5 ranges)',
        schema: 'ip-location-db-csv',
        buildDate: BUILT.csv,
        ipVersion: 4,
      },
      {
        role: 'asn',
        path: paths.asnV6,
        type: 'asn ipv6 csv (1 ranges)',
        schema: 'ip-location-db-csv',
        buildDate: BUILT.csv,
        ipVersion: 6,
      },
      {
        role: 'tor-exit-list',
        path: paths.tor,
        type: 'tor exit list (2 addresses)',
        schema: 'tor-exit-list',
        buildDate: BUILT.tor,
        ipVersion: null,
      },
    ]);
    for (const d of dbs) expect(Date.now() - d.loadedAt.getTime()).toBeLessThan(60_000);
  });

  it('answers IPv6 from a combined file when no separate IPv6 file is configured', async () => {
    const combined = join(dir, 'country.mmdb');
    await writeMmdb(
      combined,
      [
        { network: '81.2.69.0/24', record: { country_code: 'GB' } },
        { network: '2a00:1450::/32', record: { country_code: 'DE' } },
      ],
      { databaseType: 'country ipvAll', ipVersion: 6, buildEpoch: BUILT.flat },
    );
    const service = await open({
      ...defaultGeoConfig(),
      location: { schema: 'ip-location-db', ipv4Path: combined, ipv6Path: null },
      asn: null,
      watch: { enabled: false, pollIntervalMs: 1000, debounceMs: 0 },
    });
    expect(service.lookup('81.2.69.1')).toMatchObject({
      country: 'GB',
      city: null,
      latitude: null,
      prefixLength: 24,
    });
    expect(service.lookup('2a00:1450::1')).toMatchObject({
      country: 'DE',
      source: 'country (ip-location-db flat, built 2024-01-02)',
    });
  });

  it('gives IPv6 no location when only an IPv4-only file is configured, rather than a wrong one', async () => {
    const { config, paths } = await writeFlatFixture(dir);
    const service = await open({
      ...config,
      location: { schema: 'ip-location-db', ipv4Path: paths.cityV4, ipv6Path: null },
    });
    // Walked through the IPv4 tree, this address's first 32 bits would find the 'XX' record.
    expect(service.lookup('2a00:1450::1')).toMatchObject({ country: null, prefixLength: null, asn: 15169 });
    expect(service.lookup('2a00:1450::1').source).not.toContain('geolite2-city');
  });
});

describe('GeoIpService over MaxMind GeoIP2 databases', () => {
  async function writeGeoip2(ipVersion: 4 | 6 = 6): Promise<GeoConfig> {
    const city = join(dir, 'GeoIP2-City.mmdb');
    const asn = join(dir, 'GeoLite2-ASN.mmdb');
    const anonymous = join(dir, 'GeoIP2-Anonymous-IP.mmdb');
    const tor = join(dir, 'tor.txt');
    const v6 = ipVersion === 6;
    await writeMmdb(
      city,
      [
        {
          network: '81.2.69.160/27',
          record: geoip2CityRecord({
            country: 'GB',
            subdivisions: [{ code: 'ENG', name: 'England' }],
            city: 'London',
            latitude: 51.5142,
            longitude: -0.0931,
            accuracyRadius: 100,
          }),
        },
        {
          network: '175.16.199.0/24',
          record: geoip2CityRecord({ country: 'CN', asn: 4837, asOrganisation: 'China Unicom' }),
        },
        {
          network: '2.137.0.0/16',
          record: geoip2CityRecord({
            country: 'ES',
            subdivisions: [
              { code: 'CN', name: 'Canary Islands' },
              { code: 'TF', name: 'Santa Cruz de Tenerife' },
            ],
            city: 'Adeje',
          }),
        },
        { network: '10.0.0.0/8', record: geoip2CityRecord({ country: 'ZZ' }) },
        // See FLAT_V4: catches IPv6 lookups walked through an IPv4 tree.
        ...(v6 ? [] : [{ network: '32.0.0.0/3', record: geoip2CityRecord({ country: 'XX' }) }]),
        ...(v6
          ? [
              {
                network: '2001:218::/32',
                record: geoip2CityRecord({
                  country: 'JP',
                  latitude: 35.68536,
                  longitude: 139.75309,
                  accuracyRadius: 100,
                }),
              },
            ]
          : []),
      ],
      { databaseType: 'GeoIP2-City', ipVersion, buildEpoch: BUILT.geoip2, languages: ['de', 'en', 'ja'] },
    );
    await writeMmdb(
      asn,
      [
        { network: '81.2.69.0/24', record: asnRecord(20712, 'Andrews & Arnold Ltd') },
        { network: '52.95.0.0/16', record: asnRecord(16509, 'Amazon.com, Inc.') },
        { network: '2001:218::/32', record: asnRecord(2914) },
      ],
      { databaseType: 'GeoLite2-ASN', buildEpoch: BUILT.geoip2 },
    );
    await writeMmdb(
      anonymous,
      [
        { network: '81.2.69.160/28', record: anonymousRecord({ vpn: true }) },
        { network: '71.160.223.0/24', record: anonymousRecord({ hosting: true }) },
        { network: '2001:218::/48', record: anonymousRecord({ proxy: true }) },
        { network: '1.124.213.1/32', record: anonymousRecord({ vpn: true, tor: true }) },
      ],
      { databaseType: 'GeoIP2-Anonymous-IP', buildEpoch: BUILT.geoip2 },
    );
    await writeDatedText(tor, '81.2.69.170\n', BUILT.tor);
    const base = defaultGeoConfig();
    return geoConfigFromPaths(
      { cityDb: city, asnDb: asn, anonymousDb: anonymous, torExitList: tor },
      { ...base, watch: { ...base.watch, enabled: false } },
    );
  }

  it('reads the nested City, ASN and Anonymous-IP records', async () => {
    const service = await open(await writeGeoip2());
    expect(service.lookup('81.2.69.160')).toEqual({
      ip: '81.2.69.160',
      version: 4,
      classification: 'public',
      country: 'GB',
      subdivision: 'England',
      subdivisionCode: 'ENG',
      city: 'London',
      latitude: 51.5142,
      longitude: -0.0931,
      accuracyRadius: 100,
      asn: 20712,
      organisation: 'Andrews & Arnold Ltd',
      prefixLength: 27,
      anonymity: { ...NONE, isAnonymous: true, isAnonymousVpn: true },
      source:
        'GeoIP2-City (built 2024-02-03) + GeoLite2-ASN (built 2024-02-03) + GeoIP2-Anonymous-IP (built 2024-02-03) + tor exit list (file dated 2024-01-04)',
    });
  });

  it('gives the largest subdivision with its ISO 3166-2 code, and none for a record without one', async () => {
    const service = await open(await writeGeoip2());
    expect(service.lookup('2.137.0.1')).toMatchObject({
      country: 'ES',
      subdivision: 'Canary Islands',
      subdivisionCode: 'CN',
    });
    // The lookup after it reuses the service's draft: nothing of the Canary record may carry over.
    expect(service.lookup('2001:218::1')).toMatchObject({ subdivision: null, subdivisionCode: null });
  });

  it('answers IPv6 and IPv4-mapped addresses from the same tree', async () => {
    const service = await open(await writeGeoip2());
    expect(service.lookup('2001:218::1')).toMatchObject({
      country: 'JP',
      city: null,
      accuracyRadius: 100,
      asn: 2914,
      organisation: null,
      prefixLength: 32,
      anonymity: { ...NONE, isAnonymous: true, isPublicProxy: true },
    });
    expect(service.lookup('::ffff:81.2.69.161').country).toBe('GB');
    expect(ipNetwork(service.lookup('2001:218::1'))).toBe('2001:218::/32');
    expect(ipNetwork(service.lookup('::ffff:81.2.69.161'))).toBe('81.2.69.160/27');
  });

  it('lets the Anonymous-IP database decide the hosting flag, ignoring the hosting-ASN list', async () => {
    const service = await open(await writeGeoip2());
    // AS16509 is on the hosting list, but the Anonymous-IP database has no record for it.
    expect(service.lookup('52.95.1.1')).toMatchObject({
      asn: 16509,
      prefixLength: 16,
      anonymity: NONE,
    });
    // The City database has no record here, so the network is the ASN record's.
    expect(ipNetwork(service.lookup('52.95.1.1'))).toBe('52.95.0.0/16');
    expect(service.lookup('52.95.1.1').source).not.toContain('hosting-asn list');
    expect(service.lookup('71.160.223.9').anonymity).toEqual({
      ...NONE,
      isAnonymous: true,
      isHostingProvider: true,
    });
    expect(service.lookup('1.124.213.1').anonymity).toEqual({
      ...NONE,
      isAnonymous: true,
      isAnonymousVpn: true,
      isTorExitNode: true,
    });
  });

  it('adds the Tor list to what the Anonymous-IP database says', async () => {
    const service = await open(await writeGeoip2());
    expect(service.lookup('81.2.69.170').anonymity).toEqual({
      ...NONE,
      isAnonymous: true,
      isAnonymousVpn: true,
      isTorExitNode: true,
    });
  });

  it('takes the ASN from City traits when the ASN database has no record', async () => {
    const service = await open(await writeGeoip2());
    expect(service.lookup('175.16.199.5')).toMatchObject({
      country: 'CN',
      asn: 4837,
      organisation: 'China Unicom',
    });
  });

  it('does not look up private addresses', async () => {
    const service = await open(await writeGeoip2());
    expect(service.lookup('10.9.9.9')).toMatchObject({
      classification: 'private',
      country: null,
      source: 'none',
    });
  });

  it('does not walk an IPv4-only tree with an IPv6 address', async () => {
    const service = await open(await writeGeoip2(4));
    const r = service.lookup('2a00:1450::1');
    expect(r.country).toBeNull();
    expect(r.source).not.toContain('GeoIP2-City');
  });

  it('reports the MaxMind database types and build dates', async () => {
    const service = await open(await writeGeoip2());
    expect(
      service.databases().map((d) => [d.role, d.type, d.schema, d.buildDate.toISOString(), d.ipVersion]),
    ).toEqual([
      ['location', 'GeoIP2-City', 'geoip2', BUILT.geoip2.toISOString(), 6],
      ['asn', 'GeoLite2-ASN', 'geoip2', BUILT.geoip2.toISOString(), 6],
      ['anonymous-ip', 'GeoIP2-Anonymous-IP', 'geoip2', BUILT.geoip2.toISOString(), 6],
      ['tor-exit-list', 'tor exit list (1 addresses)', 'tor-exit-list', BUILT.tor.toISOString(), null],
    ]);
  });
});

describe('GeoIpService start-up checks', () => {
  async function expectConfigError(config: GeoConfig, message: RegExp): Promise<void> {
    const attempt = GeoIpService.open(config);
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(message);
  }

  it('names a missing file', async () => {
    const { config } = await writeFlatFixture(dir);
    const missing = join(dir, 'missing.csv');
    await expectConfigError(
      { ...config, asn: { schema: 'ip-location-db-csv', ipv4Path: missing, ipv6Path: null } },
      /missing\.csv/,
    );
  });

  it('refuses a database of the wrong kind for its slot', async () => {
    const { config } = await writeFlatFixture(dir);
    const asnDb = join(dir, 'GeoLite2-ASN.mmdb');
    await writeMmdb(asnDb, [{ network: '1.0.0.0/24', record: asnRecord(13335) }], {
      databaseType: 'GeoLite2-ASN',
    });
    await expectConfigError(geoConfigFromPaths({ cityDb: asnDb }, config), /not a City or Country database/);
    await expectConfigError(
      geoConfigFromPaths({ anonymousDb: asnDb }, config),
      /not an Anonymous-IP database/,
    );
  });

  it('refuses an ip-location-db file configured as a GeoIP2 database', async () => {
    const { config, paths } = await writeFlatFixture(dir);
    await expectConfigError(geoConfigFromPaths({ cityDb: paths.cityV4 }, config), /ip-location-db flat file/);
  });

  it('refuses an IPv4 file where the IPv6 one belongs', async () => {
    const { config, paths } = await writeFlatFixture(dir);
    await expectConfigError(
      { ...config, location: { schema: 'ip-location-db', ipv4Path: paths.cityV4, ipv6Path: paths.cityV4 } },
      /expected an IPv6 database/,
    );
  });

  it('refuses gzip, truncated and garbage files', async () => {
    const { config, paths } = await writeFlatFixture(dir);
    const good = await readFile(paths.cityV4);
    const gz = join(dir, 'city.mmdb.gz');
    const truncated = join(dir, 'truncated.mmdb');
    const garbage = join(dir, 'garbage.mmdb');
    await writeFile(gz, gzipSync(good));
    await writeFile(truncated, good.subarray(0, Math.floor(good.length / 2)));
    await writeFile(garbage, Buffer.from('not a database at all'));
    const at = (p: string): GeoConfig => ({
      ...config,
      location: { schema: 'ip-location-db', ipv4Path: p, ipv6Path: null },
    });
    await expectConfigError(at(gz), /gzip/);
    await expectConfigError(at(truncated), /truncated\.mmdb/);
    await expectConfigError(at(garbage), /garbage\.mmdb/);
  });

  it('refuses an empty Tor list and a malformed ASN CSV', async () => {
    const { config, paths } = await writeFlatFixture(dir);
    await writeFile(paths.tor, '# nothing here\n');
    await expectConfigError(config, /no addresses in the Tor exit list/);
    await writeFile(paths.tor, '185.220.101.7\n');
    await writeFile(paths.asnV4, '8.8.8.0,8.8.8.255,15169,Google\n8.8.9.0,oops\n');
    await expectConfigError(config, /asn-ipv4\.csv: line 2/);
  });
});

describe('geoConfigFromPaths', () => {
  it('swaps in MaxMind databases for the paths given and keeps the defaults for the rest', () => {
    const base = defaultGeoConfig();
    const config = geoConfigFromPaths(
      { cityDb: '/data/GeoIP2-City.mmdb', anonymousDb: '/data/anon.mmdb' },
      base,
    );
    expect(config.location).toEqual({ schema: 'geoip2', path: '/data/GeoIP2-City.mmdb' });
    expect(config.asn).toEqual(base.asn);
    expect(config.anonymousIp).toEqual({ path: '/data/anon.mmdb' });
    expect(config.torExitList).toBeNull();
    expect(geoConfigFromPaths({ asnDb: '/data/asn.mmdb', torExitList: '/data/tor.txt' }, base)).toMatchObject(
      {
        location: base.location,
        asn: { schema: 'geoip2', path: '/data/asn.mmdb' },
        anonymousIp: null,
        torExitList: { path: '/data/tor.txt' },
      },
    );
  });

  it('defaults to the installed ip-location-db files', () => {
    const config = defaultGeoConfig();
    expect(config.location).toMatchObject({ schema: 'ip-location-db' });
    if (config.location.schema !== 'ip-location-db' || config.asn?.schema !== 'ip-location-db-csv')
      throw new Error('defaults');
    expect(config.location.ipv4Path).toMatch(
      /@ip-location-db\/geolite2-city-mmdb\/geolite2-city-ipv4\.mmdb$/,
    );
    expect(config.location.ipv6Path).toMatch(
      /@ip-location-db\/geolite2-city-mmdb\/geolite2-city-ipv6\.mmdb$/,
    );
    expect(config.asn.ipv4Path).toMatch(/@ip-location-db\/asn\/asn-ipv4\.csv$/);
    expect(config.hostingAsns.has(16509)).toBe(true);
    expect(config.hostingAsns.has(13335)).toBe(false);
  });
});
