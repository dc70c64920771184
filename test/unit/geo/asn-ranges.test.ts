import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { Ipv4AsnRanges, Ipv6AsnRanges } from '../../../geo/asn-ranges';
import { parseIp, type ParsedIpv6 } from '../../../geo/ip-classify';

function v4(ip: string): number {
  const parsed = parseIp(ip);
  if (parsed.version !== 4) throw new Error(ip);
  return parsed.value;
}

function v6(ip: string): readonly number[] {
  return (parseIp(ip) as ParsedIpv6).parts;
}

function asnOf4(table: Ipv4AsnRanges, ip: string): number | null {
  const i = table.find(v4(ip));
  return i < 0 ? null : table.asnAt(i);
}

function asnOf6(table: Ipv6AsnRanges, ip: string): number | null {
  const i = table.find(v6(ip));
  return i < 0 ? null : table.asnAt(i);
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('Ipv4AsnRanges', () => {
  const csv = [
    '1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."',
    '1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd',
    '2.26.200.0,2.26.215.255,201907,"LLC ""SPUTNIK"""',
    '8.8.8.0,8.8.8.255,15169,Google LLC',
    '9.0.0.0,9.255.255.255,3356,',
  ].join('\r\n');
  const table = Ipv4AsnRanges.fromCsv(`${csv}\r\n`);

  it('finds the range at its first and last address and nothing in the gaps', () => {
    expect(asnOf4(table, '1.0.0.0')).toBe(13335);
    expect(asnOf4(table, '1.0.0.255')).toBe(13335);
    expect(asnOf4(table, '1.0.1.0')).toBeNull();
    expect(asnOf4(table, '1.0.3.255')).toBeNull();
    expect(asnOf4(table, '1.0.4.0')).toBe(38803);
    expect(asnOf4(table, '1.0.7.255')).toBe(38803);
    expect(asnOf4(table, '0.255.255.255')).toBeNull();
    expect(asnOf4(table, '8.8.8.8')).toBe(15169);
    expect(asnOf4(table, '9.128.0.1')).toBe(3356);
    expect(asnOf4(table, '10.0.0.0')).toBeNull();
    expect(asnOf4(table, '255.255.255.255')).toBeNull();
  });

  it('unquotes organisation names and reads an empty one as unknown', () => {
    expect(table.organisationAt(table.find(v4('1.0.0.1')))).toBe('Cloudflare, Inc.');
    expect(table.organisationAt(table.find(v4('2.26.201.1')))).toBe('LLC "SPUTNIK"');
    expect(table.organisationAt(table.find(v4('9.1.1.1')))).toBeNull();
    expect(table.size).toBe(5);
    expect(table.organisationCount).toBe(5);
  });

  it('reads the -num form the same way', () => {
    const num = Ipv4AsnRanges.fromCsv(
      '16777216,16777471,13335,"Cloudflare, Inc."\n134744064,134744319,15169,Google LLC\n',
    );
    expect(asnOf4(num, '1.0.0.7')).toBe(13335);
    expect(asnOf4(num, '8.8.8.8')).toBe(15169);
    expect(asnOf4(num, '8.8.9.0')).toBeNull();
  });

  it('keeps one organisation name per distinct text even when an ASN changes name', () => {
    const t = Ipv4AsnRanges.fromCsv('1.0.0.0,1.0.0.255,64500,Old Name\n1.0.1.0,1.0.1.255,64500,New Name\n');
    expect(t.organisationAt(t.find(v4('1.0.0.1')))).toBe('Old Name');
    expect(t.organisationAt(t.find(v4('1.0.1.1')))).toBe('New Name');
  });

  it('sorts unsorted input', () => {
    const t = Ipv4AsnRanges.fromCsv(
      '8.8.8.0,8.8.8.255,15169,G\n1.0.0.0,1.0.0.255,13335,C\n4.0.0.0,4.255.255.255,3356,L\n',
    );
    expect(asnOf4(t, '1.0.0.1')).toBe(13335);
    expect(asnOf4(t, '4.4.4.4')).toBe(3356);
    expect(asnOf4(t, '8.8.8.8')).toBe(15169);
  });

  it('resolves overlaps in favour of the range that starts later, keeping the rest of the outer one', () => {
    // The shape of the overlap in the shipped file, plus a nested range.
    const t = Ipv4AsnRanges.fromCsv(
      [
        '214.95.0.0,215.0.255.255,749,DoD',
        '215.0.0.0,215.1.3.255,721,DoD NIC',
        '20.0.0.0,20.255.255.255,8075,Microsoft',
        '20.10.0.0,20.10.0.255,64500,Nested',
      ].join('\n'),
    );
    expect(asnOf4(t, '214.255.255.255')).toBe(749);
    expect(asnOf4(t, '215.0.0.0')).toBe(721);
    expect(asnOf4(t, '215.1.3.255')).toBe(721);
    expect(asnOf4(t, '215.1.4.0')).toBeNull();
    expect(asnOf4(t, '20.9.255.255')).toBe(8075);
    expect(asnOf4(t, '20.10.0.7')).toBe(64500);
    expect(asnOf4(t, '20.10.1.0')).toBe(8075);
    expect(asnOf4(t, '20.255.255.255')).toBe(8075);
  });

  it('answers like a brute-force scan on random overlapping ranges', () => {
    // Reference: of the rows containing the address, the one with the latest start wins, and among
    // equal starts the shorter (more specific) one, as the table documents.
    const random = prng(7);
    for (let trial = 0; trial < 30; trial++) {
      const rows: { start: number; end: number; asn: number }[] = [];
      for (let i = 0; i < 40; i++) {
        // Few /8s, so ranges pile up on each other and cross the /16 index boundaries.
        const start = Math.floor(random() * 4) * 2 ** 24 + Math.floor(random() * 2 ** 18) * 64;
        const end = Math.min(2 ** 32 - 1, start + Math.floor(random() * (random() < 0.2 ? 2 ** 22 : 4096)));
        rows.push({ start, end, asn: 64500 + i });
      }
      const text = rows.map((r) => `${r.start},${r.end},${r.asn},AS${r.asn}`).join('\n');
      const table = Ipv4AsnRanges.fromCsv(text);
      const probes = rows.flatMap((r) => [
        r.start - 1,
        r.start,
        r.end,
        r.end + 1,
        Math.floor((r.start + r.end) / 2),
      ]);
      for (let p = 0; p < 200; p++) probes.push(Math.floor(random() * 4 * 2 ** 24));
      for (const address of probes.filter((a) => a >= 0 && a < 2 ** 32)) {
        const containing = rows.filter((r) => r.start <= address && address <= r.end);
        containing.sort((a, b) => a.start - b.start || b.end - a.end);
        const expected =
          containing.length === 0 ? null : (containing[containing.length - 1] as { asn: number }).asn;
        const i = table.find(address);
        expect(i < 0 ? null : table.asnAt(i), `trial ${trial}, address ${address}`).toBe(expected);
      }
    }
  });

  it('refuses malformed files, naming the line', () => {
    expect(() => Ipv4AsnRanges.fromCsv('1.0.0.0,1.0.0.255,13335,C\n1.0.1.0,1.0.1.255\n')).toThrow(/line 2/);
    expect(() => Ipv4AsnRanges.fromCsv('1.0.0.0,1.0.0.256,13335,C\n')).toThrow(/line 1: not an IPv4 range/);
    expect(() => Ipv4AsnRanges.fromCsv('1.0.0.9,1.0.0.1,13335,C\n')).toThrow(
      /line 1: range ends before it starts/,
    );
    expect(() => Ipv4AsnRanges.fromCsv('1.0.0.0,1.0.0.255,AS13335,C\n')).toThrow(/line 1: bad ASN/);
    expect(() => Ipv4AsnRanges.fromCsv('1.0.0.0,1.0.0.255,13335,"unterminated\n')).toThrow(
      /line 1: unterminated/,
    );
    expect(() => Ipv4AsnRanges.fromCsv('2001::,2001::ffff,6939,HE\n')).toThrow(/line 1: not an IPv4 range/);
  });
});

describe('Ipv6AsnRanges', () => {
  const table = Ipv6AsnRanges.fromCsv(
    [
      '2001::,2001::ffff:ffff:ffff:ffff:ffff:ffff,6939,Hurricane Electric LLC',
      '2001:200::,2001:200:1b9:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project',
      '2001:200:1ba::,2001:200:1ba:ffff:ffff:ffff:ffff:ffff,24047,"Internet Systems Consortium, Inc."',
      // Bounds that are not /64-aligned, so all four words take part in the comparison.
      '2a00:1450::8000:0:0:0,2a00:1450::8000:0:0:ffff,15169,Google LLC',
      '2c0f:ffff::,3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,64512,Wide',
    ].join('\n'),
  );

  it('finds ranges by all 128 bits', () => {
    expect(asnOf6(table, '2001::1')).toBe(6939);
    expect(asnOf6(table, '2001:0:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(6939);
    expect(asnOf6(table, '2001:1::')).toBeNull();
    expect(asnOf6(table, '2001:200:1b9:ffff::1')).toBe(2500);
    expect(asnOf6(table, '2001:200:1ba::1')).toBe(24047);
    expect(asnOf6(table, '2001:200:1bb::')).toBeNull();
    expect(asnOf6(table, '2a00:1450::7fff:ffff:ffff:ffff')).toBeNull();
    expect(asnOf6(table, '2a00:1450::8000:0:0:0')).toBe(15169);
    expect(asnOf6(table, '2a00:1450::8000:0:0:ffff')).toBe(15169);
    expect(asnOf6(table, '2a00:1450::8000:0:1:0')).toBeNull();
    expect(asnOf6(table, '3abc::1')).toBe(64512);
    expect(asnOf6(table, '3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(64512);
    expect(table.organisationAt(table.find(v6('2001:200:1ba::9')))).toBe('Internet Systems Consortium, Inc.');
  });

  it('reads the -num form, which needs all 128 bits', () => {
    const start = 0x2a001450000000008000000000000000n;
    const t = Ipv6AsnRanges.fromCsv(`${start},${start + 0xffffn},15169,Google LLC\n`);
    expect(asnOf6(t, '2a00:1450::8000:0:0:fffe')).toBe(15169);
    expect(asnOf6(t, '2a00:1450::8000:0:1:0')).toBeNull();
  });

  it('handles ranges outside 2000::/3 and ones spanning many index buckets', () => {
    const t = Ipv6AsnRanges.fromCsv(
      [
        '::,1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,64500,Low',
        '2400::,2bff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,64501,Span',
        'fc00::,fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,64502,High',
      ].join('\n'),
    );
    expect(asnOf6(t, '::1')).toBe(64500);
    expect(asnOf6(t, '1fff:ffff::1')).toBe(64500);
    expect(asnOf6(t, '2000::1')).toBeNull();
    expect(asnOf6(t, '2600:1f18::1')).toBe(64501);
    expect(asnOf6(t, '2bff:ffff:ffff::1')).toBe(64501);
    expect(asnOf6(t, '2c00::')).toBeNull();
    expect(asnOf6(t, 'fd00::1')).toBe(64502);
    expect(asnOf6(t, 'fe80::1')).toBeNull();
  });

  it('resolves overlaps the same way as IPv4', () => {
    const t = Ipv6AsnRanges.fromCsv(
      [
        '2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,64500,Outer',
        '2001:db8:1::,2001:db8:1:ffff:ffff:ffff:ffff:ffff,64501,Inner',
      ].join('\n'),
    );
    expect(asnOf6(t, '2001:db8::1')).toBe(64500);
    expect(asnOf6(t, '2001:db8:1::1')).toBe(64501);
    expect(asnOf6(t, '2001:db8:2::1')).toBe(64500);
  });

  it('refuses IPv4 rows and garbage', () => {
    expect(() => Ipv6AsnRanges.fromCsv('1.0.0.0,1.0.0.255,13335,C\n')).toThrow(/line 1: not an IPv6 range/);
    expect(() => Ipv6AsnRanges.fromCsv('2001::,2001::zz,6939,HE\n')).toThrow(/line 1: not an IPv6 range/);
    expect(() => Ipv6AsnRanges.fromCsv(`0,${2n ** 128n},1,Too big\n`)).toThrow(/line 1/);
  });

  it('agrees with ipaddr.js on which rows contain random addresses', () => {
    const random = prng(11);
    const rows = Array.from({ length: 200 }, (_, i) => {
      const parts = [
        0x2000 + Math.floor(random() * 0x20),
        Math.floor(random() * 65536),
        Math.floor(random() * 65536),
        0,
        0,
        0,
        0,
        0,
      ];
      const bits = 24 + Math.floor(random() * 40);
      return { net: `${new ipaddr.IPv6(parts).toString()}/${bits}`, asn: 64500 + i };
    });
    // Keep only rows that do not overlap an earlier one, so the expectation is unambiguous.
    const kept: { range: [ipaddr.IPv6, number]; asn: number; first: string; last: string }[] = [];
    for (const r of rows) {
      const range = ipaddr.IPv6.parseCIDR(r.net);
      const first = ipaddr.IPv6.networkAddressFromCIDR(r.net).toString();
      const last = ipaddr.IPv6.broadcastAddressFromCIDR(r.net).toString();
      if (kept.some((k) => k.range[0].match(range[0], k.range[1]) || range[0].match(k.range[0], range[1])))
        continue;
      kept.push({ range, asn: r.asn, first, last });
    }
    const t = Ipv6AsnRanges.fromCsv(kept.map((k) => `${k.first},${k.last},${k.asn},AS${k.asn}`).join('\n'));
    for (let i = 0; i < 3000; i++) {
      const parts = [
        0x2000 + Math.floor(random() * 0x20),
        ...Array.from({ length: 7 }, () => Math.floor(random() * 65536)),
      ];
      const address = new ipaddr.IPv6(parts);
      const expected = kept.find((k) => address.match(k.range))?.asn ?? null;
      expect(asnOf6(t, address.toString()), address.toString()).toBe(expected);
    }
    const toBig = (a: ipaddr.IPv6) => a.parts.reduce((n, part) => (n << 16n) | BigInt(part), 0n);
    const fromBig = (n: bigint) =>
      new ipaddr.IPv6(Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn)));
    for (const k of kept) {
      expect(asnOf6(t, k.first)).toBe(k.asn);
      expect(asnOf6(t, k.last)).toBe(k.asn);
      const first = toBig(ipaddr.IPv6.parse(k.first));
      const last = toBig(ipaddr.IPv6.parse(k.last));
      const inside = first + BigInt(Math.floor(random() * 2 ** 50)) * ((last - first) / 2n ** 50n);
      expect(asnOf6(t, fromBig(inside).toString())).toBe(k.asn);
      expect(asnOf6(t, fromBig(last + 1n).toString())).not.toBe(k.asn);
    }
  });
});
