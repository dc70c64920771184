import { describe, expect, it } from 'vitest';
import { ipNetwork } from '../../../geo/ip-intelligence';

describe('ipNetwork', () => {
  it('applies the prefix length to the address', () => {
    expect(ipNetwork({ ip: '81.2.69.160', prefixLength: 27 })).toBe('81.2.69.160/27');
    expect(ipNetwork({ ip: '81.2.69.191', prefixLength: 24 })).toBe('81.2.69.0/24');
    expect(ipNetwork({ ip: '2a00:1450:4001:81b::200e', prefixLength: 32 })).toBe('2a00:1450::/32');
    expect(ipNetwork({ ip: '2001:db8::1', prefixLength: 0 })).toBe('::/0');
  });

  it('is null when no database placed the address', () => {
    expect(ipNetwork({ ip: '10.1.2.3', prefixLength: null })).toBeNull();
  });

  it('reads the CIDR text that snapshots stored before prefixLength carry', () => {
    const stored = JSON.parse('{"ip":"8.8.8.8","network":"8.8.8.0/24"}') as {
      ip: string;
      prefixLength: null;
    };
    expect(ipNetwork(stored)).toBe('8.8.8.0/24');
  });
});
