/**
 * personal-read: the cost of auditing personal-data reads over HTTP. Concurrent clients (in a worker
 * thread, fetch with keep-alive) ask for one customer's 10 personal fields as an admin, each request
 * recording its read event (committed before the response leaves), versus the same query on the
 * customer's non-personal fields, all eight of them (NON_PERSONAL_FIELDS), which records nothing.
 * Same concurrency and duration (BENCH_SECONDS each, in slices run as baseline, personal, personal,
 * baseline, repeated every ~5 s, so drift in the machine's speed hits both alike). Target: personal / non-personal
 * requests per second >= 0.85.
 *
 * Throughput is taken as capacity: each query's best rate over the client counts in BENCH_CLIENTS
 * (16,32). A personal request waits for its group commit, so at a concurrency that just saturates the
 * plain query the personal one is still bound by that wait (its clients idle) rather than by what the
 * server can do; every level's own ratio is printed too.
 *
 * Each read event is sealed by the group commit that stores it (audit-appender.ts), so the figure
 * includes sealing. CPU per request (Node main thread, other threads, PostgreSQL) is printed for each
 * query.
 *
 * Purpose: the brief said `administrative-obligation`, but the access policy binds the login category
 * (username) to support-ticket, account-management, privacy-request and inspection, so that purpose is
 * refused for these 10 fields. `privacy-request:BENCH-1` is allowed for all of them; the purpose does
 * not change the work an audited read does.
 */
import type { Pool } from 'pg';
import { offlineContext } from '../audit/audit-context';
import { startHttpServer } from '../src/server/http-server';
import { createBenchPlatform } from './bench-database';
import { addCpu, describeCpu, measuringCpu, type CpuDelta } from './cpu-usage';
import { envInt, latencySummary, ms, num, ratio, withCpuProfile, type BenchReport } from './bench-util';
import { runLoad, type LoadResult, type LoadSpec } from './http-load-worker';

export const PERSONAL_READ_PURPOSE = 'privacy-request:BENCH-1';

const PERSONAL_QUERY = `query PersonalRead($id: ID!) {
  customer(id: $id) { name email phone companyName vatNumber kvkNumber iban bankName licencePlate username }
}`;
/** Every non-personal field of Customer: "the same query" as the personal one, as near as the type allows. */
const NON_PERSONAL_FIELDS =
  'id status customerType country createdAt mailingOptOut subscriptionStart subscriptionEnd';
const PLAIN_QUERY = `query PlainRead($id: ID!) {
  customer(id: $id) { ${NON_PERSONAL_FIELDS} }
}`;

interface Totals {
  count: number;
  errors: number;
  seconds: number;
  latencies: number[];
  firstError: string | null;
  cpu: CpuDelta | null;
}

const emptyTotals = (): Totals => ({
  count: 0,
  errors: 0,
  seconds: 0,
  latencies: [],
  firstError: null,
  cpu: null,
});

const rate = (t: Totals): number => t.count / t.seconds;

function add(totals: Totals, result: LoadResult): void {
  totals.count += result.count;
  totals.errors += result.errors;
  totals.seconds += result.seconds;
  totals.latencies.push(...result.latencies);
  totals.firstError ??= result.firstError;
}

export async function runPersonalRead(): Promise<BenchReport> {
  const seconds = envInt('BENCH_SECONDS', 10);
  const levels = clientLevels(process.env.BENCH_CLIENTS ?? '16,32');
  const sizes = { BENCH_SECONDS: seconds, BENCH_CLIENTS: levels.join(',') };
  console.log(
    `${levels.join(' and ')} concurrent HTTP clients, ${seconds} s per query at each (in slices ordered plain, ` +
      `personal, personal, plain); sealer running`,
  );

  const bench = await createBenchPlatform('personal-read');
  const { platform } = bench;
  console.log(
    `platform database pool: ${platform.config.database.poolMax} connections (DATABASE_POOL_MAX default)`,
  );
  platform.services.audit.sealer.start();
  const server = await startHttpServer(platform, { port: 0, host: '127.0.0.1' });
  try {
    const em = platform.db.orm.em.fork();
    const admin = await platform.services.actors.create(em, {
      kind: 'employee',
      role: 'admin',
      name: 'Bench Admin',
    });
    const customer = await platform.services.customers.create(
      platform.db.orm.em.fork(),
      {
        name: 'Lotte Mulder',
        email: 'lotte.mulder@example.nl',
        phone: '+31 6 22222222',
        companyName: 'Mulder Hosting B.V.',
        vatNumber: 'NL004495445B01',
        kvkNumber: '12345678',
        iban: 'NL91 ABNA 0417 1643 00',
        bankName: 'ABN AMRO',
        licencePlate: 'AB-123-C',
        username: 'lottemulder',
        address: { street: 'Oudegracht 10', postalCode: '3511 AR', city: 'Utrecht', country: 'NL' },
      },
      offlineContext(admin.actor, 'account-management'),
    );
    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${admin.token}`,
      'x-purpose': PERSONAL_READ_PURPOSE,
    };
    const spec = (query: string, s: number, clients = levels[0]!): LoadSpec => ({
      url: server.url,
      headers,
      body: JSON.stringify({ query, variables: { id: customer.id } }),
      concurrency: clients,
      seconds: s,
    });

    // One request of each, checked, before any load.
    for (const query of [PERSONAL_QUERY, PLAIN_QUERY]) {
      const check = spec(query, 0);
      const response = await fetch(check.url, { method: 'POST', headers: check.headers, body: check.body });
      const body = (await response.json()) as {
        data?: { customer?: Record<string, unknown> };
        errors?: unknown;
      };
      if (response.status !== 200 || body.errors !== undefined || body.data?.customer === undefined) {
        throw new Error(
          `the check request failed: HTTP ${response.status} ${JSON.stringify(body).slice(0, 500)}`,
        );
      }
      // Every personal field must hold a value, or its decryption would not be measured.
      const fields = query === PERSONAL_QUERY ? Object.keys(body.data.customer) : [];
      const empty = fields.filter((f) => body.data?.customer?.[f] == null);
      if (empty.length > 0) throw new Error(`the customer has no value for ${empty.join(', ')}`);
    }

    await runLoad(spec(PLAIN_QUERY, 1));
    await runLoad(spec(PERSONAL_QUERY, 1));

    const sql = bench.database.pool(1);
    const countBefore = await readEventsOf(sql, customer.id);
    const measureStart = new Date();
    let personalCount = 0;
    const measured: { clients: number; plain: Totals; personal: Totals }[] = [];
    for (const clients of levels) {
      const plain = emptyTotals();
      const personal = emptyTotals();
      // ABBA groups of slices, so that drift in the machine's speed hits both queries alike.
      const groups = Math.max(1, Math.round(seconds / 5));
      const slice = seconds / (2 * groups);
      for (let g = 0; g < groups; g++) {
        for (const [which, totals, query] of [
          ['plain', plain, PLAIN_QUERY],
          ['personal', personal, PERSONAL_QUERY],
          ['personal', personal, PERSONAL_QUERY],
          ['plain', plain, PLAIN_QUERY],
        ] as const) {
          // Profiled (BENCH_PROFILE) under the documented label: the first slice at the first level.
          const first = g === 0 && totals.count === 0 && clients === levels[0];
          const label = first ? `${which}-read` : `${which}-read-later`;
          const [result, cpu] = await measuringCpu(() =>
            withCpuProfile(label, () => runLoad(spec(query, slice, clients))),
          );
          add(totals, result);
          totals.cpu = addCpu(totals.cpu, cpu);
        }
      }
      for (const [name, t] of [
        ['plain', plain],
        ['personal', personal],
      ] as const) {
        if (t.errors > 0) throw new Error(`${t.errors} ${name} requests failed; first: ${t.firstError}`);
      }
      personalCount += personal.count;
      measured.push({ clients, plain, personal });
      const pl = latencySummary(plain.latencies);
      const pe = latencySummary(personal.latencies);
      console.log(`${clients} clients:`);
      console.log(
        `  the ${NON_PERSONAL_FIELDS.split(' ').length} non-personal fields, no audit event: ${num(rate(plain))} req/s ` +
          `(${num(plain.count)} in ${plain.seconds.toFixed(1)} s; p50 ${ms(pl.p50)}, p99 ${ms(pl.p99)})`,
      );
      console.log(
        `  10 personal fields, one read event each, committed before the response: ${num(rate(personal))} req/s ` +
          `(${num(personal.count)} in ${personal.seconds.toFixed(1)} s; p50 ${ms(pe.p50)}, p99 ${ms(pe.p99)})`,
      );
      console.log(`    ${describeCpu(plain.cpu, plain.count, 'non-personal request')}`);
      console.log(`    ${describeCpu(personal.cpu, personal.count, 'personal request')}`);
      console.log(`    ratio at ${clients} clients: ${ratio(rate(personal), rate(plain)).toFixed(2)}x`);
    }
    const countAfter = await readEventsOf(sql, customer.id);
    const sealing = await sealBatchesSince(sql, measureStart);
    const best = (which: 'plain' | 'personal') =>
      measured.reduce((a, b) => (rate(b[which]) > rate(a[which]) ? b : a));
    const plainBest = best('plain');
    const personalBest = best('personal');
    const plainRate = rate(plainBest.plain);
    const personalRate = rate(personalBest.personal);
    const r = ratio(personalRate, plainRate);
    console.log(
      `  read events recorded for the customer during the measurement: ${num(countAfter - countBefore)} ` +
        `(personal requests: ${num(personalCount)})`,
    );
    console.log(
      `  ${num(sealing.events)} events sealed meanwhile in ${num(sealing.batches)} group commits ` +
        `(${num(sealing.events / Math.max(1, sealing.batches), 1)} events each)`,
    );
    console.log(
      `  capacity ratio personal / non-personal: ${r.toFixed(2)}x (target >= 0.85): best ${num(personalRate)} ` +
        `req/s at ${personalBest.clients} clients against best ${num(plainRate)} req/s at ${plainBest.clients}`,
    );

    return {
      sizes,
      rows: [
        {
          benchmark: 'personal-read',
          figure: `10 personal fields, audited (best of ${levels.join('/')} clients)`,
          value: Math.round(personalRate),
          unit: 'req/s',
          target: '>= 0.85x non-personal',
          met: r >= 0.85,
          baseline: {
            what: 'non-personal fields only',
            value: Math.round(plainRate),
            unit: 'req/s',
            ratio: r,
          },
          note:
            measured
              .map((m) => `${m.clients} clients ${ratio(rate(m.personal), rate(m.plain)).toFixed(2)}x`)
              .join(', ') +
            `; ${num(sealing.events / Math.max(1, sealing.batches), 1)} events per group commit`,
        },
      ],
    };
  } finally {
    await server.stop();
    await bench.close();
  }
}

/** Read events of the customer so far, sealed or still waiting in the inbox (one snapshot). */
async function readEventsOf(pool: Pool, customerId: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `select (select count(*) from audit_event where subject_id = $1 and action = 'read')
          + (select count(*) from audit_inbox where subject_id = $1 and action = 'read') as n`,
    [customerId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Group commits (each seals its batch: one sealed_at) since `from`, and the events they sealed. */
async function sealBatchesSince(pool: Pool, from: Date): Promise<{ batches: number; events: number }> {
  const { rows } = await pool.query<{ batches: string; events: string }>(
    `select count(distinct sealed_at) as batches, count(*) as events from audit_event where sealed_at >= $1`,
    [from],
  );
  return { batches: Number(rows[0]?.batches ?? 0), events: Number(rows[0]?.events ?? 0) };
}

/** BENCH_CLIENTS: one client count or several, comma-separated ("16,32"). */
function clientLevels(raw: string): number[] {
  const levels = raw.split(',').map((part) => Number(part.trim()));
  if (levels.length === 0 || levels.some((n) => !Number.isSafeInteger(n) || n <= 0)) {
    throw new Error(`BENCH_CLIENTS must be whole numbers separated by commas, got ${JSON.stringify(raw)}`);
  }
  return levels;
}
