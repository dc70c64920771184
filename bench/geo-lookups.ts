/**
 * How much GeoIpService.lookup (parse, classify, city, ASN, anonymity) costs on top of the bare
 * `maxmind` city reader it is built on, over the same random public addresses in one run. The ratio
 * is what matters: absolute rates depend on the machine. Target: the service at >= 0.8x the bare
 * reader. The issue names no address family, so both are held to it: IPv4 (random public addresses)
 * and IPv6 (addresses inside announced prefixes). The service parses each address once and walks the
 * trees with the parsed form (geo/mmdb-search.ts); the bare reader parses the text on every call.
 * Also reports how long the default files take to load.
 *
 * Run: `npm run build && node dist/bench/geo-lookups.js`, or through the bench runner.
 */
import { mulberry32 } from './bench-util';
import { readFile } from 'node:fs/promises';
import { open, type Response } from 'maxmind';
import { Ipv4AsnRanges, Ipv6AsnRanges } from '../geo/asn-ranges';
import { defaultGeoConfig } from '../geo/geo-config';
import { GeoIpService } from '../geo/geoip-service';
import { classifyIpv4, classifyIpv6, formatIpv6, ipv4ToString, parseHexIpv6 } from '../geo/ip-classify';

const ADDRESSES = 100_000;
const ROUNDS = 10;

function randomPublicIpv4(count: number, random: () => number): string[] {
  const out: string[] = [];
  while (out.length < count) {
    const value = random();
    if (classifyIpv4(value) === 'public') out.push(ipv4ToString(value));
  }
  return out;
}

/**
 * Random interface identifiers inside announced IPv6 prefixes (the starts of the ASN CSV ranges):
 * uniformly random IPv6 addresses would almost all fall in unrouted space and test nothing.
 */
function announcedIpv6(count: number, random: () => number, asnCsv: string): string[] {
  const prefixes = asnCsv
    .split('\n')
    .map((line) => parseHexIpv6(line.slice(0, line.indexOf(','))))
    .filter((parts): parts is number[] => parts !== null);
  const out: string[] = [];
  while (out.length < count) {
    const parts = [...(prefixes[random() % prefixes.length] as number[])];
    for (let i = 4; i < 8; i++) parts[i] = random() & 0xffff;
    if (classifyIpv6(parts) === 'public') out.push(formatIpv6(parts));
  }
  return out;
}

/**
 * Lookups per second for each contender, best of ROUNDS. Rounds alternate between the contenders so
 * a burst of load from elsewhere on the machine hits both alike; `sink` keeps the work from being
 * optimised away.
 */
function race(addresses: readonly string[], contenders: readonly ((ip: string) => unknown)[]): number[] {
  const best = contenders.map(() => 0);
  let sink = 0;
  for (let round = 0; round < ROUNDS; round++) {
    contenders.forEach((lookup, i) => {
      const start = process.hrtime.bigint();
      for (const ip of addresses) if (lookup(ip) !== null) sink++;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      best[i] = Math.max(best[i] as number, addresses.length / seconds);
    });
  }
  if (sink < 0) console.log(sink);
  return best;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await work();
  return [value, performance.now() - start];
}

export async function runGeoLookupBench(): Promise<void> {
  const base = defaultGeoConfig();
  const config = { ...base, watch: { ...base.watch, enabled: false } };
  const { location, asn } = config;
  if (location.schema !== 'ip-location-db' || location.ipv6Path === null) {
    throw new Error('the benchmark expects the default ip-location-db city files');
  }
  if (asn?.schema !== 'ip-location-db-csv' || asn.ipv6Path === null) {
    throw new Error('the benchmark expects the default ip-location-db ASN files');
  }
  const ipv6AsnPath = asn.ipv6Path;

  const [v4Ranges, v4Ms] = await timed(async () =>
    Ipv4AsnRanges.fromCsv(await readFile(asn.ipv4Path, 'utf8')),
  );
  const [[v6Ranges, ipv6Csv], v6Ms] = await timed(async () => {
    const text = await readFile(ipv6AsnPath, 'utf8');
    return [Ipv6AsnRanges.fromCsv(text), text] as const;
  });
  console.log(`ASN CSV load (read + parse + index):`);
  console.log(
    `  ipv4: ${v4Ms.toFixed(0)} ms, ${v4Ranges.size} ranges, ${v4Ranges.organisationCount} organisations`,
  );
  console.log(
    `  ipv6: ${v6Ms.toFixed(0)} ms, ${v6Ranges.size} ranges, ${v6Ranges.organisationCount} organisations`,
  );

  const [service, openMs] = await timed(() => GeoIpService.open(config));
  console.log(`GeoIpService.open (city v4 + v6 mmdb, ASN v4 + v6 csv): ${openMs.toFixed(0)} ms`);
  try {
    const cacheOptions = { cache: { max: config.recordCacheSize } };
    const bareV4 = await open<Response>(location.ipv4Path, cacheOptions);
    const bareV6 = await open<Response>(location.ipv6Path, cacheOptions);
    const random = mulberry32(0x9e0_1ab5);
    const v4 = randomPublicIpv4(ADDRESSES, random);
    const v6 = announcedIpv6(ADDRESSES, random, ipv6Csv);

    for (const [family, kind, addresses, bare] of [
      ['IPv4', 'random public addresses', v4, bareV4],
      ['IPv6', 'random addresses in announced prefixes', v6, bareV6],
    ] as const) {
      const contenders = [(ip: string) => bare.get(ip), (ip: string) => service.lookup(ip)];
      // Warm both paths (JIT and record caches) before measuring either.
      race(addresses, contenders);
      const [bareRate = 0, serviceRate = 0] = race(addresses, contenders);
      // bench/geo.ts reads "IPv4, ..." and "ratio: ...x (target >= 0.8x)" lines from this output.
      console.log(`${family}, ${addresses.length} ${kind}, best of ${ROUNDS} rounds:`);
      console.log(`  bare maxmind city Reader.get: ${Math.round(bareRate).toLocaleString('en')} lookups/s`);
      console.log(
        `  GeoIpService.lookup:          ${Math.round(serviceRate).toLocaleString('en')} lookups/s`,
      );
      console.log(`  ratio: ${(serviceRate / bareRate).toFixed(3)}x (target >= 0.8x)`);
    }
  } finally {
    service.close();
  }
}

if (require.main === module) {
  runGeoLookupBench().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
