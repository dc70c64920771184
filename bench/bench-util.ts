/**
 * What every benchmark shares: sizes read from BENCH_* environment variables, concurrent timed loops,
 * percentiles, number formatting, and the rows of the summary table that main.ts prints and saves.
 */

/** One line of the summary: a figure, its target and whether it was met (null: no target). */
export interface SummaryRow {
  benchmark: string;
  figure: string;
  value: number | null;
  unit: string;
  target: string;
  met: boolean | null;
  /** The baseline measured in the same run, and figure / baseline. */
  baseline?: { what: string; value: number; unit: string; ratio: number };
  note?: string;
}

/** A benchmark's report: the summary rows and the sizes it ran at. */
export interface BenchReport {
  sizes: Record<string, number | string>;
  rows: SummaryRow[];
}

/** A positive integer from the environment; accepts 10_000_000 and 10,000,000 as well as 10000000. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive whole number, got ${JSON.stringify(raw)}`);
  }
  return value;
}

export function envFlag(name: string): boolean {
  return ['1', 'true', 'yes'].includes((process.env[name] ?? '').trim().toLowerCase());
}

/** The p-th percentile (0..100) of ascending values, nearest-rank. NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

export function sortedCopy(values: Iterable<number>): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Median, p95, p99 and max of latencies in milliseconds. */
export function latencySummary(values: Iterable<number>): {
  p50: number;
  p95: number;
  p99: number;
  max: number;
} {
  const sorted = sortedCopy(values);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** 12345.6 -> "12,346". */
export function num(value: number, digits = 0): string {
  return value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

export function ratio(value: number, baseline: number): number {
  return baseline === 0 ? Number.NaN : value / baseline;
}

export function heading(text: string): void {
  console.log(`\n=== ${text} ${'='.repeat(Math.max(0, 100 - text.length))}`);
}

export function now(): number {
  return performance.now();
}

export interface TimedLoops {
  /** Operations completed inside the window. */
  count: number;
  seconds: number;
}

/**
 * Runs `workers` loops of `step` until `seconds` have passed; each step returns how many operations it
 * completed. A step that starts before the deadline is allowed to finish and counted, and the elapsed
 * time is measured until the last one finishes, so the rate is exact for what was done.
 */
export async function timedLoops(
  workers: number,
  seconds: number,
  step: (worker: number) => Promise<number>,
): Promise<TimedLoops> {
  const start = now();
  const deadline = start + seconds * 1000;
  let count = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (now() < deadline) {
        // Not `count += await step()`: that reads count before the await and loses other workers' adds.
        const done = await step(worker);
        count += done;
      }
    }),
  );
  return { count, seconds: (now() - start) / 1000 };
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Deterministic 32-bit generator, so two runs pick the same "random" subjects. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/**
 * Runs `work`, and when BENCH_PROFILE is 1 or names `label` (comma-separated), records a CPU profile of
 * this process meanwhile: saved to .data/bench-profiles/<label>.cpuprofile (open it in Chrome DevTools)
 * and summarised as the functions with the most self time.
 */
export async function withCpuProfile<T>(label: string, work: () => Promise<T>): Promise<T> {
  const wanted = (process.env.BENCH_PROFILE ?? '').split(',').map((s) => s.trim());
  if (!wanted.includes('1') && !wanted.includes(label)) return work();
  const inspector = await import('node:inspector');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error === null ? resolve(result) : reject(error))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = (await post('Profiler.stop')) as {
      profile: { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
    };
    session.disconnect();
    mkdirSync('.data/bench-profiles', { recursive: true });
    const file = `.data/bench-profiles/${label}.cpuprofile`;
    writeFileSync(file, JSON.stringify(profile));
    const total = profile.samples.length;
    const byFrame = new Map<string, number>();
    for (const node of profile.nodes) {
      const f = node.callFrame;
      const where =
        f.url === '' ? '' : ` ${f.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${f.lineNumber + 1}`;
      const key = `${f.functionName === '' ? '(anonymous)' : f.functionName}${where}`;
      byFrame.set(key, (byFrame.get(key) ?? 0) + (node.hitCount ?? 0));
    }
    const top = [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, 15);
    console.log(`  CPU profile of ${label} (this process, self time, ${total} samples) -> ${file}`);
    for (const [key, hits] of top)
      console.log(`    ${((100 * hits) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
}
