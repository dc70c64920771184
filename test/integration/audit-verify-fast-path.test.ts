/**
 * Verification's fast path: PostgreSQL builds each event's canonical text (audit/audit-event-sql.ts) and
 * Node hashes it. These tests hold the SQL text to `canonicalAuditJson`'s bytes, show that where the two
 * differ the text only misses (never matches something else), and that a miss is judged by the JavaScript
 * canonicalisation: with the fast path forced to miss, verification gives exactly the same verdicts.
 */
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canonicalAuditJson,
  eventFromRow,
  type AuditEventInput,
  type AuditEventRow,
} from '../../audit/audit-event';
import { CANONICAL_AUDIT_JSON_SQL } from '../../audit/audit-event-sql';
import type { AuditLog } from '../../audit/audit-log';
import { CANONICAL_BATCH_SQL, CANONICAL_EVENTS_SQL, verifyAuditLog } from '../../audit/audit-verifier';
import type { SqlRunner } from '../../audit/sql-runner';
import { sqlRunner } from '../../src/db/sql-runner';
import { readEvents, tamper } from '../support/audit-fixtures';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

/** Column values for one row of a scratch copy of audit_event, as SQL literals are awkward here. */
interface Sample {
  occurredAt: string;
  texts?: string | null;
  categories?: string[];
  fields?: string[];
}

const awkward = ['"quoted"', 'back\\slash', '\u007f', 'ünïcödé', '😀', '\u2028\u2029', '\uffff'];
/** JSON escapes these; the SQL text leaves them raw and so misses (see audit-event-sql.ts). */
const controlCharacters = ['line\nbreak\ttab', '\u0001\u001f'];

describe('the canonical text PostgreSQL builds', () => {
  let t: TestPlatform;
  let sql: Client;

  beforeAll(async () => {
    t = await createTestPlatform();
    sql = await t.db.superuser();
    await sql.query('create temporary table sample (like audit_event)');
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Each sample's text as PostgreSQL builds it, and as the JavaScript path builds it from the same row. */
  async function both(samples: readonly Sample[]): Promise<{ sql: string | null; js: string }[]> {
    await sql.query('truncate sample');
    for (const [i, s] of samples.entries()) {
      const texts = s.texts === undefined ? 'x' : s.texts;
      await sql.query(
        `insert into sample (sequence, event_id, occurred_at, sealed_at, actor_id, actor_kind, role, on_behalf_of,
           subject_id, categories, fields, action, purpose, request_id, trace_id, client_ip, user_agent, leaf_hash)
         values ($1, gen_random_uuid(), $2, now(), case when $3::text is null then null else gen_random_uuid() end,
           coalesce($3, 'employee'), $3, $3, null, $4, $5, 'read', $3, $3, $3, $3, $3, '\\x00')`,
        [i, s.occurredAt, texts, s.categories ?? ['email', 'name'], s.fields ?? []],
      );
    }
    const { rows } = await sql.query<AuditEventRow & { sequence: string; canonical: string | null }>(
      `select e.*, ${CANONICAL_AUDIT_JSON_SQL} as canonical from sample e order by e.sequence`,
    );
    return rows.map((row) => ({
      sql: row.canonical,
      js: canonicalAuditJson(eventFromRow(row, Number(row.sequence))),
    }));
  }

  it('is canonicalAuditJson byte for byte: escaping, nulls, arrays, sub-millisecond times, early years', async () => {
    const samples: Sample[] = [
      ...awkward.map((texts) => ({ occurredAt: '2026-11-25T10:00:00.123Z', texts, categories: [texts] })),
      // In lists, to_json escapes control characters as JSON does.
      ...controlCharacters.map((c) => ({ occurredAt: '2026-11-25T10:00:00Z', texts: 'x', categories: [c] })),
      { occurredAt: '2026-11-25T10:00:00Z', texts: null, categories: [], fields: [] },
      { occurredAt: '2026-11-25T10:00:00.678999+02:00', categories: ['a', 'b', 'c'], fields: ['x'] },
      { occurredAt: '2026-11-25T23:59:59.999999Z' },
      { occurredAt: '0999-02-03T04:05:06.007Z' },
      { occurredAt: '0001-01-01T00:00:00Z' },
      { occurredAt: '9999-12-31T23:59:59.999Z' },
    ];
    for (const { sql: text, js } of await both(samples)) expect(text).toBe(js);
  });

  it('differs only by missing where JavaScript would write something else: control characters, unsorted lists, far-off years', async () => {
    const samples: Sample[] = [
      ...controlCharacters.map((texts) => ({ occurredAt: '2026-11-25T10:00:00Z', texts })),
      { occurredAt: '2026-11-25T10:00:00Z', categories: ['name', 'email'] },
      { occurredAt: '2026-11-25T10:00:00Z', fields: ['\uffff', '😀'] }, // code point order (collate "C") is not UTF-16 order
      { occurredAt: '2026-11-25T10:00:00Z BC' },
      { occurredAt: '12026-11-25T10:00:00Z' },
    ];
    const results = await both(samples);
    for (const { sql: text, js } of results) expect(text).not.toBe(js);
    expect(results.slice(4).map((r) => r.sql)).toEqual([null, null]);
  });
});

describe('verification when the fast path misses', () => {
  let t: TestPlatform;
  let audit: AuditLog;

  beforeAll(async () => {
    t = await createTestPlatform();
    audit = t.platform.services.audit;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The platform's runner, recording every query, optionally spoiling the fast path's texts. */
  function runner(options: { forceMiss: boolean }): { db: SqlRunner; queries: string[] } {
    const queries: string[] = [];
    const wrap = (inner: SqlRunner): SqlRunner => ({
      query: async <T>(text: string, params?: readonly unknown[]) => {
        queries.push(text);
        const rows = await inner.query<T>(text, params);
        if (!options.forceMiss) return rows;
        if (text === CANONICAL_BATCH_SQL) {
          return rows.map((row) => ({ ...row, texts: `${String((row as { texts: string }).texts)} ` }));
        }
        if (text !== CANONICAL_EVENTS_SQL) return rows;
        return rows.map((row) => ({
          ...row,
          canonical: `${String((row as { canonical: string }).canonical)} `,
        }));
      },
      transaction: (work) => inner.transaction((tx) => work(wrap(tx))),
    });
    return { db: wrap(sqlRunner(t.platform.db.orm.em.fork())), queries };
  }
  const verify = (db: SqlRunner) =>
    verifyAuditLog(db, { trustedKeys: [t.platform.keys.auditPublicKey], batchSize: 7 });
  const isReread = (text: string) => text.includes('any(?::bigint[])');

  it('accepts events the SQL text gets wrong (unsorted lists, control characters), after judging them with the JavaScript canonicalisation', async () => {
    // Recorded without audit-context's sorting: PostgreSQL's text keeps the stored order and misses.
    const unsorted: AuditEventInput[] = readEvents(3).map((e) => ({
      ...e,
      categories: ['name', 'email'],
      fields: ['phone', 'email'],
    }));
    // A raw newline in a text also splits the whole-batch text into too many pieces: that batch goes row by row.
    const control = readEvents(1).map((e) => ({ ...e, purpose: 'ticket\t4711', userAgent: 'bot\n\u0001' }));
    await audit.record([...readEvents(10), ...unsorted, ...control, ...readEvents(9)]);
    await audit.sealer.sealPending();

    const { db, queries } = runner({ forceMiss: false });
    expect(await verify(db)).toMatchObject({ ok: true, checkedEvents: 23, firstBadSequence: null });
    // Batches of 7: [7, 14) holds the odd events and goes row by row; the other three pass whole.
    expect(queries.filter((q) => q === CANONICAL_BATCH_SQL)).toHaveLength(4);
    expect(queries.filter((q) => q === CANONICAL_EVENTS_SQL)).toHaveLength(1);
    expect(queries.filter(isReread)).toHaveLength(1);
  });

  it('gives the same verdicts with every text forced to miss', async () => {
    const { db, queries } = runner({ forceMiss: true });
    const result = await verify(db);
    expect(result).toMatchObject({ ok: true, checkedEvents: 23, firstBadSequence: null });
    expect(result).toEqual(await audit.verify());
    expect(queries.filter(isReread).length).toBe(Math.ceil(23 / 7));

    const sql = await t.db.superuser();
    await tamper(sql, "update audit_event set purpose = 'vat-audit' where sequence = 11");
    const altered = await verify(db);
    expect(altered).toMatchObject({ ok: false, firstBadSequence: 11 });
    expect(altered).toEqual(await audit.verify());
  });
});
