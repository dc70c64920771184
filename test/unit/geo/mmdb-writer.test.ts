// The fixture writer is only useful if real readers agree with it: every type, record size, pointer
// width and size encoding is read back through the `maxmind` package.
import { Reader } from 'maxmind';
import { describe, expect, it } from 'vitest';
import {
  buildMmdb,
  encodePointer,
  mmdbType,
  type MmdbEntry,
  type MmdbValue,
} from '../../support/mmdb-writer';

function read(entries: readonly MmdbEntry[], options: Parameters<typeof buildMmdb>[1]): Reader<never> {
  return new Reader<never>(buildMmdb(entries, options));
}

function get(reader: Reader<never>, ip: string): unknown {
  return reader.get(ip);
}

describe('mmdb writer', () => {
  it.each([24, 28, 32] as const)(
    'builds a tree readable with %i-bit records, IPv4 and IPv6 alike',
    (recordSize) => {
      const reader = read(
        [
          { network: '10.0.0.0/8', record: { name: 'ten' } },
          { network: '10.1.0.0/16', record: { name: 'ten-one' } },
          { network: '192.0.2.128/25', record: { name: 'upper' } },
          { network: '2001:db8::/32', record: { name: 'doc6' } },
          { network: '2001:db8:1::/48', record: { name: 'doc6-1' } },
        ],
        { databaseType: 'Test-DB', recordSize },
      );
      expect(reader.metadata.recordSize).toBe(recordSize);
      expect(get(reader, '10.200.0.1')).toEqual({ name: 'ten' });
      expect(get(reader, '10.1.2.3')).toEqual({ name: 'ten-one' });
      expect(get(reader, '192.0.2.200')).toEqual({ name: 'upper' });
      expect(get(reader, '192.0.2.127')).toBeNull();
      expect(get(reader, '11.0.0.0')).toBeNull();
      expect(get(reader, '2001:db8:2::1')).toEqual({ name: 'doc6' });
      expect(get(reader, '2001:db8:1:ffff::1')).toEqual({ name: 'doc6-1' });
      expect(get(reader, '2001:db9::1')).toBeNull();
      expect(reader.getWithPrefixLength('10.1.2.3')[1]).toBe(16);
      expect(reader.getWithPrefixLength('192.0.2.200')[1]).toBe(25);
      expect(reader.getWithPrefixLength('2001:db8:1::5')[1]).toBe(48);
    },
  );

  it('uses 28- and 32-bit records when the data section outgrows 24 bits', () => {
    // ~20 MB of distinct strings pushes record values past 2^24. Only even /16s have data, so each
    // last tree node pairs a record above 2^24 with an empty one: the two halves of the shared
    // 28-bit nibble byte must not be mixed up.
    const big = 'x'.repeat(1_000_000);
    const entries = Array.from({ length: 20 }, (_, i) => ({
      network: `10.${2 * i}.0.0/16`,
      record: { blob: `${i}${big}` },
    }));
    const reader = read(entries, { databaseType: 'Big', ipVersion: 4 });
    expect(reader.metadata.recordSize).toBe(28);
    expect((get(reader, '10.38.1.1') as { blob: string }).blob.startsWith('19x')).toBe(true);
    expect(get(reader, '10.39.1.1')).toBeNull();
    const forced = read(entries, { databaseType: 'Big', ipVersion: 4, recordSize: 32 });
    expect((get(forced, '10.14.0.9') as { blob: string }).blob.length).toBe(1_000_001);
    expect(get(forced, '10.15.0.9')).toBeNull();
    expect(() => buildMmdb(entries, { databaseType: 'Big', ipVersion: 4, recordSize: 24 })).toThrow(
      /record size 24/,
    );
  });

  it('round-trips every data type', () => {
    const record: MmdbValue = {
      utf8: 'Zürich 東京',
      empty: '',
      double: mmdbType.double(-122.3149),
      float: mmdbType.float(1.5),
      bytes: mmdbType.bytes(Uint8Array.from([0, 1, 254, 255])),
      uint16: mmdbType.uint16(65535),
      uint32: mmdbType.uint32(4294967295),
      zero: mmdbType.uint32(0),
      int32: mmdbType.int32(-123456),
      int32small: mmdbType.int32(7),
      uint64: mmdbType.uint64(2n ** 64n - 1n),
      uint128: mmdbType.uint128(2n ** 128n - 1n),
      inferredUint: 42,
      inferredNegative: -42,
      inferredDouble: 0.25,
      yes: true,
      no: false,
      array: [1, 'two', [3], { four: 4 }],
      nested: { deeper: { deepest: 'ok' } },
    };
    const reader = read([{ network: '198.51.100.0/24', record }], { databaseType: 'Types' });
    const got = get(reader, '198.51.100.7') as Record<string, unknown>;
    expect(got).toEqual({
      utf8: 'Zürich 東京',
      empty: '',
      double: -122.3149,
      float: 1.5,
      bytes: Buffer.from([0, 1, 254, 255]),
      uint16: 65535,
      uint32: 4294967295,
      zero: 0,
      int32: -123456,
      int32small: 7,
      uint64: 2n ** 64n - 1n,
      uint128: 2n ** 128n - 1n,
      inferredUint: 42,
      inferredNegative: -42,
      inferredDouble: 0.25,
      yes: true,
      no: false,
      array: [1, 'two', [3], { four: 4 }],
      nested: { deeper: { deepest: 'ok' } },
    });
  });

  it.each([28, 29, 284, 285, 65820, 65821, 70000])(
    'encodes a %i-byte string with the right size form',
    (n) => {
      const value = 'é'.repeat(Math.floor(n / 2)) + 'a'.repeat(n % 2);
      expect(Buffer.byteLength(value)).toBe(n);
      const reader = read([{ network: '192.0.2.0/24', record: { value } }], { databaseType: 'Sizes' });
      expect((get(reader, '192.0.2.1') as { value: string }).value).toBe(value);
    },
  );

  it('shares repeated values through pointers of every width the data needs', () => {
    // Each record carries 40 kB of its own filler, so a group value first written by record 4 sits
    // past 2048 bytes and one first written by record 16 past 526336: the records after them point
    // back with 3- and 4-byte pointers, record 1-3 with 2-byte ones.
    const filler = (i: number) => `${i}:${'f'.repeat(40_000)}`;
    const group = (i: number) => ({
      group: `group ${Math.floor(i / 4)}`,
      members: [Math.floor(i / 4), 'same'],
    });
    const entries = Array.from({ length: 20 }, (_, i) => ({
      network: `10.${i}.0.0/16`,
      record: { filler: filler(i), shared: group(i) },
    }));
    const withPointers = buildMmdb(entries, { databaseType: 'Pointers', ipVersion: 4 });
    const withoutPointers = buildMmdb(entries, { databaseType: 'Pointers', ipVersion: 4, dedupe: false });
    expect(withPointers.length).toBeLessThan(withoutPointers.length);
    const reader = new Reader<never>(withPointers);
    for (let i = 0; i < 20; i++) {
      expect(get(reader, `10.${i}.1.1`)).toEqual({ filler: filler(i), shared: group(i) });
    }
  });

  it('encodes pointers in the four sizes of the spec', () => {
    expect([...encodePointer(0)]).toEqual([0x20, 0x00]);
    expect([...encodePointer(2047)]).toEqual([0x27, 0xff]);
    expect([...encodePointer(2048)]).toEqual([0x28, 0x00, 0x00]);
    expect([...encodePointer(526335)]).toEqual([0x2f, 0xff, 0xff]);
    expect([...encodePointer(526336)]).toEqual([0x30, 0x00, 0x00, 0x00]);
    expect([...encodePointer(526336 + 2 ** 27)]).toEqual([0x38, 0x08, 0x08, 0x08, 0x00]);
  });

  it('writes the metadata readers rely on', () => {
    const buildEpoch = new Date('2024-05-06T07:08:09Z');
    const reader = read([{ network: '192.0.2.0/24', record: { a: 1 } }], {
      databaseType: 'GeoIP2-City',
      ipVersion: 4,
      languages: ['en', 'de'],
      description: { en: 'English', de: 'Deutsch' },
      buildEpoch,
    });
    const m = reader.metadata;
    expect(m.databaseType).toBe('GeoIP2-City');
    expect(m.ipVersion).toBe(4);
    expect(m.buildEpoch).toEqual(buildEpoch);
    expect(m.languages).toEqual(['en', 'de']);
    expect(m.description).toEqual({ en: 'English', de: 'Deutsch' });
    expect(m.binaryFormatMajorVersion).toBe(2);
    expect(m.binaryFormatMinorVersion).toBe(0);
    // 192.0.2.0/24 needs a chain of 24 nodes from the root.
    expect(m.nodeCount).toBe(24);
  });

  it('puts IPv4 networks under ::/96 in an IPv6 tree, where readers start IPv4 lookups', () => {
    const reader = read([{ network: '203.0.113.0/24', record: { v: 4 } }], {
      databaseType: 'Mixed',
      ipVersion: 6,
    });
    expect(get(reader, '203.0.113.9')).toEqual({ v: 4 });
    expect(get(reader, '::cb00:7109')).toEqual({ v: 4 });
    expect(reader.getWithPrefixLength('203.0.113.9')[1]).toBe(24);
  });

  it('refuses IPv6 networks in an IPv4 tree', () => {
    expect(() =>
      buildMmdb([{ network: '2001:db8::/32', record: {} }], { databaseType: 'X', ipVersion: 4 }),
    ).toThrow(/IPv6 network in an IPv4 database/);
  });
});
