import { describe, expect, it } from 'vitest';
import { parseIp } from '../../../geo/ip-classify';
import { TorExitList } from '../../../geo/tor-exit-list';

describe('TorExitList', () => {
  it('reads the bulk exit list: one address per line', () => {
    const list = TorExitList.parse('185.220.101.7\r\n185.220.101.8\n\n2001:67c:e60:c0c:192:42:116:16\n');
    expect(list.size).toBe(3);
    expect(list.skippedLines).toBe(0);
    expect(list.has(parseIp('185.220.101.7'))).toBe(true);
    expect(list.has(parseIp('185.220.101.9'))).toBe(false);
    // Matched whatever spelling the request used.
    expect(list.has(parseIp('2001:067C:0E60:0C0C:0192:0042:0116:0016'))).toBe(true);
    expect(list.has(parseIp('::ffff:185.220.101.8'))).toBe(true);
  });

  it('reads the exit-addresses format and ignores its other lines and comments', () => {
    const list = TorExitList.parse(
      [
        '# exit-addresses',
        'ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E',
        'Published 2024-01-01 10:00:00',
        'LastStatus 2024-01-01 11:00:00',
        'ExitAddress 162.247.74.201 2024-01-01 11:13:29',
        'ExitAddress 2a0b:f4c2::2 2024-01-01 11:13:29',
      ].join('\n'),
    );
    expect(list.size).toBe(2);
    expect(list.skippedLines).toBe(0);
    expect(list.has(parseIp('162.247.74.201'))).toBe(true);
    expect(list.hasIpv6('2a0b:f4c2::2')).toBe(true);
  });

  it('counts and skips lines that are not addresses instead of failing the list', () => {
    const list = TorExitList.parse('185.220.101.7\n<html>\n10.0.0.300\n185.220.101.0/24\n');
    expect(list.size).toBe(1);
    expect(list.skippedLines).toBe(3);
  });
});
