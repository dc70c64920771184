// MmdbSearch walks the search tree itself with the service's parsed address; it must find exactly
// what the `maxmind` reader finds for the same text, in every record size and tree family, and in
// the bundled GeoLite2 files.
import { readFile } from 'node:fs/promises';
import { Reader, type Response } from 'maxmind';
import { describe, expect, it } from 'vitest';
import { defaultGeoConfig } from '../../../geo/geo-config';
import { formatIpv6, ipv4ToString, parseHexIpv6, parseIp } from '../../../geo/ip-classify';
import { openMmdb } from '../../../geo/mmdb-file';
import { MmdbSearch } from '../../../geo/mmdb-search';
import { buildMmdb, type MmdbEntry } from '../../support/mmdb-writer';

const ENTRIES: readonly MmdbEntry[] = [
  { network: '10.0.0.0/8', record: { name: 'ten' } },
  { network: '10.1.0.0/16', record: { name: 'ten-one' } },
  { network: '192.0.2.128/25', record: { name: 'upper' } },
  { network: '255.255.255.255/32', record: { name: 'last' } },
  { network: '2001:db8::/32', record: { name: 'doc6' } },
  { network: '2001:db8:1::/48', record: { name: 'doc6-1' } },
  { network: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', record: { name: 'last6' } },
];

const PROBES = [
  '10.200.0.1',
  '10.1.2.3',
  '10.1.255.255',
  '10.2.0.0',
  '192.0.2.200',
  '192.0.2.127',
  '11.0.0.0',
  '0.0.0.0',
  '255.255.255.255',
  '255.255.255.254',
  '::ffff:10.1.2.3',
  '2001:db8:2::1',
  '2001:db8:1:ffff::1',
  '2001:db8:1::',
  '2001:db9::1',
  '::1',
  'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
];

function searchOf(buffer: Buffer): { reader: Reader<Response>; search: MmdbSearch<Response> } {
  const reader = new Reader<Response>(buffer);
  return { reader, search: new MmdbSearch(reader, buffer) };
}

function expectSameAsReader(reader: Reader<Response>, search: MmdbSearch<Response>, texts: string[]) {
  for (const text of texts) {
    const ip = parseIp(text);
    expect({ text, found: search.find(ip) }).toEqual({ text, found: reader.getWithPrefixLength(ip.address) });
  }
}

describe('MmdbSearch', () => {
  it.each([24, 28, 32] as const)('finds what the reader finds with %i-bit records', (recordSize) => {
    const { reader, search } = searchOf(buildMmdb(ENTRIES, { databaseType: 'Test-DB', recordSize }));
    expect(search.find(parseIp('10.1.2.3'))).toEqual([{ name: 'ten-one' }, 16]);
    expect(search.find(parseIp('192.0.2.200'))).toEqual([{ name: 'upper' }, 25]);
    expect(search.find(parseIp('255.255.255.255'))).toEqual([{ name: 'last' }, 32]);
    expect(search.find(parseIp('2001:db8:1::5'))).toEqual([{ name: 'doc6-1' }, 48]);
    expect(search.find(parseIp('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'))).toEqual([{ name: 'last6' }, 128]);
    expect(search.find(parseIp('11.0.0.0'))[0]).toBeNull();
    expectSameAsReader(reader, search, PROBES);
  });

  it('reads both halves of 28-bit records apart when record values pass 2^24', () => {
    // ~20 MB of data pushes record values past 2^24. Only even /16s have data, so the last tree
    // nodes pair a record above 2^24 with an empty one: mixing up the shared nibble shows.
    const big = 'x'.repeat(1_000_000);
    const entries = Array.from({ length: 20 }, (_, i) => ({
      network: `10.${2 * i}.0.0/16`,
      record: { blob: `${i}${big}` },
    }));
    const { reader, search } = searchOf(buildMmdb(entries, { databaseType: 'Big', ipVersion: 4 }));
    expect(reader.metadata.recordSize).toBe(28);
    const [hit, prefix] = search.find(parseIp('10.38.1.1')) as [{ blob: string } | null, number];
    expect(hit?.blob.startsWith('19x')).toBe(true);
    expect(prefix).toBe(16);
    expect(search.find(parseIp('10.39.1.1'))[0]).toBeNull();
    expectSameAsReader(
      reader,
      search,
      Array.from({ length: 42 }, (_, i) => `10.${i}.7.7`),
    );
  });

  it('finds IPv4 addresses in an IPv4-only tree and nothing for IPv6 there', () => {
    const v4 = ENTRIES.filter((e) => !e.network.includes(':'));
    const { reader, search } = searchOf(buildMmdb(v4, { databaseType: 'V4', ipVersion: 4 }));
    expect(reader.metadata.ipVersion).toBe(4);
    expect(search.find(parseIp('192.0.2.200'))).toEqual([{ name: 'upper' }, 25]);
    expectSameAsReader(
      reader,
      search,
      PROBES.filter((p) => !p.includes(':') || p.startsWith('::ffff:')),
    );
    // The reader would walk the IPv6 address's first bits as if they were IPv4.
    expect(search.find(parseIp('2001:db8:1::5'))).toEqual([null, 0]);
  });

  it("falls back to the reader's text lookup when the reader lacks its pointer decoding", () => {
    const buffer = buildMmdb(ENTRIES, { databaseType: 'Test-DB' });
    const real = new Reader<Response>(buffer);
    // The reader as a later version might be: the same public methods, no resolveDataPointer.
    const reader = new Proxy(real, {
      get: (target, key) => {
        if (key === 'resolveDataPointer') return undefined;
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    const search = new MmdbSearch(reader, buffer);
    expect(search.find(parseIp('10.1.2.3'))).toEqual([{ name: 'ten-one' }, 16]);
    // The text path answers as the reader does, here too for IPv4-mapped text.
    expect(search.find(parseIp('::ffff:192.0.2.130'))).toEqual([{ name: 'upper' }, 25]);
  });

  it('finds what the reader finds in the bundled GeoLite2 city files', async () => {
    const config = defaultGeoConfig();
    if (config.location.schema !== 'ip-location-db' || config.location.ipv6Path === null)
      throw new Error('default location source changed');
    if (config.asn?.schema !== 'ip-location-db-csv' || config.asn.ipv6Path === null)
      throw new Error('default ASN source changed');
    const accept = () => null;
    const v4 = await openMmdb<Response>(config.location.ipv4Path, 0, accept);
    const v6 = await openMmdb<Response>(config.location.ipv6Path, 0, accept);
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    expectSameAsReader(
      v4.reader,
      v4.search,
      Array.from({ length: 3000 }, () => ipv4ToString(random())),
    );
    // IPv6 inside announced prefixes (random IPv6 would nearly all be unrouted).
    const prefixes = (await readFile(config.asn.ipv6Path, 'utf8'))
      .split('\n')
      .slice(0, 5000)
      .map((line) => parseHexIpv6(line.slice(0, line.indexOf(','))))
      .filter((p): p is number[] => p !== null);
    const v6Texts = Array.from({ length: 3000 }, () => {
      const parts = [...(prefixes[random() % prefixes.length] as number[])];
      for (let i = 3; i < 8; i++) parts[i] = random() & 0xffff;
      return formatIpv6(parts);
    });
    expectSameAsReader(v6.reader, v6.search, v6Texts);
    expect(v6Texts.filter((t) => v6.search.find(parseIp(t))[0] !== null).length).toBeGreaterThan(1000);
  });
});
