/**
 * verify: `audit.verify()` over BENCH_VERIFY_EVENTS (1,000,000) real sealed events. The inbox is filled
 * with SQL (generate_series), then the platform's sealer seals it all (`sealPending`, its throughput is
 * reported too), then verification is timed: every leaf recomputed from the event, every checkpoint
 * root and signature checked. Target: >= 100,000 events/s.
 *
 * Baseline in the same run: a plain keyset scan reading the same rows through the same kind of
 * SqlRunner (MikroORM connection) in batches of 20,000, without hashing. Also shown: verify's own query
 * (each batch's canonical JSON texts built by PostgreSQL, with the stored leaf hashes and the checks
 * that the batch is whole; audit/audit-verifier.ts) in verify's batches, one at a time and without
 * hashing, which separates the cost of reading from the cost of checking.
 */
import type { Pool } from 'pg';
import { readCanonicalBatch, VERIFY_BATCH_SIZE } from '../audit/audit-verifier';
import type { SqlRunner } from '../audit/sql-runner';
import { sqlRunner } from '../src/db/sql-runner';
import { createBenchPlatform } from './bench-database';
import { describeCpu, measuringCpu } from './cpu-usage';
import { envInt, num, now, ratio, withCpuProfile, type BenchReport } from './bench-util';

const CHUNK = 500_000;
const BATCH = 20_000;

export async function runVerify(): Promise<BenchReport> {
  const events = envInt('BENCH_VERIFY_EVENTS', 1_000_000);
  const sizes = { BENCH_VERIFY_EVENTS: events };
  console.log(`${num(events)} events, sealed by the platform's sealer, then verified`);

  const bench = await createBenchPlatform('verify');
  const { platform, database } = bench;
  const pool = database.pool(1);
  try {
    const f0 = now();
    await fillInbox(pool, events);
    console.log(`filled audit_inbox in ${((now() - f0) / 1000).toFixed(1)} s`);

    const audit = platform.services.audit;
    const s0 = now();
    const [checkpoints, sealCpu] = await measuringCpu(() =>
      withCpuProfile('seal', () => audit.sealer.sealPending()),
    );
    const sealSeconds = (now() - s0) / 1000;
    const sealRate = events / sealSeconds;
    const { rows: counts } = await pool.query<{ sealed: string; waiting: string }>(
      `select (select count(*) from audit_event) as sealed, (select count(*) from audit_inbox) as waiting`,
    );
    if (Number(counts[0]?.sealed) !== events || Number(counts[0]?.waiting) !== 0) {
      throw new Error(`sealing left ${counts[0]?.waiting} waiting, ${counts[0]?.sealed} sealed`);
    }
    console.log(
      `sealPending: ${num(events)} events in ${sealSeconds.toFixed(1)} s = ${num(sealRate)} events/s ` +
        `(${checkpoints.length} checkpoints)`,
    );
    console.log(`  ${describeCpu(sealCpu, events, 'event')}`);
    await pool.query('vacuum analyze audit_event, audit_tree_node');

    const runner = sqlRunner(platform.db.orm.em.fork());
    const plain = await timedScan(runner, keysetScan);
    console.log(
      `baseline, keyset scan of audit_event in batches of ${num(BATCH)}, no hashing: ` +
        `${num(plain.rate)} events/s (${plain.seconds.toFixed(1)} s)`,
    );
    const joined = await timedScan(runner, verifyQueryScan);
    console.log(
      `verify's own query (canonical JSON built in SQL), no hashing:              ` +
        `${num(joined.rate)} events/s (${joined.seconds.toFixed(1)} s)`,
    );

    const v0 = now();
    const [result, verifyCpu] = await measuringCpu(() => withCpuProfile('verify', () => audit.verify()));
    const verifySeconds = (now() - v0) / 1000;
    if (!result.ok || result.checkedEvents !== events) {
      throw new Error(`verification failed: ${result.message}`);
    }
    const verifyRate = events / verifySeconds;
    console.log(
      `audit.verify(): ${num(events)} events, ${result.checkedCheckpoints} checkpoints in ` +
        `${verifySeconds.toFixed(1)} s = ${num(verifyRate)} events/s (${result.message})`,
    );
    console.log(`  ${describeCpu(verifyCpu, events, 'event')}`);
    console.log(
      `  ratio to the keyset scan: ${ratio(verifyRate, plain.rate).toFixed(2)}x; ` +
        `to verify's query alone: ${ratio(verifyRate, joined.rate).toFixed(2)}x`,
    );

    return {
      sizes,
      rows: [
        {
          benchmark: 'verify',
          figure: `audit.verify() over ${num(events)} sealed events`,
          value: Math.round(verifyRate),
          unit: 'events/s',
          target: '>= 100,000 events/s',
          met: verifyRate >= 100_000,
          baseline: {
            what: `keyset scan, batches of ${num(BATCH)}, no hashing`,
            value: Math.round(plain.rate),
            unit: 'events/s',
            ratio: ratio(verifyRate, plain.rate),
          },
          note: `verify's query alone ${num(joined.rate)} events/s`,
        },
        {
          benchmark: 'verify',
          figure: 'sealPending throughput (5,000-event batches)',
          value: Math.round(sealRate),
          unit: 'events/s',
          target: '-',
          met: null,
          note: `${checkpoints.length} checkpoints in ${sealSeconds.toFixed(1)} s`,
        },
      ],
    };
  } finally {
    await bench.close();
  }
}

/** Seals the same number of events with the platform's SqlRunner and with bound parameters, twice each. */

/** `events` plausible read events into audit_inbox, by generate_series. */
async function fillInbox(pool: Pool, events: number): Promise<void> {
  for (let from = 0; from < events; from += CHUNK) {
    const to = Math.min(events, from + CHUNK);
    await pool.query(
      `insert into audit_inbox (event_id, occurred_at, actor_id, actor_kind, role, on_behalf_of, subject_id,
         categories, fields, action, purpose, request_id, trace_id, client_ip, user_agent)
       select gen_random_uuid(), date_trunc('milliseconds', now() - ($3::bigint - g) * interval '1 millisecond'),
         md5('bench-actor-' || (g % 200))::uuid, 'employee', 'support', null,
         md5('bench-subject-' || (abs(hashint8(g)::bigint) % 50000))::uuid,
         array['email', 'name', 'phone'], array['email', 'name', 'phone'], 'read',
         'support-ticket:' || (g % 10000), md5(g::text), md5((g + 1)::text), '10.1.' || (g % 250) || '.7',
         'Mozilla/5.0 (X11; Linux x86_64) bench'
       from generate_series($1::bigint, $2::bigint - 1) g`,
      [from, to, events],
    );
  }
}

async function timedScan(
  runner: SqlRunner,
  scan: (runner: SqlRunner) => Promise<number>,
): Promise<{ rate: number; seconds: number }> {
  const t0 = now();
  const rows = await scan(runner);
  const seconds = (now() - t0) / 1000;
  return { rate: rows / seconds, seconds };
}

async function keysetScan(runner: SqlRunner): Promise<number> {
  let after = -1;
  let total = 0;
  for (;;) {
    const rows = await runner.query<{ sequence: string }>(
      'select * from audit_event where sequence > ? order by sequence limit ?',
      [after, BATCH],
    );
    total += rows.length;
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < BATCH) return total;
    after = Number(last.sequence);
  }
}

async function verifyQueryScan(runner: SqlRunner): Promise<number> {
  let total = 0;
  for (let from = 0; ; from += VERIFY_BATCH_SIZE) {
    const batch = await readCanonicalBatch(runner, from, from + VERIFY_BATCH_SIZE);
    total += batch.count;
    if (batch.count < VERIFY_BATCH_SIZE) return total;
  }
}
