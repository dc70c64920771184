/**
 * audit-append: audit events appended and committed per second with BENCH_WRITERS (8) concurrent
 * writers, each awaiting `audit.record([oneEvent])` in a loop for BENCH_SECONDS (10), with the sealer
 * running. Also the sealing lag (sealed_at - occurred_at, p50/p99/max, over the run's events) and how
 * long the inbox takes to empty after the run. Target: >= 10,000 events/s with the lag under 1 s.
 * `record` seals as it commits (audit-appender.ts), so the lag is that of the group commit itself; the
 * inbox holds only events written inside a change's transaction, which this benchmark makes none of.
 *
 * Baselines in the same run and database: plain single-row INSERTs of a similar row into a scratch
 * table from 8 `pg` connections (one transaction per insert), and 100-row INSERTs the same way.
 * Both use named (prepared) statements, so they are the fastest plain `pg` gets. A diagnostic line
 * shows the same appends with each writer keeping BENCH_IN_FLIGHT (4) events waiting at once: a
 * writer that awaits one event at a time is bound by the latency of a commit (writers / latency), not
 * by what the log can take.
 * Each contender starts after a CHECKPOINT; CPU per event (Node, PostgreSQL), commits and WAL flushes
 * are printed with it.
 *
 * A ceiling line shows what the database side alone allows writers that each await one event: no batch
 * can then hold more than BENCH_WRITERS events, and batches commit one at a time (they queue on the
 * tree state's row lock). So it sends the append statement itself for batches of that size, built
 * beforehand, one after another from one connection: no Node work stands between two commits.
 *
 * Note: sealed_at is stamped when a batch is placed in the tree, just before its statement commits.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { appendStatement, prepareAppend } from '../audit/audit-appender';
import { auditEvent, type AuditContext } from '../audit/audit-context';
import type { AuditEventInput } from '../audit/audit-event';
import { CompactRange } from '../audit/merkle';
import { positionalSql } from '../src/db/pg-pool-runner';
import { createBenchPlatform } from './bench-database';
import { describeCpu, measuringCpu } from './cpu-usage';
import {
  envInt,
  num,
  ms,
  now,
  ratio,
  sleep,
  timedLoops,
  withCpuProfile,
  type BenchReport,
} from './bench-util';

const COLUMNS = [
  'event_id',
  'occurred_at',
  'actor_id',
  'actor_kind',
  'role',
  'on_behalf_of',
  'subject_id',
  'categories',
  'fields',
  'action',
  'purpose',
  'request_id',
  'trace_id',
  'client_ip',
  'user_agent',
] as const;

/** A read event as a support employee's GraphQL request makes it. */
function eventFactory(): () => AuditEventInput {
  const subjects = Array.from({ length: 1000 }, () => randomUUID());
  const actors = Array.from({ length: 20 }, () => randomUUID());
  let n = 0;
  return () => {
    n++;
    const context: AuditContext = {
      actorId: actors[n % actors.length] ?? null,
      actorKind: 'employee',
      role: 'support',
      onBehalfOf: null,
      purpose: `support-ticket:${4700 + (n % 100)}`,
      requestId: randomUUID(),
      traceId: randomUUID().replace(/-/g, ''),
      clientIp: '10.1.2.3',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) bench',
    };
    return auditEvent(context, {
      action: 'read',
      subjectId: subjects[n % subjects.length] ?? null,
      categories: ['email', 'name', 'phone'],
      fields: ['email', 'name', 'phone'],
    });
  };
}

function rowValues(e: AuditEventInput): unknown[] {
  return [
    e.eventId,
    e.occurredAt,
    e.actorId,
    e.actorKind,
    e.role,
    e.onBehalfOf,
    e.subjectId,
    e.categories,
    e.fields,
    e.action,
    e.purpose,
    e.requestId,
    e.traceId,
    e.clientIp,
    e.userAgent,
  ];
}

function insertSql(rows: number): string {
  const tuples = Array.from(
    { length: rows },
    (_, r) => `(${COLUMNS.map((_c, c) => `$${r * COLUMNS.length + c + 1}`).join(', ')})`,
  );
  return `insert into bench_scratch_event (${COLUMNS.join(', ')}) values ${tuples.join(', ')}`;
}

async function plainInserts(
  pool: Pool,
  writers: number,
  seconds: number,
  rowsPerInsert: number,
  next: () => AuditEventInput,
) {
  const text = insertSql(rowsPerInsert);
  const name = `bench_insert_${rowsPerInsert}`;
  return timedLoops(writers, seconds, async () => {
    const values = Array.from({ length: rowsPerInsert }, () => rowValues(next())).flat();
    await pool.query({ name, text, values });
    return rowsPerInsert;
  });
}

export async function runAuditAppend(): Promise<BenchReport> {
  const seconds = envInt('BENCH_SECONDS', 10);
  const writers = envInt('BENCH_WRITERS', 8);
  const inFlight = envInt('BENCH_IN_FLIGHT', 4);
  const sizes = { BENCH_SECONDS: seconds, BENCH_WRITERS: writers, BENCH_IN_FLIGHT: inFlight };
  console.log(`${writers} writers, ${seconds} s per contender, sealer running`);

  const bench = await createBenchPlatform('audit-append');
  const { platform, database } = bench;
  const pool = database.pool(writers);
  try {
    // The baselines write rows shaped and indexed like the audit inbox's.
    await pool.query(
      'create table bench_scratch_event (like audit_inbox including defaults including indexes)',
    );
    const next = eventFactory();

    // Warm up every path (connections, prepared statements, JIT), then measure.
    await plainInserts(pool, writers, 0.5, 1, next);
    await plainInserts(pool, writers, 0.5, 100, next);
    const [single, singleCost] = await costOf(pool, () => plainInserts(pool, writers, seconds, 1, next));
    const singleRate = single.count / single.seconds;
    console.log(
      `baseline, single-row INSERT per transaction, ${writers} connections: ${num(singleRate)} rows/s ` +
        `(${num(single.count)} in ${single.seconds.toFixed(1)} s)`,
    );
    console.log(`  ${singleCost(single.count, 'row')}`);
    const [batch, batchCost] = await costOf(pool, () => plainInserts(pool, writers, seconds, 100, next));
    const batchRate = batch.count / batch.seconds;
    console.log(
      `baseline, 100-row INSERT per transaction, ${writers} connections:  ${num(batchRate)} rows/s ` +
        `(${num(batch.count)} in ${batch.seconds.toFixed(1)} s)`,
    );
    console.log(`  ${batchCost(batch.count, 'row')}`);

    const audit = platform.services.audit;
    const recordOne = async () => {
      await audit.record([next()]);
      return 1;
    };
    audit.sealer.start();
    await timedLoops(writers, 1, recordOne);
    await waitForEmptyInbox(pool, 60_000);

    // The cost figures include sealing what was appended: until the inbox is empty again.
    const runStart = new Date();
    let runEnd = runStart;
    let drainMs = 0;
    const [appended, appendCost] = await costOf(pool, async () => {
      const loops = await withCpuProfile('append', () => timedLoops(writers, seconds, recordOne));
      runEnd = new Date();
      drainMs = await waitForEmptyInbox(pool, 600_000);
      return loops;
    });
    const appendRate = appended.count / appended.seconds;
    console.log(
      `audit.record([1 event]), ${writers} writers, sealer running: ${num(appendRate)} events/s ` +
        `(${num(appended.count)} in ${appended.seconds.toFixed(1)} s)`,
    );
    console.log(`  ${appendCost(appended.count, 'event')}`);
    console.log(`  inbox empty ${ms(drainMs)} after the run ended`);

    const [ceiling, ceilingCost] = await costOf(pool, () =>
      appendStatementsAlone(pool, writers, seconds, next),
    );
    const ceilingRate = ceiling.count / ceiling.seconds;
    console.log(
      `ceiling, the append statement alone for batches of ${writers} events, built beforehand, sent from one ` +
        `connection: ${num(ceilingRate)} events/s (${num(ceilingRate / writers)} statements/s)`,
    );
    console.log(`  ${ceilingCost(ceiling.count, 'event')} (Node's share includes building the statements)`);

    // Diagnostic: the same writers each with BENCH_IN_FLIGHT requests waiting at once, as an API process
    // serving many requests is; one writer awaiting one event at a time is bound by commit latency.
    const [busy, busyCost] = await costOf(pool, () => timedLoops(writers * inFlight, seconds, recordOne));
    const busyRate = busy.count / busy.seconds;
    await waitForEmptyInbox(pool, 60_000);
    console.log(
      `diagnostic, ${writers} writers x ${inFlight} requests in flight, sealer running: ${num(busyRate)} events/s ` +
        `(${num(busy.count)} in ${busy.seconds.toFixed(1)} s)`,
    );
    console.log(`  ${busyCost(busy.count, 'event')}`);

    const { rows } = await pool.query<{
      n: string;
      p50: number;
      p99: number;
      max: number;
      batches: string;
    }>(
      `select count(*) as n,
         (percentile_cont(0.5) within group (order by extract(epoch from sealed_at - occurred_at)) * 1000)::float8 as p50,
         (percentile_cont(0.99) within group (order by extract(epoch from sealed_at - occurred_at)) * 1000)::float8 as p99,
         (max(extract(epoch from sealed_at - occurred_at)) * 1000)::float8 as max,
         count(distinct sealed_at) as batches
       from audit_event where occurred_at >= $1 and occurred_at <= $2`,
      [runStart, runEnd],
    );
    const lag = rows[0];
    if (lag === undefined) throw new Error('no lag figures');
    const sealedCount = Number(lag.n);
    console.log(
      `  sealing lag (sealed_at - occurred_at) over ${num(sealedCount)} events of the run in ` +
        `${num(Number(lag.batches))} seal batches: p50 ${ms(lag.p50)}, p99 ${ms(lag.p99)}, max ${ms(lag.max)}`,
    );
    if (sealedCount !== appended.count) {
      console.log(`  NOTE: ${num(appended.count)} recorded but ${num(sealedCount)} sealed in the run window`);
    }
    console.log(
      `  ratio to single-row INSERTs: ${ratio(appendRate, singleRate).toFixed(2)}x, ` +
        `to 100-row INSERTs: ${ratio(appendRate, batchRate).toFixed(2)}x, ` +
        `to the ceiling of the append statement alone: ${ratio(appendRate, ceilingRate).toFixed(2)}x`,
    );

    return {
      sizes,
      rows: [
        {
          benchmark: 'audit-append',
          figure: `events appended+committed/s (${writers} writers, sealer on)`,
          value: Math.round(appendRate),
          unit: 'events/s',
          target: '>= 10,000 events/s',
          met: appendRate >= 10_000,
          baseline: {
            what: `single-row INSERT per tx, ${writers} connections`,
            value: Math.round(singleRate),
            unit: 'rows/s',
            ratio: ratio(appendRate, singleRate),
          },
          note:
            `100-row INSERTs: ${num(batchRate)} rows/s (ratio ${ratio(appendRate, batchRate).toFixed(2)}x); ` +
            `the append statement alone, ${writers} events each: ${num(ceilingRate)} events/s; ` +
            `${writers} writers x ${inFlight} in flight: ${num(busyRate)} events/s`,
        },
        {
          benchmark: 'audit-append',
          figure: `sealing lag max (sealed_at - occurred_at) at ${num(appendRate)} events/s`,
          value: Math.round(lag.max),
          unit: 'ms',
          target: '< 1,000 ms (at >= 10,000 events/s)',
          met: lag.max < 1000,
          note: `p50 ${ms(lag.p50)}, p99 ${ms(lag.p99)}; inbox empty ${ms(drainMs)} after the run`,
        },
      ],
    };
  } finally {
    await bench.close();
  }
}

interface PgCounters {
  commits: number;
  walSyncs: number;
  walBytes: number;
}

/** Commits in this database and WAL flushes (fsyncs) of the cluster so far. */
async function pgCounters(pool: Pool): Promise<PgCounters> {
  const { rows } = await pool.query<{ commits: string; wal_sync: string; wal_bytes: string }>(
    `select (select xact_commit from pg_stat_database where datname = current_database()) as commits,
       wal_sync, wal_bytes from pg_stat_wal`,
  );
  const row = rows[0];
  return { commits: Number(row?.commits), walSyncs: Number(row?.wal_sync), walBytes: Number(row?.wal_bytes) };
}

/**
 * Runs a contender, after a CHECKPOINT, and returns, with its result, a describer of what each operation cost: CPU by
 * process, database commits, WAL flushes (fsyncs) and WAL bytes. PostgreSQL publishes its counters up
 * to a second late, so it waits a moment before reading them afterwards.
 */
async function costOf<T>(
  pool: Pool,
  work: () => Promise<T>,
): Promise<[T, (count: number, unit: string) => string]> {
  // Each contender starts right after a checkpoint, so none pays for the pages another one dirtied
  // (their write-back competes with the WAL flushes, and the first change of each page after a
  // checkpoint writes the whole page to the WAL).
  await pool.query('checkpoint');
  const before = await pgCounters(pool);
  const [result, cpu] = await measuringCpu(work);
  await sleep(1100);
  const after = await pgCounters(pool);
  return [
    result,
    (count, unit) => {
      const commits = after.commits - before.commits;
      const syncs = after.walSyncs - before.walSyncs;
      const perSync = syncs === 0 ? '-' : num(count / syncs, 1);
      return (
        `${describeCpu(cpu, count, unit)}\n  ${num(commits)} commits, ${num(syncs)} WAL flushes ` +
        `(${perSync} ${unit}s per flush), ${num((after.walBytes - before.walBytes) / count)} WAL bytes per ${unit}`
      );
    },
  ];
}

/**
 * The append statement for batches of `batchSize` events, sent one after another from one connection
 * for `seconds` of sending. Batches are numbered and built 200 at a time between the timed stretches.
 */
async function appendStatementsAlone(
  pool: Pool,
  batchSize: number,
  seconds: number,
  next: () => AuditEventInput,
): Promise<{ count: number; seconds: number }> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ compact_range: unknown }>(
      'select compact_range from audit_sealer_state where id = 1',
    );
    let range = CompactRange.fromJSON(rows[0]?.compact_range);
    let text = '';
    let count = 0;
    let sendingMs = 0;
    while (sendingMs < seconds * 1000) {
      const chunk: unknown[][] = [];
      for (let i = 0; i < 200; i++) {
        const prepared = prepareAppend(range, Array.from({ length: batchSize }, next), new Date());
        const statement = appendStatement(prepared);
        text = positionalSql(statement.sql);
        chunk.push(statement.params);
        range = prepared.range;
      }
      const start = now();
      for (const values of chunk) {
        const result = await client.query<{ appended: number }>({ name: 'bench_append', text, values });
        if (result.rows[0]?.appended !== 1) throw new Error('the audit tree moved during the ceiling run');
      }
      sendingMs += now() - start;
      count += chunk.length * batchSize;
    }
    return { count, seconds: sendingMs / 1000 };
  } finally {
    client.release();
  }
}

/** Milliseconds until audit_inbox is empty (polled every 10 ms). */
async function waitForEmptyInbox(pool: Pool, timeoutMs: number): Promise<number> {
  const start = now();
  for (;;) {
    const { rows } = await pool.query<{ empty: boolean }>(
      'select not exists (select 1 from audit_inbox) as empty',
    );
    if (rows[0]?.empty === true) return now() - start;
    if (now() - start > timeoutMs) throw new Error(`audit_inbox not empty after ${timeoutMs} ms`);
    await sleep(10);
  }
}
