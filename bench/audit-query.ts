/**
 * audit-query: the privacy officer's `auditEvents(filter: {subjectId}, first: 20)` over HTTP, median
 * and p95 latency over BENCH_QUERY_REQUESTS (200) sequential requests for random subjects, on an
 * audit_event table of BENCH_AUDIT_EVENTS (10,000,000) events spread over BENCH_AUDIT_SUBJECTS (50,000)
 * subjects and the last 12 months (so 13 monthly partitions are searched). Target: median < 10 ms.
 * Baseline in the same run: the same SQL the audit log runs, sent directly through `pg`.
 *
 * The events are generated with SQL (generate_series) straight into audit_event, not sealed: this
 * benchmark is about query speed, so leaf_hash is a dummy 32-byte value and there is no Merkle tree
 * (the log would not verify). The secondary indexes are dropped during the fill and rebuilt with their
 * migration definitions afterwards (much faster than maintaining them row by row), then ANALYZE.
 * Filling 10,000,000 events takes a few minutes; BENCH_AUDIT_EVENTS=1000000 is a quick run.
 *
 * Each GraphQL request also records its own access-log read event (committed before the answer), as
 * every privacy-officer query does; that commit is part of the HTTP latency.
 *
 * Then, for information, the officer's other questions on the same table: accessSummary of one subject
 * and unusualAccess for a day and a week (see otherQuestions).
 */
import type { Pool, PoolClient } from 'pg';
import { auditEvent, offlineContext } from '../audit/audit-context';
import { startHttpServer } from '../src/server/http-server';
import { createBenchPlatform } from './bench-database';
import { envInt, latencySummary, mulberry32, ms, now, num, ratio, type BenchReport } from './bench-util';

const QUERY = `query AuditEvents($subjectId: ID!) {
  auditEvents(filter: { subjectId: $subjectId }, first: 20) {
    edges { cursor node { id sequence occurredAt actorId actorKind role onBehalfOf subjectId categories fields
      action purpose requestId traceId clientIp userAgent } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** What audit/audit-queries.ts findAuditEvents sends for a subject filter and first: 20 (20 + 1 rows). */
const DIRECT_SQL = `select * from audit_event where subject_id = $1
     order by occurred_at desc, sequence desc limit $2`;

const CHUNK = 1_000_000;

/** The subject of event g, and of subject number k: stable UUIDs derived from the number. */
const subjectSql = (k: string) => `md5('bench-subject-' || (${k}))::uuid`;

export async function runAuditQuery(): Promise<BenchReport> {
  const events = envInt('BENCH_AUDIT_EVENTS', 10_000_000);
  const subjects = envInt('BENCH_AUDIT_SUBJECTS', 50_000);
  const requests = envInt('BENCH_QUERY_REQUESTS', 200);
  const sizes = {
    BENCH_AUDIT_EVENTS: events,
    BENCH_AUDIT_SUBJECTS: subjects,
    BENCH_QUERY_REQUESTS: requests,
  };
  console.log(
    `${num(events)} events over ${num(subjects)} subjects and 12 months; ${requests} sequential requests each way`,
  );

  const bench = await createBenchPlatform('audit-query');
  const { platform, database } = bench;
  const pool = database.pool(2);
  const server = await startHttpServer(platform, { port: 0, host: '127.0.0.1' });
  try {
    const fillSeconds = await fill(pool, events, subjects);
    console.log(
      `filled in ${fillSeconds.toFixed(0)} s (${num(events / fillSeconds)} events/s including indexes)`,
    );

    const em = platform.db.orm.em.fork();
    const officer = await platform.services.actors.create(em, {
      kind: 'employee',
      role: 'privacy_officer',
      name: 'Bench Officer',
    });
    const subjectIds = await subjectIdsFor(pool, events, subjects, 2 * (requests + 20));
    let picked = 0;
    const pick = () => subjectIds[picked++ % subjectIds.length] as string;

    /** Milliseconds for one request and its answer (`field`'s value), which must not be empty unless allowed. */
    const timed = async (query: string, variables: object, field: string, mayBeEmpty = false) => {
      const t0 = now();
      const response = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${officer.token}`,
          'x-purpose': 'inspection',
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
      const elapsed = now() - t0;
      const answer = body.data?.[field] as { edges?: unknown[] } | unknown[] | undefined;
      if (response.status !== 200 || body.errors !== undefined || answer === undefined) {
        throw new Error(`${field} failed: HTTP ${response.status} ${JSON.stringify(body).slice(0, 500)}`);
      }
      if (!mayBeEmpty && (Array.isArray(answer) ? answer : (answer.edges ?? [])).length === 0) {
        throw new Error(`${field} answered nothing for ${JSON.stringify(variables)}`);
      }
      return elapsed;
    };
    const viaHttp = (subjectId: string) => timed(QUERY, { subjectId }, 'auditEvents');
    const client = await pool.connect();
    const direct = async (subjectId: string): Promise<number> => {
      const t0 = now();
      const { rows } = await client.query(DIRECT_SQL, [subjectId, 21]);
      const elapsed = now() - t0;
      if (rows.length === 0) throw new Error(`no events for subject ${subjectId}`);
      return elapsed;
    };

    try {
      // Warm both paths (JIT, plans, caches) on other subjects first.
      for (let i = 0; i < 20; i++) {
        await viaHttp(pick());
        await direct(pick());
      }
      const httpTimes: number[] = [];
      const directTimes: number[] = [];
      // Interleaved, on different random subjects, so both see the same state of the caches.
      for (let i = 0; i < requests; i++) {
        httpTimes.push(await viaHttp(pick()));
        directTimes.push(await direct(pick()));
      }
      const h = latencySummary(httpTimes);
      const d = latencySummary(directTimes);
      console.log(
        `auditEvents over HTTP (GraphQL, auth, access-log event): median ${ms(h.p50)}, p95 ${ms(h.p95)}, ` +
          `p99 ${ms(h.p99)}, max ${ms(h.max)}`,
      );
      console.log(
        `the same SQL through pg directly:                          median ${ms(d.p50)}, p95 ${ms(d.p95)}, ` +
          `p99 ${ms(d.p99)}, max ${ms(d.max)}`,
      );
      console.log(`  ratio HTTP / direct (median): ${ratio(h.p50, d.p50).toFixed(1)}x`);
      // How much of the difference is the access-log event each request commits before it answers.
      const recordTimes: number[] = [];
      for (let i = 0; i < Math.min(requests, 100); i++) {
        const t0 = now();
        await platform.services.audit.record([
          auditEvent(offlineContext(officer.actor, 'inspection'), {
            action: 'read',
            subjectId: pick(),
            categories: ['access_log'],
            fields: ['auditEvents'],
          }),
        ]);
        recordTimes.push(now() - t0);
      }
      const rec = latencySummary(recordTimes);
      console.log(`  of which one audit.record() commit (measured alone, sequential): median ${ms(rec.p50)}`);
      await explain(client, pick());
      await otherQuestions(timed, pick);
      return {
        sizes,
        rows: [
          {
            benchmark: 'audit-query',
            figure: `auditEvents(subjectId, first: 20) median over HTTP, ${num(events)} events`,
            value: Number(h.p50.toFixed(2)),
            unit: 'ms',
            target: '< 10 ms median',
            met: h.p50 < 10,
            baseline: {
              what: 'same SQL via pg, median',
              value: Number(d.p50.toFixed(2)),
              unit: 'ms',
              ratio: ratio(h.p50, d.p50),
            },
            note: `p95 ${ms(h.p95)} (direct ${ms(d.p95)})`,
          },
        ],
      };
    } finally {
      client.release();
    }
  } finally {
    await server.stop();
    await bench.close();
  }
}

/**
 * The privacy officer's other two questions, for information (the issue sets no target for them):
 * accessSummary of one subject over its whole history, and unusualAccess for one day (with the 30 days
 * before it as the baseline) and for a week.
 */
async function otherQuestions(
  timed: (query: string, variables: object, field: string, mayBeEmpty?: boolean) => Promise<number>,
  pick: () => string,
): Promise<void> {
  const summary: number[] = [];
  for (let i = 0; i < 50; i++)
    summary.push(await timed(SUMMARY_QUERY, { subjectId: pick() }, 'accessSummary'));
  const s = latencySummary(summary);
  console.log(`accessSummary(subjectId), whole history, over HTTP: median ${ms(s.p50)}, p95 ${ms(s.p95)}`);
  const today = new Date(new Date().toISOString().slice(0, 10));
  for (const days of [1, 7]) {
    const from = new Date(today.getTime() - days * 86_400_000).toISOString();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      // Empty is a fine answer: the generated actors all read alike.
      times.push(await timed(UNUSUAL_QUERY, { from, to: today.toISOString() }, 'unusualAccess', true));
    }
    const u = latencySummary(times);
    console.log(
      `unusualAccess over ${days} day(s) (baseline: the 30 days before), over HTTP: median ${ms(u.p50)}, max ${ms(u.max)}`,
    );
  }
}

const SUMMARY_QUERY = `query AccessSummary($subjectId: ID!) {
  accessSummary(subjectId: $subjectId) { actorId actorKind role purpose reads categories firstAt lastAt }
}`;

const UNUSUAL_QUERY = `query UnusualAccess($from: DateTime!, $to: DateTime!) {
  unusualAccess(from: $from, to: $to) { actorId role day distinctSubjects ownBaseline roleBaseline ratio reason }
}`;

/** Partitions for the last 12 months, events by generate_series in chunks, indexes rebuilt, ANALYZE. */
async function fill(pool: Pool, events: number, subjects: number): Promise<number> {
  const start = now();
  await pool.query(`select audit_ensure_partitions(now() - interval '12 months', 13)`);
  const { rows: indexes } = await pool.query<{ indexname: string; indexdef: string }>(
    `select indexname, indexdef from pg_indexes
     where schemaname = 'public' and tablename = 'audit_event' and indexname <> 'audit_event_pkey'`,
  );
  for (const index of indexes) await pool.query(`drop index ${index.indexname}`);

  const { rows: clock } = await pool.query<{ t0: Date }>(`select now() - interval '365 days' as t0`);
  const t0 = clock[0]?.t0;
  for (let from = 0; from < events; from += CHUNK) {
    const to = Math.min(events, from + CHUNK);
    const c0 = now();
    // Time grows with the sequence number as in a real log; subjects are scattered pseudo-randomly.
    await pool.query(
      `insert into audit_event (sequence, event_id, occurred_at, sealed_at, actor_id, actor_kind, role,
         on_behalf_of, subject_id, categories, fields, action, purpose, request_id, trace_id, client_ip,
         user_agent, leaf_hash)
       select g, gen_random_uuid(), t, t + interval '40 milliseconds',
         md5('bench-actor-' || (g % 200))::uuid, 'employee', 'support', null,
         ${subjectSql('abs(hashint8(g)::bigint) % $4')},
         array['email', 'name', 'phone'], array['email', 'name', 'phone'], 'read',
         'support-ticket:' || (g % 10000), md5(g::text), md5((g + 1)::text), '10.1.' || (g % 250) || '.7',
         'Mozilla/5.0 (X11; Linux x86_64) bench', '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea
       from generate_series($1::bigint, $2::bigint - 1) g,
         lateral (select date_trunc('milliseconds', $5::timestamptz + (g::float8 / $3) * interval '365 days') as t) x`,
      [from, to, events, subjects, t0],
    );
    console.log(
      `  inserted ${num(to)} / ${num(events)} (${((now() - c0) / 1000).toFixed(1)} s for this chunk)`,
    );
  }
  const i0 = now();
  const client = await pool.connect();
  try {
    await client.query(`set maintenance_work_mem = '512MB'`);
    // pg_indexes shows a partitioned table's index as "ON ONLY", which would not build the partitions' ones.
    for (const index of indexes) await client.query(index.indexdef.replace(' ON ONLY ', ' ON '));
  } finally {
    client.release();
  }
  console.log(`  rebuilt ${indexes.length} indexes in ${((now() - i0) / 1000).toFixed(1)} s`);
  const a0 = now();
  await pool.query('analyze audit_event');
  console.log(`  analyzed in ${((now() - a0) / 1000).toFixed(1)} s`);
  return (now() - start) / 1000;
}

/** Subjects of `count` random events (so each has events), as the fill derived them. */
async function subjectIdsFor(pool: Pool, events: number, subjects: number, count: number): Promise<string[]> {
  const random = mulberry32(0x5eed);
  const picks = Array.from({ length: count }, () => random() % events);
  const { rows } = await pool.query<{ id: string }>(
    `select ${subjectSql('abs(hashint8(g)::bigint) % $2')} as id from unnest($1::bigint[]) g`,
    [picks, subjects],
  );
  return rows.map((r) => r.id);
}

async function explain(client: PoolClient, subjectId: string): Promise<void> {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(
    `explain (analyze, buffers, costs off, summary on) ${DIRECT_SQL}`,
    [subjectId, 21],
  );
  const plan = rows.map((r) => r['QUERY PLAN']);
  const nodes = plan
    .filter((line) => /->|^Limit/.test(line.trim()))
    .map((line) => line.trim().split(' (')[0]);
  const timing = plan.filter((line) => /Execution Time|Planning Time/.test(line)).map((l) => l.trim());
  console.log(
    `  plan for one subject: ${nodes.slice(0, 4).join(' ')} ...; ${nodes.length} nodes; ${timing.join(', ')}`,
  );
}
