import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { ErrorCode, ValidationError } from '../../../src/errors/errors';
import {
  cidrOf,
  classifyIp,
  formatIpv6,
  InvalidIpAddressError,
  networkKey,
  parseCanonicalIpv4,
  parseHexIpv6,
  parseIp,
  type InvalidIpReason,
  type IpClassification,
} from '../../../geo/ip-classify';

/** Small deterministic PRNG so the generated cases are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function classify(input: string): IpClassification {
  return classifyIp(parseIp(input));
}

describe('parseIp', () => {
  it('accepts dotted-quad IPv4, trimmed', () => {
    expect(parseIp('  203.0.113.9\n')).toEqual({ version: 4, address: '203.0.113.9', value: 0xcb007109 });
    expect(parseIp('0.0.0.0')).toEqual({ version: 4, address: '0.0.0.0', value: 0 });
    expect(parseIp('255.255.255.255')).toEqual({ version: 4, address: '255.255.255.255', value: 0xffffffff });
  });

  it('normalises IPv6 to RFC 5952', () => {
    expect(parseIp('2001:0DB8:0000:0000:0000:0000:0000:0001').address).toBe('2001:db8::1');
    expect(parseIp('2001:db8:0:0:1:0:0:1').address).toBe('2001:db8::1:0:0:1');
    expect(parseIp('2001:db8::0:1').address).toBe('2001:db8::1');
    expect(parseIp('2001:db8:0:1:1:1:1:1').address).toBe('2001:db8:0:1:1:1:1:1');
    expect(parseIp('::').address).toBe('::');
    const parsed = parseIp('2a00:1450:4001:82b::200e');
    expect(parsed).toEqual({
      version: 6,
      address: '2a00:1450:4001:82b::200e',
      parts: [0x2a00, 0x1450, 0x4001, 0x82b, 0, 0, 0, 0x200e],
    });
  });

  it('folds IPv4-mapped IPv6 to IPv4, in hex and dotted spellings', () => {
    expect(parseIp('::ffff:192.0.2.1')).toEqual({ version: 4, address: '192.0.2.1', value: 0xc0000201 });
    expect(parseIp('::FFFF:c000:0201')).toEqual({ version: 4, address: '192.0.2.1', value: 0xc0000201 });
    expect(parseIp('0:0:0:0:0:ffff:8.8.8.8').address).toBe('8.8.8.8');
  });

  it('keeps the deprecated IPv4-compatible form as the IPv6 address it is', () => {
    // ipaddr.js alone would read this as ::ffff:1.2.3.4 and so as public 1.2.3.4.
    const parsed = parseIp('::1.2.3.4');
    expect(parsed).toEqual({ version: 6, address: '::102:304', parts: [0, 0, 0, 0, 0, 0, 0x102, 0x304] });
    expect(classifyIp(parsed)).toBe('reserved');
  });

  const rejected: [string, InvalidIpReason][] = [
    ['', 'empty'],
    ['   ', 'empty'],
    ['x'.repeat(65), 'too_long'],
    ['fe80::1%eth0', 'zone_id'],
    ['fe80::1%1', 'zone_id'],
    ['192.0.2.0/24', 'cidr'],
    ['2001:db8::/32', 'cidr'],
    ['192.0.2.1:443', 'port'],
    ['[2001:db8::1]:443', 'port'],
    ['[2001:db8::1]', 'port'],
    ['010.1.1.1', 'ambiguous_ipv4'],
    ['1.2.3.04', 'ambiguous_ipv4'],
    ['0x7f.0.0.1', 'ambiguous_ipv4'],
    ['127.1', 'ambiguous_ipv4'],
    ['2130706433', 'ambiguous_ipv4'],
    ['::ffff:010.0.0.1', 'ambiguous_ipv4'],
    ['::ffff:1.2.3.256', 'ambiguous_ipv4'],
    ['256.1.1.1', 'unparsable'],
    ['1.2.3.4.5', 'unparsable'],
    ['1.2.3.', 'unparsable'],
    ['1..2.3', 'unparsable'],
    ['1.2.3.4 5', 'unparsable'],
    ['localhost', 'unparsable'],
    ['1::2::3', 'unparsable'],
    ['12345::', 'unparsable'],
    [':::', 'unparsable'],
    ['1:2:3:4:5:6:7:8:9', 'unparsable'],
    ['1:2:3:4:5:6:7::8', 'unparsable'],
    ['gggg::1', 'unparsable'],
  ];

  it.each(rejected)('rejects %j (%s)', (input, reason) => {
    let error: unknown;
    try {
      parseIp(input, 'order.clientIp');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidIpAddressError);
    expect(error).toBeInstanceOf(ValidationError);
    const e = error as InvalidIpAddressError;
    expect(e.reason).toBe(reason);
    expect(e.field).toBe('order.clientIp');
    expect(e.code).toBe(ErrorCode.BadUserInput);
    expect(e.message.startsWith('order.clientIp: ')).toBe(true);
    expect(e.details).toEqual({ field: 'order.clientIp', reason });
    // The rejected input is not echoed back (it may be anything a client sent).
    if (input.trim().length > 3) expect(e.message).not.toContain(input.trim());
  });

  it("names the field 'ip' by default", () => {
    expect(() => parseIp('nope')).toThrow(expect.objectContaining({ field: 'ip' }));
  });
});

describe('fast paths agree with ipaddr.js', () => {
  it('parseCanonicalIpv4 accepts exactly the four-part decimal form ipaddr.js accepts', () => {
    const random = prng(1);
    const alphabet = '0123456789.';
    const samples = ['1.2.3.4', '0.0.0.0', '255.255.255.255', '00.1.2.3', '1.2.3.256', '1.2.3', '.1.2.3'];
    for (let i = 0; i < 20000; i++) {
      const length = 1 + Math.floor(random() * 15);
      let s = '';
      for (let j = 0; j < length; j++) s += alphabet[Math.floor(random() * alphabet.length)];
      samples.push(s);
      const octets = Array.from({ length: 4 }, () => Math.floor(random() * 300));
      samples.push(octets.join('.'));
    }
    for (const s of samples) {
      const ours = parseCanonicalIpv4(s);
      const valid = ipaddr.IPv4.isValidFourPartDecimal(s);
      expect(ours >= 0, s).toBe(valid);
      if (valid)
        expect(ours, s).toBe(
          ipaddr.IPv4.parse(s)
            .toByteArray()
            .reduce((n, b) => n * 256 + b, 0),
        );
    }
  });

  it('parseHexIpv6 accepts what ipaddr.js accepts among hex-group spellings, with the same groups', () => {
    const random = prng(2);
    const alphabet = '0123456789abcdefABCDEF::::';
    const samples: string[] = ['::', '::1', '1::', '1:2:3:4:5:6:7:8', '1::8', ':1::', '1:::2', '0001:0:0::'];
    for (let i = 0; i < 20000; i++) {
      const length = 2 + Math.floor(random() * 30);
      let s = '';
      for (let j = 0; j < length; j++) s += alphabet[Math.floor(random() * alphabet.length)];
      samples.push(s);
      // And well-formed addresses with random compression, case and leading zeros.
      const parts = Array.from({ length: 8 }, () => (random() < 0.4 ? 0 : Math.floor(random() * 65536)));
      const text = parts.map((p) => (random() < 0.3 ? p.toString(16).padStart(4, '0') : p.toString(16)));
      const from = Math.floor(random() * 8);
      const to = from + Math.floor(random() * (8 - from));
      const compressed =
        to > from && parts.slice(from, to + 1).every((p) => p === 0)
          ? `${text.slice(0, from).join(':')}::${text.slice(to + 1).join(':')}`
          : text.join(':');
      samples.push(random() < 0.3 ? compressed.toUpperCase() : compressed);
    }
    let accepted = 0;
    for (const s of samples) {
      const ours = parseHexIpv6(s);
      let theirs: number[] | null = null;
      try {
        theirs = ipaddr.IPv6.parse(s).parts;
      } catch {
        theirs = null;
      }
      expect(ours, s).toEqual(theirs);
      if (ours !== null) {
        accepted++;
        // The normalised text is what ipaddr.js would print, whether or not the input already was.
        const parsed = parseIp(s);
        const expected = ipaddr.IPv6.parse(s);
        expect(parsed.address, s).toBe(
          expected.isIPv4MappedAddress() ? expected.toIPv4Address().toString() : expected.toRFC5952String(),
        );
      }
    }
    expect(accepted).toBeGreaterThan(10000);
  });

  it('formatIpv6 prints RFC 5952 like ipaddr.js', () => {
    const random = prng(3);
    for (let i = 0; i < 5000; i++) {
      const parts = Array.from({ length: 8 }, () => (random() < 0.5 ? 0 : Math.floor(random() * 65536)));
      expect(formatIpv6(parts)).toBe(new ipaddr.IPv6(parts).toRFC5952String());
    }
  });
});

describe('classifyIp', () => {
  const table: [string, IpClassification][] = [
    // IPv4, with the edges of each range
    ['8.8.8.8', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['0.0.0.1', 'reserved'],
    ['0.255.255.255', 'reserved'],
    ['1.0.0.0', 'public'],
    ['9.255.255.255', 'public'],
    ['10.0.0.0', 'private'],
    ['10.255.255.255', 'private'],
    ['11.0.0.0', 'public'],
    ['100.63.255.255', 'public'],
    ['100.64.0.0', 'carrier_grade_nat'],
    ['100.127.255.255', 'carrier_grade_nat'],
    ['100.128.0.0', 'public'],
    ['126.255.255.255', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.255', 'loopback'],
    ['169.253.255.255', 'public'],
    ['169.254.0.1', 'link_local'],
    ['169.254.255.255', 'link_local'],
    ['169.255.0.0', 'public'],
    ['172.15.255.255', 'public'],
    ['172.16.0.0', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.0', 'public'],
    ['192.0.0.8', 'reserved'],
    ['192.0.1.0', 'public'],
    ['192.0.2.0', 'documentation'],
    ['192.0.2.255', 'documentation'],
    ['192.0.3.0', 'public'],
    ['192.31.196.1', 'reserved'],
    ['192.52.193.1', 'reserved'],
    ['192.88.99.1', 'reserved'],
    ['192.88.100.1', 'public'],
    ['192.167.255.255', 'public'],
    ['192.168.0.0', 'private'],
    ['192.168.255.255', 'private'],
    ['192.169.0.0', 'public'],
    ['192.175.48.1', 'reserved'],
    ['198.17.255.255', 'public'],
    ['198.18.0.0', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['198.20.0.0', 'public'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.200', 'documentation'],
    ['203.0.114.0', 'public'],
    ['223.255.255.255', 'public'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.254', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    // IPv4-mapped IPv6 takes the IPv4 class
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:8.8.4.4', 'public'],
    ['::ffff:127.0.0.1', 'loopback'],
    // IPv6
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::2', 'reserved'],
    ['::ffff:0:0:1', 'reserved'],
    ['64:ff9b::808:808', 'reserved'],
    ['64:ff9b:1::1', 'private'],
    ['100::1', 'reserved'],
    ['100:0:0:1::1', 'reserved'],
    ['100:0:0:2::1', 'reserved'],
    ['2001::1', 'reserved'],
    ['2001:0:ffff::1', 'reserved'],
    ['2001:2::1', 'reserved'],
    ['2001:3::1', 'reserved'],
    ['2001:4:112::1', 'reserved'],
    ['2001:20::1', 'reserved'],
    ['2001:1ff:ffff::1', 'reserved'],
    ['2001:200::1', 'public'],
    ['2001:db7:ffff::1', 'public'],
    ['2001:db8::1', 'documentation'],
    ['2001:db8:ffff:ffff::1', 'documentation'],
    ['2001:db9::1', 'public'],
    ['2002::1', 'reserved'],
    ['2002:ffff::1', 'reserved'],
    ['2003::1', 'public'],
    ['2620:4f:8000::1', 'reserved'],
    ['2620:4f:8001::1', 'public'],
    ['2a00:1450:4001::1', 'public'],
    ['3fff::1', 'documentation'],
    ['3fff:fff::1', 'documentation'],
    ['3fff:1000::1', 'public'],
    ['4000::1', 'reserved'],
    ['1fff:ffff::1', 'reserved'],
    ['5f00::1', 'reserved'],
    ['fbff::1', 'reserved'],
    ['fc00::1', 'private'],
    ['fdff:ffff::1', 'private'],
    ['fe7f::1', 'reserved'],
    ['fe80::1', 'link_local'],
    ['febf:ffff::1', 'link_local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'multicast'],
  ];

  it.each(table)('%s is %s', (input, expected) => {
    expect(classify(input)).toBe(expected);
  });

  it('classifies IPv4 the way ipaddr.js ranges do where the two agree on meaning', () => {
    // A cross-check on the table above, over random addresses: every address ipaddr.js calls
    // private/loopback/linkLocal/multicast/carrierGradeNat/broadcast gets the same class here.
    const same: Record<string, IpClassification> = {
      private: 'private',
      loopback: 'loopback',
      linkLocal: 'link_local',
      multicast: 'multicast',
      carrierGradeNat: 'carrier_grade_nat',
      broadcast: 'broadcast',
      unicast: 'public',
    };
    const random = prng(4);
    const interesting = [0, 10, 100, 127, 169, 172, 192, 198, 203, 224, 239, 240, 255];
    for (let i = 0; i < 20000; i++) {
      // Half the samples in the /8s where special ranges live, with the second octet often hitting
      // the special /16s too, so each range gets exercised rather than 1 in 256 samples.
      const first =
        i % 2 === 0
          ? (interesting[Math.floor(random() * interesting.length)] as number)
          : Math.floor(random() * 256);
      const second =
        random() < 0.5
          ? ([16, 31, 64, 127, 168, 254, 255][Math.floor(random() * 7)] as number)
          : Math.floor(random() * 256);
      const value = (first * 2 ** 24 + second * 2 ** 16 + Math.floor(random() * 2 ** 16)) >>> 0;
      const text = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
      const theirs = ipaddr.IPv4.parse(text).range();
      const expected = same[theirs];
      if (expected !== undefined) expect(classify(text), text).toBe(expected);
    }
  });
});

describe('networkKey and cidrOf', () => {
  it('gives the /24 for IPv4 and the /64 for IPv6', () => {
    expect(networkKey(parseIp('203.0.113.77'))).toBe('203.0.113.0/24');
    expect(networkKey(parseIp('::ffff:203.0.113.77'))).toBe('203.0.113.0/24');
    expect(networkKey(parseIp('2001:db8:1:2:3:4:5:6'))).toBe('2001:db8:1:2::/64');
    expect(networkKey(parseIp('2001:db8::1'))).toBe('2001:db8::/64');
  });

  it('masks to any prefix length', () => {
    const v4 = parseIp('203.0.113.77');
    expect(cidrOf(v4, 0)).toBe('0.0.0.0/0');
    expect(cidrOf(v4, 17)).toBe('203.0.0.0/17');
    expect(cidrOf(v4, 25)).toBe('203.0.113.0/25');
    expect(cidrOf(v4, 26)).toBe('203.0.113.64/26');
    expect(cidrOf(v4, 32)).toBe('203.0.113.77/32');
    const v6 = parseIp('2001:db8:abcd:1234:5678::1');
    expect(cidrOf(v6, 0)).toBe('::/0');
    expect(cidrOf(v6, 20)).toBe('2001::/20');
    expect(cidrOf(v6, 24)).toBe('2001:d00::/24');
    expect(cidrOf(v6, 36)).toBe('2001:db8:a000::/36');
    expect(cidrOf(v6, 128)).toBe('2001:db8:abcd:1234:5678::1/128');
  });
});
