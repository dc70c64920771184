/**
 * The HTTP load generator of the benchmarks, run in a child process (this file, forked) so that the
 * clients' CPU work does not share the server's event loop and their memory is not counted in the
 * server's resident set. Two ways to load:
 *
 * - closed loop (default): `concurrency` clients each POST one GraphQL request with fetch (keep-alive),
 *   wait for the answer and send the next, until the time is up. Measures the most the server does.
 * - open loop (`ratePerSecond`): requests are due at a fixed total rate whatever the server does, sent
 *   over at most `concurrency` connections at a time. Each latency is measured from when its request was
 *   due, so waiting for a free connection counts (no coordinated omission). Measures the latency clients
 *   see at that rate.
 *
 * It reports how many succeeded, how many failed, the latencies, and its own CPU time and memory.
 */
import { fork } from 'node:child_process';

export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  /**
   * The JSON body. `__N__` is replaced by a number unique to each request, `__IP__` by a public IPv4
   * address derived from it and `__IBAN__` by one of `ibans` chosen by it, so that requests that must
   * differ (idempotency keys) can.
   */
  body: string;
  /** Closed loop: the clients. Open loop: the most requests in flight at once. */
  concurrency: number;
  seconds: number;
  /** Open loop at this many requests per second in total; omitted for a closed loop. */
  ratePerSecond?: number;
  /**
   * Substituted for `__IBAN__`: request n pays with ibans[floor(n / requestsPerIban) % ibans.length],
   * so runs of `requestsPerIban` consecutive requests share an IBAN (1 when omitted).
   */
  ibans?: readonly string[];
  requestsPerIban?: number;
}

export interface LoadResult {
  /** Requests answered with HTTP 200 and no GraphQL errors. */
  count: number;
  errors: number;
  firstError: string | null;
  seconds: number;
  /** Milliseconds per successful request. */
  latencies: number[];
  /** Open loop: requests that were due but not yet sent when the time was up (the server fell behind). */
  unsent: number;
  /** The load process's own CPU time (user + system) and peak resident memory. */
  cpuMs: number;
  maxRssMb: number;
}

interface ForkMessage {
  kind: 'http-load';
  spec: LoadSpec;
}

const LOAD_PROCESS_FLAG = 'PFP_BENCH_HTTP_LOAD_PROCESS';

async function generateLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const deadline = start + spec.seconds * 1000;
  const templated = ['__N__', '__IP__', '__IBAN__'].some((t) => spec.body.includes(t));
  let counter = 0;
  const bodyFor = () => {
    if (!templated) return spec.body;
    const n = counter++;
    const ip = `77.${160 + ((n >> 16) & 15)}.${(n >> 8) & 255}.${n & 255}`;
    let body = spec.body.replaceAll('__N__', `${process.pid}-${n}`).replaceAll('__IP__', ip);
    if (spec.ibans !== undefined && spec.ibans.length > 0) {
      const iban = spec.ibans[Math.floor(n / (spec.requestsPerIban ?? 1)) % spec.ibans.length]!;
      body = body.replaceAll('__IBAN__', iban);
    }
    return body;
  };
  const send = async (dueAt: number): Promise<void> => {
    try {
      const response = await fetch(spec.url, { method: 'POST', headers: spec.headers, body: bodyFor() });
      const text = await response.text();
      if (response.status !== 200 || text.includes('"errors"')) {
        errors++;
        firstError ??= `HTTP ${response.status}: ${text.slice(0, 300)}`;
        return;
      }
      latencies.push(performance.now() - dueAt);
    } catch (error) {
      errors++;
      firstError ??= String(error);
    }
  };

  let unsent = 0;
  if (spec.ratePerSecond === undefined) {
    await Promise.all(
      Array.from({ length: spec.concurrency }, async () => {
        while (performance.now() < deadline) await send(performance.now());
      }),
    );
  } else {
    // Request i is due at start + i / rate; it goes out on a free connection, or waits in `queued`
    // (its latency running) until one is free.
    const interval = 1000 / spec.ratePerSecond;
    const total = Math.floor(spec.seconds * spec.ratePerSecond);
    const queued: number[] = [];
    let inFlight = 0;
    let allDone: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (allDone = resolve));
    let scheduling = true;
    const launch = (due: number): void => {
      inFlight++;
      void send(due).finally(() => {
        inFlight--;
        // Past the grace time the rest stays queued and is reported as unsent.
        const waiting = performance.now() < deadline + 5000 ? queued.shift() : undefined;
        if (waiting !== undefined) launch(waiting);
        else if (!scheduling && inFlight === 0) allDone();
      });
    };
    let next = 0;
    while (next < total) {
      const wait = start + next * interval - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      // Everything due by now (a timer may have woken late).
      for (const now = performance.now(); next < total && start + next * interval <= now; next++) {
        const due = start + next * interval;
        if (inFlight < spec.concurrency) launch(due);
        else queued.push(due);
      }
    }
    scheduling = false;
    if (inFlight > 0) await finished;
    // Left waiting when the server was so far behind that the grace time ran out.
    unsent = queued.length;
  }
  const cpu = process.cpuUsage(cpuBefore);
  return {
    count: latencies.length,
    errors,
    firstError,
    seconds: (performance.now() - start) / 1000,
    latencies,
    unsent,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** Runs the load in a child process (this file, compiled) and resolves with its result. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [], {
      env: { ...process.env, [LOAD_PROCESS_FLAG]: '1' },
      // The source maps of the benchmarks are not needed by the load; keep the child lean.
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let done = false;
    child.once('message', (message: LoadResult) => {
      done = true;
      resolve(message);
      // Its keep-alive connections would hold the process open; it has nothing left to do.
      child.kill();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!done) reject(new Error(`the load process exited with code ${code} without a result`));
    });
    child.send({ kind: 'http-load', spec } satisfies ForkMessage);
  });
}

if (process.env[LOAD_PROCESS_FLAG] === '1' && process.send !== undefined) {
  process.once('message', (message: ForkMessage) => {
    if (message.kind !== 'http-load') return;
    void generateLoad(message.spec).then((result) => process.send!(result));
  });
}
