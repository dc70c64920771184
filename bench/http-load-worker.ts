/**
 * The HTTP load generator of the benchmarks, run in a worker thread so that the clients' CPU work does
 * not share the server's event loop: `concurrency` loops each POST one GraphQL request with fetch
 * (keep-alive) until the time is up, and report how many succeeded, how many failed, and latencies.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  /**
   * The JSON body. `__N__` is replaced by a number unique to each request and `__IP__` by a public IPv4
   * address derived from it, so that requests that must differ (idempotency keys) can.
   */
  body: string;
  concurrency: number;
  seconds: number;
}

export interface LoadResult {
  /** Requests answered with HTTP 200 and no GraphQL errors. */
  count: number;
  errors: number;
  firstError: string | null;
  seconds: number;
  /** Milliseconds per successful request. */
  latencies: number[];
}

interface WorkerInput {
  kind: 'http-load';
  spec: LoadSpec;
}

async function generateLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const start = performance.now();
  const deadline = start + spec.seconds * 1000;
  const templated = spec.body.includes('__N__') || spec.body.includes('__IP__');
  let counter = 0;
  const bodyFor = () => {
    if (!templated) return spec.body;
    const n = counter++;
    const ip = `77.${160 + ((n >> 16) & 15)}.${(n >> 8) & 255}.${n & 255}`;
    return spec.body.replaceAll('__N__', `${process.pid}-${n}`).replaceAll('__IP__', ip);
  };
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          const response = await fetch(spec.url, { method: 'POST', headers: spec.headers, body: bodyFor() });
          const text = await response.text();
          if (response.status !== 200 || text.includes('"errors"')) {
            errors++;
            firstError ??= `HTTP ${response.status}: ${text.slice(0, 300)}`;
            continue;
          }
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= String(error);
        }
      }
    }),
  );
  return {
    count: latencies.length,
    errors,
    firstError,
    seconds: (performance.now() - start) / 1000,
    latencies,
  };
}

/** Runs the load in a worker thread and resolves with its result. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: { kind: 'http-load', spec } satisfies WorkerInput });
    let done = false;
    worker.once('message', (message: LoadResult) => {
      done = true;
      resolve(message);
      // Its keep-alive connections would hold the thread open; it has nothing left to do.
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`the load worker exited with code ${code} without a result`));
    });
  });
}

if (!isMainThread && (workerData as WorkerInput | null)?.kind === 'http-load') {
  void generateLoad((workerData as WorkerInput).spec).then((result) => parentPort?.postMessage(result));
}
