/**
 * Turns untrusted text into an IP address we are willing to act on, and says which kind of address it
 * is. Only 'public' addresses are worth geolocating; everything else is a local, special-purpose or
 * made-up address whose "location" would be noise at best and attacker-chosen at worst.
 */
import ipaddr from 'ipaddr.js';
import { ValidationError } from '../src/errors/errors';

export type IpClassification =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link_local'
  | 'carrier_grade_nat'
  | 'documentation'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'reserved';

export interface ParsedIpv4 {
  readonly version: 4;
  /** Dotted quad, the only spelling we accept, so it doubles as the normalised form. */
  readonly address: string;
  /** The address as an unsigned 32-bit integer. */
  readonly value: number;
}

export interface ParsedIpv6 {
  readonly version: 6;
  /** RFC 5952 form (lower case, longest zero run compressed). */
  readonly address: string;
  /** Eight 16-bit groups. */
  readonly parts: readonly number[];
}

export type ParsedIp = ParsedIpv4 | ParsedIpv6;

/** Why an input was refused; sent to the client in `details.reason`, never the input itself. */
export type InvalidIpReason =
  'empty' | 'too_long' | 'zone_id' | 'cidr' | 'port' | 'ambiguous_ipv4' | 'unparsable';

const REASON_TEXT: Record<InvalidIpReason, string> = {
  empty: 'an IP address is required',
  too_long: 'is too long to be an IP address',
  zone_id: 'must not carry an IPv6 zone id (%...)',
  cidr: 'must be a single address, not a CIDR range',
  port: 'must not carry a port or brackets',
  ambiguous_ipv4: 'IPv4 must be four decimal octets without leading zeros',
  unparsable: 'is not a valid IPv4 or IPv6 address',
};

export class InvalidIpAddressError extends ValidationError {
  constructor(
    field: string,
    readonly reason: InvalidIpReason,
  ) {
    super(field, REASON_TEXT[reason], { reason });
  }
}

// The longest textual IPv6 address (with an embedded IPv4 tail) is 45 characters; the cap keeps
// ipaddr.js's regular expressions away from megabyte-sized request fields.
const MAX_INPUT_LENGTH = 64;

/**
 * Parses canonical dotted-quad IPv4 without allocating: the checkout path sees this form almost
 * always, and ipaddr.js's regex pipeline costs more than the GeoIP lookup behind it. Returns -1 for
 * anything else (leading zeros, short forms, hex, whitespace), which then takes the ipaddr.js path.
 */
export function parseCanonicalIpv4(s: string): number {
  const len = s.length;
  if (len < 7 || len > 15) return -1;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return -1;
      octet = octet * 10 + (c - 48);
      if (octet > 255) return -1;
      digits++;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

/**
 * Parses IPv6 written as hex groups (with at most one "::"), the form every socket and proxy header
 * produces, into eight 16-bit groups; the same acceptance as ipaddr.js for that form, at a fraction
 * of the cost. Returns null for anything else (embedded IPv4, zone ids, garbage), which then takes
 * the ipaddr.js path.
 */
export function parseHexIpv6(s: string): number[] | null {
  const len = s.length;
  if (len < 2 || len > 39) return null;
  const parts = [0, 0, 0, 0, 0, 0, 0, 0];
  let count = 0;
  let gapAt = -1;
  let group = 0;
  let digits = 0;
  let i = 0;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return null;
    gapAt = 0;
    i = 2;
  }
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 58) {
      if (digits === 0 || count === 8) return null;
      parts[count++] = group;
      group = 0;
      digits = 0;
      if (i + 1 < len && s.charCodeAt(i + 1) === 58) {
        if (gapAt >= 0) return null;
        gapAt = count;
        i++;
      } else if (i === len - 1) {
        return null;
      }
    } else {
      const v = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (v < 0 || digits === 4) return null;
      group = group * 16 + v;
      digits++;
    }
  }
  if (digits > 0) {
    if (count === 8) return null;
    parts[count++] = group;
  }
  if (gapAt < 0) return count === 8 ? parts : null;
  // "::" stands for at least one zero group.
  if (count === 8) return null;
  const tail = count - gapAt;
  for (let k = 0; k < tail; k++) parts[7 - k] = parts[count - 1 - k] as number;
  for (let k = gapAt; k < 8 - tail; k++) parts[k] = 0;
  return parts;
}

/** Start and length of the run of zero groups RFC 5952 compresses (longest, leftmost, 2+), or -1. */
function longestZeroRun(parts: readonly number[]): number {
  let bestStart = -1;
  let bestLength = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    if (parts[i] === 0) {
      if (runStart < 0) runStart = i;
      if (i - runStart + 1 > bestLength) {
        bestLength = i - runStart + 1;
        bestStart = runStart;
      }
    } else {
      runStart = -1;
    }
  }
  // Packed into one number so the hot path allocates nothing.
  return bestStart < 0 ? -1 : bestStart * 16 + bestLength;
}

/** RFC 5952 text: lower case, no leading zeros, the longest (leftmost) run of 2+ zero groups as "::". */
export function formatIpv6(parts: readonly number[]): string {
  const run = longestZeroRun(parts);
  const bestStart = run < 0 ? -1 : run >>> 4;
  const bestLength = run < 0 ? 1 : run & 15;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLength - 1;
    } else {
      if (out.length > 0 && i !== bestStart + bestLength) out += ':';
      out += (parts[i] as number).toString(16);
    }
  }
  return out;
}

/**
 * Whether `text`, already parsed into `parts`, is exactly the RFC 5952 spelling, so it can serve as
 * the normalised form without being rebuilt. Sockets and proxies emit this form, so this is the
 * usual case.
 */
function isRfc5952(text: string, parts: readonly number[]): boolean {
  let groupStart = true;
  let colonsBeforeGap = 0;
  let colonsAfterGap = 0;
  let gap = -1;
  const len = text.length;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === 58) {
      if (gap < 0 && i + 1 < len && text.charCodeAt(i + 1) === 58) {
        gap = i;
        i++;
      } else if (gap < 0) {
        colonsBeforeGap++;
      } else {
        colonsAfterGap++;
      }
      groupStart = true;
      continue;
    }
    if (c >= 65 && c <= 70) return false;
    if (groupStart && c === 48 && i + 1 < len && text.charCodeAt(i + 1) !== 58) return false;
    groupStart = false;
  }
  const run = longestZeroRun(parts);
  if (run < 0 || gap < 0) return run < 0 && gap < 0;
  const groupsBefore = gap === 0 ? 0 : colonsBeforeGap + 1;
  const groupsAfter = gap + 2 === len ? 0 : colonsAfterGap + 1;
  return groupsBefore === run >>> 4 && 8 - groupsBefore - groupsAfter === (run & 15);
}

// Text pieces for formatting IPv4, so a network string is four concatenations and no number
// conversions: it is built for every lookup that finds a record.
const OCTETS: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));
const OCTETS_DOT: readonly string[] = OCTETS.map((o) => `${o}.`);
const SLASH_PREFIX: readonly string[] = Array.from({ length: 129 }, (_, i) => `/${i}`);

export function ipv4ToString(value: number): string {
  return (
    (OCTETS_DOT[value >>> 24] as string) +
    (OCTETS_DOT[(value >>> 16) & 255] as string) +
    (OCTETS_DOT[(value >>> 8) & 255] as string) +
    (OCTETS[value & 255] as string)
  );
}

const IPV4_TAIL = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/;
const IPV4_WITH_PORT = /^\d+\.\d+\.\d+\.\d+:\d+$/;

/**
 * Parses an IP address typed by a person or taken from a header. IPv4-mapped IPv6 (::ffff:a.b.c.d)
 * is folded to IPv4 because dual-stack sockets report IPv4 peers that way and the databases key them
 * as IPv4. Spellings that different parsers read differently (010.1.1.1 is 8.1.1.1 to inet_aton and
 * 10.1.1.1 to others; 127.1; 0x7f.0.0.1) are refused rather than guessed.
 */
export function parseIp(input: string, field = 'ip'): ParsedIp {
  const s = input.trim();
  const v4 = parseCanonicalIpv4(s);
  if (v4 >= 0) return { version: 4, address: s, value: v4 };
  const hex = parseHexIpv6(s);
  if (hex !== null) return fromIpv6Parts(hex, isRfc5952(s, hex) ? s : null);
  rejectUnacceptable(s, field);

  if (!s.includes(':')) {
    // Valid to ipaddr.js but not canonical: octal, hex or fewer than four parts.
    throw new InvalidIpAddressError(field, ipaddr.IPv4.isValid(s) ? 'ambiguous_ipv4' : 'unparsable');
  }

  let v6: ipaddr.IPv6;
  const tail = IPV4_TAIL.exec(s);
  if (tail) {
    const head = tail[1] as string;
    const quad = parseCanonicalIpv4(tail[2] as string);
    if (quad < 0) throw new InvalidIpAddressError(field, 'ambiguous_ipv4');
    if (head === '::') {
      // ipaddr.js reads the deprecated IPv4-compatible form ::a.b.c.d as if it were ::ffff:a.b.c.d;
      // it is a different address (in ::/96), so it is built by hand.
      v6 = new ipaddr.IPv6([0, 0, 0, 0, 0, 0, Math.floor(quad / 65536), quad & 0xffff]);
    } else {
      v6 = parseIpv6OrThrow(s, field);
    }
  } else {
    v6 = parseIpv6OrThrow(s, field);
  }

  return fromIpv6Parts(v6.parts.slice(), null);
}

/** @param canonical the input text when it already is the RFC 5952 spelling. */
function fromIpv6Parts(parts: number[], canonical: string | null): ParsedIp {
  if (isIpv4Mapped(parts)) {
    const value = ((parts[6] as number) * 65536 + (parts[7] as number)) >>> 0;
    return { version: 4, address: ipv4ToString(value), value };
  }
  return { version: 6, address: canonical ?? formatIpv6(parts), parts };
}

function rejectUnacceptable(s: string, field: string): void {
  if (s === '') throw new InvalidIpAddressError(field, 'empty');
  if (s.length > MAX_INPUT_LENGTH) throw new InvalidIpAddressError(field, 'too_long');
  if (s.includes('%')) throw new InvalidIpAddressError(field, 'zone_id');
  if (s.includes('/')) throw new InvalidIpAddressError(field, 'cidr');
  if (s.startsWith('[') || IPV4_WITH_PORT.test(s)) throw new InvalidIpAddressError(field, 'port');
}

function parseIpv6OrThrow(s: string, field: string): ipaddr.IPv6 {
  try {
    return ipaddr.IPv6.parse(s);
  } catch {
    throw new InvalidIpAddressError(field, 'unparsable');
  }
}

function isIpv4Mapped(p: readonly number[]): boolean {
  return p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0xffff;
}

// [network, prefix length, class], most specific first so the first match wins.
// Sources: IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and successors).
const IPV4_RANGES: ReadonlyArray<readonly [string, number, IpClassification]> = [
  ['255.255.255.255', 32, 'broadcast'],
  // Only the all-zero address means "unspecified"; the rest of 0/8 ("this network") is never a valid peer.
  ['0.0.0.0', 32, 'unspecified'],
  ['0.0.0.0', 8, 'reserved'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments (incl. 192.0.0.9/10 anycast)
  ['192.0.2.0', 24, 'documentation'], // TEST-NET-1
  ['192.31.196.0', 24, 'reserved'], // AS112 anycast: infrastructure, never a customer
  ['192.52.193.0', 24, 'reserved'], // AMT relay anycast
  ['192.88.99.0', 24, 'reserved'], // 6to4 relay anycast (deprecated, RFC 7526)
  ['192.175.48.0', 24, 'reserved'], // AS112 direct delegation
  ['198.51.100.0', 24, 'documentation'], // TEST-NET-2
  ['203.0.113.0', 24, 'documentation'], // TEST-NET-3
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['100.64.0.0', 10, 'carrier_grade_nat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link_local'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking (RFC 2544)
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // former class E
];

interface Ipv4Rule {
  readonly base: number;
  readonly mask: number;
  readonly kind: IpClassification;
}

const IPV4_RULES: readonly Ipv4Rule[] = IPV4_RANGES.map(([net, bits, kind]) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (parseCanonicalIpv4(net) & mask) >>> 0, mask, kind };
});

// The rules grouped by first octet: most first octets have none, so a typical public address is
// classified by one array read instead of twenty mask compares.
const IPV4_RULES_BY_FIRST_OCTET: readonly (readonly Ipv4Rule[])[] = Array.from({ length: 256 }, (_, octet) =>
  IPV4_RULES.filter((rule) => rule.base >>> 24 === (octet & (rule.mask >>> 24))),
);

export function classifyIpv4(value: number): IpClassification {
  const rules = IPV4_RULES_BY_FIRST_OCTET[value >>> 24] as readonly Ipv4Rule[];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i] as Ipv4Rule;
    if ((value & rule.mask) >>> 0 === rule.base) return rule.kind;
  }
  return 'public';
}

const IPV6_RANGES: ReadonlyArray<readonly [string, number, IpClassification]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'reserved'], // deprecated IPv4-compatible addresses
  ['::ffff:0:0:0', 96, 'reserved'], // SIIT IPv4-translated (RFC 2765)
  // NAT64 well-known prefix: a server only sees it on a translated path, where the real peer is
  // the embedded IPv4 address; we do not guess that and simply do not geolocate it.
  ['64:ff9b::', 96, 'reserved'],
  ['64:ff9b:1::', 48, 'private'], // local-use translation prefix (RFC 8215)
  ['100::', 64, 'reserved'], // discard-only (RFC 6666)
  ['100:0:0:1::', 64, 'reserved'], // dummy prefix (RFC 9780)
  ['2001:db8::', 32, 'documentation'],
  ['2001::', 32, 'reserved'], // Teredo: the address is a tunnel endpoint, not where the user is
  ['2001:2::', 48, 'reserved'], // benchmarking
  ['2001::', 23, 'reserved'], // IETF protocol assignments (AMT, AS112, ORCHIDv2, DRIP, ...)
  ['2002::', 16, 'reserved'], // 6to4: tunnel endpoint, as with Teredo
  ['2620:4f:8000::', 48, 'reserved'], // AS112 direct delegation
  ['3fff::', 20, 'documentation'], // RFC 9637
  ['fc00::', 7, 'private'], // unique local addresses
  ['fec0::', 10, 'private'], // deprecated site-local, the old private range
  ['fe80::', 10, 'link_local'],
  ['ff00::', 8, 'multicast'],
];

interface Ipv6Rule {
  readonly parts: readonly number[];
  readonly bits: number;
  readonly kind: IpClassification;
}

const IPV6_RULES: readonly Ipv6Rule[] = IPV6_RANGES.map(([net, bits, kind]) => ({
  parts: ipaddr.IPv6.parse(net).parts,
  bits,
  kind,
}));

function matchesPrefix(parts: readonly number[], rule: Ipv6Rule): boolean {
  let remaining = rule.bits;
  for (let i = 0; remaining > 0; i++, remaining -= 16) {
    const shift = remaining >= 16 ? 0 : 16 - remaining;
    if ((parts[i] as number) >>> shift !== (rule.parts[i] as number) >>> shift) return false;
  }
  return true;
}

// First groups inside 2000::/3 that some rule above covers; the rest of 2000::/3 is public outright.
// Only sound while those rules are at least /16 long, which is checked here once.
const GLOBAL_UNICAST_WITH_RULES: ReadonlySet<number> = new Set(
  IPV6_RULES.filter((rule) => (rule.parts[0] as number) >>> 13 === 1).map((rule) => {
    if (rule.bits < 16)
      throw new Error(`IPv6 rule /${rule.bits} inside 2000::/3 is too wide for the fast path`);
    return rule.parts[0] as number;
  }),
);

export function classifyIpv6(parts: readonly number[]): IpClassification {
  const first = parts[0] as number;
  if (first >>> 13 === 1 && !GLOBAL_UNICAST_WITH_RULES.has(first)) return 'public';
  if (isIpv4Mapped(parts)) return classifyIpv4(((parts[6] as number) * 65536 + (parts[7] as number)) >>> 0);
  for (const rule of IPV6_RULES) {
    if (matchesPrefix(parts, rule)) return rule.kind;
  }
  // Outside 2000::/3 nothing is allocated as global unicast.
  return (parts[0] as number) >>> 13 === 1 ? 'public' : 'reserved';
}

export function classifyIp(parsed: ParsedIp): IpClassification {
  return parsed.version === 4 ? classifyIpv4(parsed.value) : classifyIpv6(parsed.parts);
}

/**
 * The /24 (IPv4) or /64 (IPv6) the address belongs to: the unit one subscriber or one machine
 * usually controls, so velocity counted per network survives address hopping inside it.
 */
export function networkKey(parsed: ParsedIp): string {
  if (parsed.version === 4) return cidrOf(parsed, 24);
  return cidrOf(parsed, 64);
}

// Reused by cidrOf, which runs synchronously, so one buffer serves every call.
const CIDR_SCRATCH = [0, 0, 0, 0, 0, 0, 0, 0];

/** The network of `prefixLength` bits that contains the address, as CIDR text. */
export function cidrOf(ip: ParsedIp, prefixLength: number): string {
  if (ip.version === 4) {
    const mask = prefixLength <= 0 ? 0 : (0xffffffff << (32 - Math.min(prefixLength, 32))) >>> 0;
    return ipv4ToString((ip.value & mask) >>> 0) + (SLASH_PREFIX[prefixLength] as string);
  }
  const masked = CIDR_SCRATCH;
  for (let i = 0; i < 8; i++) {
    const keep = Math.max(0, Math.min(16, prefixLength - i * 16));
    masked[i] = keep === 0 ? 0 : (ip.parts[i] as number) & ((0xffff << (16 - keep)) & 0xffff);
  }
  return formatIpv6(masked) + (SLASH_PREFIX[prefixLength] as string);
}
