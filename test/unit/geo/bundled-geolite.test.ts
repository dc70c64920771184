// Against the data actually installed from @ip-location-db (pinned in package.json), through the
// default configuration. Facts chosen to be stable: Google's resolver addresses and AWS ranges.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultGeoConfig } from '../../../geo/geo-config';
import { GeoIpService } from '../../../geo/geoip-service';
import { HOSTING_ASNS } from '../../../geo/hosting-asns';
import { ipNetwork } from '../../../geo/ip-intelligence';

let service: GeoIpService;
let asnV4Csv: string;

beforeAll(async () => {
  const base = defaultGeoConfig();
  service = await GeoIpService.open({ ...base, watch: { ...base.watch, enabled: false } });
  if (base.asn?.schema !== 'ip-location-db-csv') throw new Error('default ASN source changed');
  asnV4Csv = await readFile(base.asn.ipv4Path, 'utf8');
}, 60_000);

afterAll(() => service.close());

describe('bundled GeoLite2 (ip-location-db) data', () => {
  it('locates a well-known IPv4 address to its country and ASN', () => {
    const r = service.lookup('8.8.8.8');
    expect(r).toMatchObject({
      classification: 'public',
      country: 'US',
      asn: 15169,
      organisation: 'Google LLC',
    });
    expect(ipNetwork(r)).toMatch(/^8\.8\.\d+\.\d+\/\d+$/);
    expect(r.anonymity.isHostingProvider).toBe(false);
    expect(r.source).toMatch(
      /^geolite2-city \(ip-location-db flat, built \d{4}-\d{2}-\d{2}\) \+ asn \(ip-location-db csv, /,
    );
  });

  it('locates a well-known IPv6 address', () => {
    const r = service.lookup('2001:4860:4860::8888');
    expect(r).toMatchObject({ version: 6, classification: 'public', country: 'US', asn: 15169 });
    expect(ipNetwork(r)).toMatch(/^2001:4860:/);
  });

  it('gives a European address its country and coordinates', () => {
    const r = service.lookup('81.2.69.160');
    expect(r.country).toBe('GB');
    expect(r.latitude).toBeGreaterThan(49);
    expect(r.latitude).toBeLessThan(61);
  });

  it('flags an AWS address as hosting', () => {
    const line = asnV4Csv.split('\n').find((l) => l.split(',')[2] === '16509');
    const start = line?.split(',')[0];
    if (start === undefined) throw new Error('no AS16509 range in the bundled data');
    expect(service.lookup(start)).toMatchObject({
      asn: 16509,
      anonymity: { isHostingProvider: true, isAnonymous: true },
    });
  });

  it('lists only ASNs that exist in the bundled data as hosting providers', () => {
    const asns = new Set(asnV4Csv.split('\n').map((l) => l.split(',')[2]));
    const unknown = [...HOSTING_ASNS.keys()].filter((asn) => !asns.has(String(asn)));
    expect(unknown).toEqual([]);
  });

  it('reports the bundled files with their build dates', () => {
    const dbs = service.databases();
    expect(dbs.map((d) => [d.role, d.schema, d.ipVersion])).toEqual([
      ['location', 'ip-location-db', 4],
      ['location', 'ip-location-db', 6],
      ['asn', 'ip-location-db-csv', 4],
      ['asn', 'ip-location-db-csv', 6],
    ]);
    expect(dbs[0]?.type).toBe('city ipv4');
    for (const d of dbs) {
      expect(d.buildDate.getTime()).toBeGreaterThan(Date.parse('2020-01-01'));
      expect(d.buildDate.getTime()).toBeLessThanOrEqual(Date.now());
    }
  });
});
