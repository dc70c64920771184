/**
 * The benchmark runner (`npm run bench`, or `npm run bench -- audit-append verify` for some of them).
 * Prints the machine, runs each benchmark on a fresh database, prints a summary table (figure, target,
 * met) and merges the summary into .data/bench-results.json. With more than one benchmark selected,
 * each runs in a process of its own, as a server would: in one process a benchmark's heap carried what
 * the earlier ones left (geo's ratio fell from 0.80x-0.90x to 0.71x-0.78x after score-order, and
 * score-order's resident memory was 403 MB after verify's million events against 298 MB alone).
 * Benchmarks report figures and ratios to a baseline measured in the same run; nothing here asserts. Sizes come from BENCH_* variables (see each
 * benchmark's header and `npm run bench -- --help`).
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAuditAppend } from './audit-append';
import { runAuditQuery } from './audit-query';
import { benchServer, stopBenchServer } from './bench-database';
import { heading, num, sleep, type BenchReport, type SummaryRow } from './bench-util';
import { measuringCpu } from './cpu-usage';
import { runGeo } from './geo';
import { runPersonalRead } from './personal-read';
import { runScoreOrder } from './score-order';
import { runVerify } from './verify';
import { errorMessage } from '../src/errors/errors';

interface Benchmark {
  name: string;
  about: string;
  usesDatabase: boolean;
  run(): Promise<BenchReport>;
}

const BENCHMARKS: readonly Benchmark[] = [
  {
    name: 'geo',
    about: 'bench/geo-lookups.ts runGeoLookupBench(), if present',
    usesDatabase: false,
    run: runGeo,
  },
  {
    name: 'audit-append',
    about: 'events/s through audit.record with 8 writers and the sealer running; sealing lag',
    usesDatabase: true,
    run: runAuditAppend,
  },
  {
    name: 'personal-read',
    about: 'audited personal-field reads over HTTP vs non-personal reads (req/s ratio)',
    usesDatabase: true,
    run: runPersonalRead,
  },
  {
    name: 'verify',
    about: 'audit.verify() events/s over real sealed events; sealing throughput',
    usesDatabase: true,
    run: runVerify,
  },
  {
    name: 'score-order',
    about: 'scoreOrder over HTTP with 50 clients vs a trivial mutation; p99 latency; resident memory',
    usesDatabase: true,
    run: runScoreOrder,
  },
  // Last: it fills and then drops a database of ten million events, and the disk's work after that
  // slowed what ran next (in one full run verify fell to 0.91x of its own scan, and scoreOrder's p99 at
  // half its maximum to 371 ms).
  {
    name: 'audit-query',
    about: 'auditEvents(subjectId) latency over HTTP on a large audit_event table',
    usesDatabase: true,
    run: runAuditQuery,
  },
];

const ENVIRONMENT = `Environment (defaults in brackets):
  BENCH_SECONDS [10]              duration per contender (audit-append, personal-read)
  BENCH_WRITERS [8]               concurrent writers (audit-append)
  BENCH_IN_FLIGHT [4]             events each writer keeps waiting at once, diagnostic (audit-append)
  BENCH_CLIENTS [16,32]           concurrent HTTP clients, one count or several (personal-read: best rate of each)
  BENCH_ORDER_CLIENTS [50]        concurrent HTTP clients (score-order)
  BENCH_ORDER_IBANS [5000]        different IBANs the orders pay with (score-order)
  BENCH_ORDER_REQUESTS_PER_IBAN [2]  orders paid with each of them (score-order)
  BENCH_ORDER_RATE                fixed rate (req/s) of the open-loop latency run (score-order)
  BENCH_AUDIT_EVENTS [10000000]   events in audit_event (audit-query; filling 10M takes a few minutes)
  BENCH_AUDIT_SUBJECTS [50000]    subjects they are spread over (audit-query)
  BENCH_QUERY_REQUESTS [200]      sequential requests per path (audit-query)
  BENCH_VERIFY_EVENTS [1000000]   events sealed then verified (verify)
  BENCH_DATABASE_URL              admin URL of a PostgreSQL that may CREATE DATABASE; else embedded
  BENCH_EMBEDDED_POSTGRES_PORT [54349]
  BENCH_KEEP_DATABASES=1          keep the bench_* databases afterwards
  BENCH_PROFILE=1|seal,verify     CPU profile of the labelled phases (.data/bench-profiles/):
                                  append, plain-read, personal-read, seal, verify, score-order`;

const RESULTS_FILE = path.resolve('.data', 'bench-results.json');
/** Set by the runner for the process it starts per benchmark: where that process writes its report. */
const REPORT_FILE_VARIABLE = 'BENCH_REPORT_FILE';

interface ResultsFile {
  updatedAt: string;
  /** Per benchmark, its latest run. */
  benchmarks: Record<
    string,
    { ranAt: string; machine: Machine; sizes: BenchReport['sizes']; rows: SummaryRow[] }
  >;
}

interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  platform: string;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h') || args.includes('--list')) {
    console.log('Usage: npm run bench [-- <benchmark> ...]\n\nBenchmarks:');
    for (const b of BENCHMARKS) console.log(`  ${b.name.padEnd(14)} ${b.about}`);
    console.log(`\n${ENVIRONMENT}`);
    return;
  }
  const unknown = args.filter((a) => !BENCHMARKS.some((b) => b.name === a));
  if (unknown.length > 0) {
    console.error(
      `Unknown benchmark(s): ${unknown.join(', ')}. Known: ${BENCHMARKS.map((b) => b.name).join(', ')}`,
    );
    process.exitCode = 2;
    return;
  }
  const selected = args.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => args.includes(b.name));
  const reportFile = process.env[REPORT_FILE_VARIABLE];
  if (reportFile !== undefined && selected.length === 1) {
    // A benchmark's own process (see runInOwnProcess): the runner that started it prints and saves.
    try {
      writeFileSync(reportFile, JSON.stringify(await selected[0]!.run()));
    } finally {
      await stopBenchServer();
    }
    return;
  }

  const cpus = os.cpus();
  const machine: Machine = {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: 'not used',
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
  try {
    if (selected.some((b) => b.usesDatabase)) {
      const server = await benchServer();
      machine.postgres = `${server.version} (${server.description})`;
    }
    console.log(
      `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
        `${machine.platform}\nPostgreSQL: ${machine.postgres}`,
    );

    const [, idle] = await measuringCpu(() => sleep(1000));
    if (idle !== null) {
      const busy = idle.machineBusyMs / idle.wallMs;
      console.log(
        `Load before the run: ${busy.toFixed(2)} of ${machine.cores} cores busy` +
          (busy > 0.25 ? ' - other processes are using this machine; the figures will be low and noisy' : ''),
      );
    }

    const reports: { benchmark: Benchmark; report: BenchReport; ranAt: string }[] = [];
    for (const benchmark of selected) {
      heading(`${benchmark.name}: ${benchmark.about}`);
      const ranAt = new Date().toISOString();
      const started = performance.now();
      try {
        const report = selected.length > 1 ? await runInOwnProcess(benchmark) : await benchmark.run();
        reports.push({ benchmark, report, ranAt });
      } catch (error) {
        process.exitCode = 1;
        console.error(`${benchmark.name} failed:`, error);
        reports.push({
          benchmark,
          ranAt,
          report: {
            sizes: {},
            rows: [
              {
                benchmark: benchmark.name,
                figure: 'failed',
                value: null,
                unit: '',
                target: '-',
                met: false,
                note: errorMessage(error),
              },
            ],
          },
        });
      }
      console.log(`(${benchmark.name} took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }

    const rows = reports.flatMap((r) => r.report.rows);
    printSummary(rows);
    saveResults(machine, reports);
  } finally {
    await stopBenchServer();
  }
}

/**
 * Runs one benchmark in a new Node process with this one's flags (the heap limit included), its
 * output passed through, and returns its report. The database server started here is reused.
 */
async function runInOwnProcess(benchmark: Benchmark): Promise<BenchReport> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const file = path.join(dir, 'report.json');
  try {
    const child = spawn(process.execPath, [...process.execArgv, __filename, benchmark.name], {
      stdio: 'inherit',
      env: { ...process.env, [REPORT_FILE_VARIABLE]: file },
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (exitCode, signal) => resolve(signal === null ? exitCode : null));
    });
    if (code !== 0 || !existsSync(file)) {
      throw new Error(`its process ended with ${code === null ? 'a signal' : `exit code ${code}`}`);
    }
    return JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function formatValue(row: SummaryRow): string {
  if (row.value === null) return '-';
  const digits = row.unit === 'x' || row.unit === 'ms' ? 2 : 0;
  return `${num(row.value, digits)} ${row.unit}`.trim();
}

function printSummary(rows: readonly SummaryRow[]): void {
  heading('Summary');
  const table = rows.map((r) => [
    r.benchmark,
    r.figure,
    formatValue(r),
    r.target,
    r.met === null ? 'n/a' : r.met ? 'yes' : 'NO',
    r.baseline === undefined
      ? ''
      : `${r.baseline.ratio.toFixed(2)}x of ${r.baseline.what} (${num(r.baseline.value, r.baseline.unit === 'ms' ? 2 : 0)} ${r.baseline.unit})`,
  ]);
  const header = ['benchmark', 'figure', 'value', 'target', 'met', 'vs baseline (same run)'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of table) console.log(line(row));
  for (const r of rows) if (r.note !== undefined) console.log(`  ${r.benchmark}, ${r.figure}: ${r.note}`);
}

function saveResults(
  machine: Machine,
  reports: readonly { benchmark: Benchmark; report: BenchReport; ranAt: string }[],
) {
  let file: ResultsFile = { updatedAt: '', benchmarks: {} };
  if (existsSync(RESULTS_FILE)) {
    try {
      file = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as ResultsFile;
      file.benchmarks ??= {};
    } catch {
      // A damaged file is replaced.
    }
  }
  for (const { benchmark, report, ranAt } of reports) {
    file.benchmarks[benchmark.name] = { ranAt, machine, sizes: report.sizes, rows: report.rows };
  }
  file.updatedAt = new Date().toISOString();
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(file, null, 2)}\n`);
  console.log(
    `\nSummary merged into ${path.relative(process.cwd(), RESULTS_FILE)} (latest run of each benchmark).`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
