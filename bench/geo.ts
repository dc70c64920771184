/**
 * geo: runs `runGeoLookupBench()` from bench/geo-lookups.ts (someone else's benchmark) when that file
 * exists, and lifts its "ratio: 0.91x (target >= 0.8x)" lines (and target-less ones) into the summary. It is loaded at run
 * time, so the runner builds and runs whether or not the file is there.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchReport, SummaryRow } from './bench-util';

export function geoBenchFile(): string {
  return path.join(__dirname, 'geo-lookups.js');
}

export async function runGeo(): Promise<BenchReport> {
  const file = geoBenchFile();
  if (!existsSync(file)) {
    console.log('bench/geo-lookups.ts is not there (or not built): skipped');
    return { sizes: {}, rows: [skipped('bench/geo-lookups.ts not present')] };
  }
  const loaded = (await import(pathToFileURL(file).href)) as {
    runGeoLookupBench?: unknown;
    default?: { runGeoLookupBench?: unknown };
  };
  const run = loaded.runGeoLookupBench ?? loaded.default?.runGeoLookupBench;
  if (typeof run !== 'function') {
    console.log('bench/geo-lookups.ts exports no runGeoLookupBench: skipped');
    return { sizes: {}, rows: [skipped('no runGeoLookupBench export')] };
  }

  // Let its output through unchanged, and keep the lines to read its figures from.
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
    original(...args);
  };
  try {
    await (run as () => Promise<void>)();
  } finally {
    console.log = original;
  }

  const rows: SummaryRow[] = [];
  let family = '';
  for (const line of lines) {
    const heading = /^(IPv4|IPv6),/.exec(line);
    if (heading !== null) family = heading[1] ?? '';
    const found = /ratio: ([\d.]+)x(?: \(target >= ([\d.]+)x\))?/.exec(line);
    if (found !== null) {
      const value = Number(found[1]);
      const target = found[2] === undefined ? null : Number(found[2]);
      rows.push({
        benchmark: 'geo',
        figure: `GeoIpService.lookup / bare maxmind reader${family === '' ? '' : `, ${family}`}`,
        value,
        unit: 'x',
        target: target === null ? '- (information)' : `>= ${target}x`,
        met: target === null ? null : value >= target,
      });
    }
  }
  if (rows.length === 0) rows.push({ ...skipped('ran; no ratio line found in its output'), met: null });
  return { sizes: {}, rows };
}

function skipped(note: string): SummaryRow {
  return { benchmark: 'geo', figure: 'skipped', value: null, unit: '', target: '-', met: null, note };
}
