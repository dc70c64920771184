/**
 * score-order: `scoreOrder` over HTTP with BENCH_ORDER_CLIENTS (50) concurrent clients, each request a
 * first order of a new customer from its own public IP address (GeoIP, VAT determination, velocity and
 * identity-reuse counts, the order and its audit events in one transaction), versus the trivial `ping`
 * mutation on the same server in the same run. Targets: >= 0.5x ping's requests per second, p99 latency
 * < 25 ms, resident memory < 400 MB.
 */
import { startHttpServer } from '../src/server/http-server';
import { createBenchPlatform } from './bench-database';
import { envInt, latencySummary, ms, num, ratio, withCpuProfile, type BenchReport } from './bench-util';
import { runLoad, type LoadSpec } from './http-load-worker';

const SCORE_ORDER = `mutation ScoreOrder($input: ScoreOrderInput!) {
  scoreOrder(input: $input) { decision riskScore reasons { code weight } vat { country conflict } order { id } }
}`;
const PING = 'mutation Ping { ping }';

export async function runScoreOrder(): Promise<BenchReport> {
  const seconds = envInt('BENCH_SECONDS', 10);
  const clients = envInt('BENCH_ORDER_CLIENTS', 50);
  const sizes = { BENCH_SECONDS: seconds, BENCH_ORDER_CLIENTS: clients };
  const bench = await createBenchPlatform('score-order');
  const { platform } = bench;
  platform.services.audit.sealer.start();
  await platform.services.geo();
  const server = await startHttpServer(platform, { port: 0, host: '127.0.0.1' });
  try {
    const { token } = await platform.services.actors.create(platform.db.orm.em.fork(), {
      kind: 'service',
      role: 'order_system',
      name: 'bench order system',
    });
    const address = { street: 'Prinsengracht 263', postalCode: '1016 GV', city: 'Amsterdam', country: 'NL' };
    const order = {
      idempotencyKey: 'bench-__N__',
      customer: { name: 'Bench Klant', email: 'klant-__N__@example.nl', address },
      ipAddress: '__IP__',
      billingAddress: address,
      email: 'klant-__N__@example.nl',
      phone: '+31 20 555 0101',
      iban: 'NL91ABNA0417164300',
      items: [{ product: 'hosting', amountCents: 995 }],
      currency: 'EUR',
    };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const spec = (body: string, s: number): LoadSpec => ({
      url: server.url,
      headers,
      body,
      concurrency: clients,
      seconds: s,
    });
    const scoreBody = JSON.stringify({ query: SCORE_ORDER, variables: { input: order } });
    const pingBody = JSON.stringify({ query: PING });

    // Warm-up (JIT, pools, the city index), then the measured runs, ping first and last.
    await runLoad(spec(scoreBody, 1));
    await runLoad(spec(pingBody, 1));
    const pingA = await runLoad(spec(pingBody, seconds / 2));
    const score = await withCpuProfile('score-order', () => runLoad(spec(scoreBody, seconds)));
    const pingB = await runLoad(spec(pingBody, seconds / 2));
    const rss = process.memoryUsage().rss / 2 ** 20;
    if (score.errors > 0)
      console.log(`  scoreOrder errors: ${score.errors}, first: ${score.firstError ?? ''}`);

    const pingRate = (pingA.count + pingB.count) / (pingA.seconds + pingB.seconds);
    const scoreRate = score.count / score.seconds;
    const latency = latencySummary(score.latencies);
    const r = ratio(scoreRate, pingRate);
    console.log(`ping (trivial mutation), ${clients} clients: ${num(pingRate)} req/s`);
    console.log(
      `scoreOrder, ${clients} clients: ${num(scoreRate)} req/s (${score.count} orders, ${score.errors} errors), ` +
        `p50 ${ms(latency.p50)}, p99 ${ms(latency.p99)}; ratio ${r.toFixed(2)}x; resident memory ${num(rss)} MB`,
    );
    return {
      sizes,
      rows: [
        {
          benchmark: 'score-order',
          figure: `scoreOrder req/s over HTTP (${clients} clients)`,
          value: scoreRate,
          unit: 'req/s',
          target: '>= 0.5x the trivial mutation',
          met: r >= 0.5,
          baseline: {
            what: 'trivial type-graphql mutation (ping)',
            value: pingRate,
            unit: 'req/s',
            ratio: r,
          },
        },
        {
          benchmark: 'score-order',
          figure: 'scoreOrder p99 latency',
          value: latency.p99,
          unit: 'ms',
          target: '< 25 ms',
          met: latency.p99 < 25,
        },
        {
          benchmark: 'score-order',
          figure: 'resident memory of the process (server and load worker)',
          value: rss,
          unit: 'MB',
          target: '< 400 MB',
          met: rss < 400,
        },
      ],
    };
  } finally {
    await server.stop();
    await bench.close();
  }
}
