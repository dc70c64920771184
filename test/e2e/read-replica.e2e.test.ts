/**
 * Inspection reads on a real streaming replica (a primary and a hot standby of the test's own, see
 * test/support/streaming-replica.ts). Replay is paused on the standby while new events and orders are
 * written on the primary: a service that allows an hour of lag answers from the replica without them,
 * one that allows none answers from the primary with them. Each answer says where it came from, the
 * read's own audit events are on the primary, a stopped replica and a primary given as the replica
 * leave the primary answering, and the command-line export takes the same path.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, offlineContext, type AuditContext } from '../../audit/audit-context';
import {
  AccessSummaryDocument,
  AuditEventsDocument,
  UnusualAccessDocument,
  VatEvidenceSummaryDocument,
  VatMismatchesDocument,
} from '../../schema/generated/graphql';
import { loadConfig } from '../../src/config/config';
import type { ReadOrigin } from '../../src/db/read-replica';
import { createPlatform, type Platform } from '../../src/platform';
import { startHttpServer, type RunningServer } from '../../src/server/http-server';
import { runCli } from '../support/cli-process';
import { startStreamingReplica, type StreamingReplica } from '../support/streaming-replica';
import { testKeyEnv } from '../support/test-platform';

interface Answer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
  extensions?: { readFrom?: Record<string, ReadOrigin> };
}

interface Service {
  platform: Platform;
  server: RunningServer;
  env: Record<string, string>;
  /** Every line the platform logged. */
  lines: string[];
  graphql<T, V>(
    document: TypedDocumentNode<T, V>,
    variables: V,
    token: string,
    purpose: string,
  ): Promise<Answer<T>>;
  close(): Promise<void>;
}

async function startService(env: Record<string, string>): Promise<Service> {
  const lines: string[] = [];
  const platform = await createPlatform(loadConfig(env), (line) => lines.push(line));
  const server = await startHttpServer(platform, { port: 0, host: '127.0.0.1' });
  return {
    platform,
    server,
    env,
    lines,
    graphql: async (document, variables, token, purpose) => {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'x-purpose': purpose,
        },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return (await response.json()) as never;
    },
    close: async () => {
      await server.stop();
      await platform.close();
    },
  };
}

const ADDRESS = { street: 'Stationsplein 1', postalCode: '3511 ED', city: 'Utrecht', country: 'NL' };

describe('inspection reads on a streaming replica', () => {
  let replica: StreamingReplica;
  let baseEnv: Record<string, string>;
  /** Allows an hour of lag. */
  let tolerant: Service;
  /** Allows none: only a replica that has replayed everything answers. */
  let strict: Service;
  let standby: Client;
  const tokens = { officer: '', finance: '' };
  let officerId: string;
  let orderSystem: AuditContext;
  /** The customer whose data is read. */
  let subject: string;
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 3_600_000).toISOString();

  /** A support employee's read of the subject's data, recorded (and sealed) on the primary. */
  const recordRead = async (purpose: string) => {
    const event = auditEvent(
      offlineContext({ id: randomUUID(), kind: 'employee', role: 'support' }, purpose),
      { action: 'read', subjectId: subject, categories: ['email'], fields: ['email'] },
    );
    await tolerant.platform.services.audit.record([event]);
    return event.eventId;
  };
  /** An order whose VAT evidence (German IP address, IBAN and phone) disagrees with its Dutch billing address. */
  const scoreMismatch = async (name: string) =>
    (
      await tolerant.platform.services.orders.score(
        tolerant.platform.db.orm.em.fork(),
        {
          idempotencyKey: randomUUID(),
          customer: { name, email: `${randomUUID()}@example.nl`, address: ADDRESS },
          ipAddress: '35.156.1.1',
          iban: 'DE89370400440532013000',
          phone: '+49 30 1234567',
          billingAddress: ADDRESS,
          items: [{ product: 'hosting', amountCents: 1500 }],
          currency: 'EUR',
        },
        orderSystem,
      )
    ).order.id;
  const auditEventIds = async (service: Service) => {
    const answer = await service.graphql(
      AuditEventsDocument,
      { filter: { subjectId: subject }, first: 100 },
      tokens.officer,
      'inspection',
    );
    expect(answer.errors).toBeUndefined();
    return {
      ids: answer.data!.auditEvents.edges.map((e) => e.node.id),
      origin: answer.extensions?.readFrom,
    };
  };
  /** The officer's reads of the subject recorded by `auditEvents`, on the server `client` is connected to. */
  const officerReadsOn = async (client: Client) =>
    (
      await client.query<{ n: number }>(
        `select count(*)::int as n from audit_event
         where subject_id = $1 and actor_id = $2 and fields = array['auditEvents']`,
        [subject, officerId],
      )
    ).rows[0]!.n;

  const dataDirs: string[] = [];
  const dataDir = () => {
    dataDirs.push(mkdtempSync(path.join(tmpdir(), 'pfp-replica-test-')));
    return dataDirs[dataDirs.length - 1]!;
  };

  beforeAll(async () => {
    replica = await startStreamingReplica();
    baseEnv = {
      NODE_ENV: 'test',
      DATABASE_URL: replica.primaryUrl,
      DATABASE_REPLICA_URL: replica.replicaUrl,
      DATABASE_POOL_MAX: '4',
      OTEL_SDK_DISABLED: 'true',
      ...testKeyEnv(),
    };
    tolerant = await startService({
      ...baseEnv,
      DATA_DIR: dataDir(),
      DATABASE_REPLICA_MAX_LAG_MS: '3600000',
    });
    strict = await startService({ ...baseEnv, DATA_DIR: dataDir(), DATABASE_REPLICA_MAX_LAG_MS: '0' });
    standby = await replica.replicaClient();
    const em = tolerant.platform.db.orm.em.fork();
    const actors = tolerant.platform.services.actors;
    const officer = await actors.create(em, { kind: 'employee', role: 'privacy_officer', name: 'Pia' });
    officerId = officer.actor.id;
    tokens.officer = officer.token;
    tokens.finance = (await actors.create(em, { kind: 'employee', role: 'finance', name: 'Fenna' })).token;
    const service = await actors.create(em, { kind: 'service', role: 'order_system', name: 'orders' });
    subject = (
      await tolerant.platform.services.customers.create(
        em,
        { name: 'Lotte Mulder', email: 'lotte@example.nl', address: ADDRESS },
        offlineContext(null, 'account-management'),
      )
    ).id;
    orderSystem = { ...offlineContext(service.actor, 'fraud-prevention'), actorKind: 'service' };
  }, 120_000);
  afterAll(async () => {
    await standby?.end().catch(() => undefined);
    await tolerant?.close();
    await strict?.close();
    await replica?.stop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('answers from the replica within the allowed lag, and from the primary beyond it', async () => {
    const before = await recordRead('support-ticket:1');
    const beforeOrder = await scoreMismatch('Voor de pauze');
    await replica.caughtUp();
    const first = await auditEventIds(tolerant);
    expect(first.ids).toContain(before);
    expect(first.origin?.auditEvents?.source).toBe('replica');

    // The standby stops replaying; the primary goes on.
    await replica.caughtUp();
    await standby.query('select pg_wal_replay_pause()');
    await waitFor(async () => {
      const { rows } = await standby.query<{ state: string }>(
        'select pg_get_wal_replay_pause_state() as state',
      );
      return rows[0]!.state === 'paused';
    });
    const after = await recordRead('support-ticket:2');
    const afterOrder = await scoreMismatch('Na de pauze');

    const stale = await auditEventIds(tolerant);
    expect(stale.origin?.auditEvents?.source).toBe('replica');
    expect(stale.origin?.auditEvents?.lagMs).toBeGreaterThan(0);
    expect(stale.ids).toContain(before);
    expect(stale.ids).not.toContain(after);
    const fresh = await auditEventIds(strict);
    expect(fresh.origin).toEqual({ auditEvents: { source: 'primary', lagMs: 0 } });
    expect(fresh.ids).toEqual(expect.arrayContaining([before, after]));

    // Each read's own audit event was committed on the primary before its answer came back; the paused
    // standby has only the one made before the pause.
    const primary = await tolerant.platform.db.orm.em.getConnection().execute<{ n: number }[]>(
      `select count(*)::int as n from audit_event
       where subject_id = ? and actor_id = ? and fields = array['auditEvents']`,
      [subject, officerId],
    );
    expect(primary[0]!.n).toBe(3);
    expect(await officerReadsOn(standby)).toBe(1);

    // The other inspection reads go the same way.
    const summary = await tolerant.graphql(
      AccessSummaryDocument,
      { subjectId: subject },
      tokens.officer,
      'inspection',
    );
    expect(summary.extensions?.readFrom?.accessSummary?.source).toBe('replica');
    const purposes = (answer: typeof summary) => answer.data!.accessSummary.map((r) => r.purpose);
    expect(purposes(summary)).not.toContain('support-ticket:2');
    const freshSummary = await strict.graphql(
      AccessSummaryDocument,
      { subjectId: subject },
      tokens.officer,
      'inspection',
    );
    expect(freshSummary.extensions?.readFrom?.accessSummary?.source).toBe('primary');
    expect(purposes(freshSummary)).toContain('support-ticket:2');
    const unusual = await tolerant.graphql(UnusualAccessDocument, { from, to }, tokens.officer, 'inspection');
    expect(unusual.errors).toBeUndefined();
    expect(unusual.extensions?.readFrom?.unusualAccess?.source).toBe('replica');

    const mismatches = async (service: Service) => {
      const answer = await service.graphql(
        VatMismatchesDocument,
        { from, to, first: 100 },
        tokens.finance,
        'vat-audit',
      );
      expect(answer.errors).toBeUndefined();
      return {
        ids: answer.data!.vatMismatches.edges.map((e) => e.node.order.id),
        origin: answer.extensions?.readFrom?.vatMismatches?.source,
      };
    };
    expect(await mismatches(tolerant)).toEqual({ ids: [beforeOrder], origin: 'replica' });
    // The asker's mistake is answered as such, not taken for the replica's failure and asked again.
    const refused = await tolerant.graphql(
      VatMismatchesDocument,
      { from, to, country: 'XX' },
      tokens.finance,
      'vat-audit',
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tolerant.lines.join('\n')).not.toMatch(/failed on the replica/);
    expect(await mismatches(strict)).toEqual({ ids: [afterOrder, beforeOrder], origin: 'primary' });
    const orders = async (service: Service) => {
      const answer = await service.graphql(
        VatEvidenceSummaryDocument,
        { from, to },
        tokens.finance,
        'vat-audit',
      );
      return {
        orders: answer.data!.vatEvidenceSummary.reduce((n, row) => n + row.orders + row.rejected, 0),
        origin: answer.extensions?.readFrom?.vatEvidenceSummary?.source,
      };
    };
    expect(await orders(tolerant)).toEqual({ orders: 1, origin: 'replica' });
    expect(await orders(strict)).toEqual({ orders: 2, origin: 'primary' });

    // The command-line export takes the same path, and says where it read.
    const out = path.join(dataDir(), 'events.json');
    const exported = await runCli(
      [
        'audit',
        'export',
        '--subject',
        subject,
        '--actor',
        officerId,
        '--purpose',
        'inspection',
        '--format',
        'json',
        '--out',
        out,
      ],
      tolerant.env,
    );
    expect(exported.code, exported.out).toBe(0);
    expect(exported.stdout).toMatch(/Read from the replica, \d+ ms behind the primary\./);
    const exportedIds = (
      JSON.parse(readFileSync(out, 'utf8')) as { events: { eventId: string }[] }
    ).events.map((e) => e.eventId);
    expect(exportedIds).toContain(before);
    expect(exportedIds).not.toContain(after);

    // Replaying again, the replica catches up and answers with everything.
    await standby.query('select pg_wal_replay_resume()');
    await replica.caughtUp();
    const resumed = await auditEventIds(tolerant);
    expect(resumed.origin?.auditEvents?.source).toBe('replica');
    expect(resumed.ids).toEqual(expect.arrayContaining([before, after]));
    expect(strict.lines.join('\n')).toMatch(
      /the replica is \d+ ms behind the primary, more than DATABASE_REPLICA_MAX_LAG_MS \(0\); the primary answers/,
    );
  });

  it('refuses a replica URL that names a primary, saying so once, and answers from the primary', async () => {
    // The primary over TCP: another URL than DATABASE_URL (its socket), the same server.
    const primaryOverTcp = new URL(replica.replicaUrl);
    primaryOverTcp.port = new URL(replica.primaryUrl).port;
    const misconfigured = await startService({
      ...baseEnv,
      DATA_DIR: dataDir(),
      DATABASE_REPLICA_URL: primaryOverTcp.toString(),
    });
    try {
      for (let i = 0; i < 2; i++) {
        const answer = await misconfigured.graphql(
          AuditEventsDocument,
          { filter: { subjectId: subject } },
          tokens.officer,
          'inspection',
        );
        expect(answer.extensions?.readFrom).toEqual({ auditEvents: { source: 'primary', lagMs: 0 } });
      }
      const refusals = misconfigured.lines.filter((line) => line.includes('is not a replica'));
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toMatch(/not in recovery/);
      expect(refusals[0]).toContain('postgres:***@127.0.0.1');
    } finally {
      await misconfigured.close();
    }
  });

  it('answers from the primary when the replica is down, and logs why', async () => {
    await replica.stopReplica();
    const { ids, origin } = await auditEventIds(tolerant);
    expect(origin).toEqual({ auditEvents: { source: 'primary', lagMs: 0 } });
    expect(ids.length).toBeGreaterThan(1);
    expect(tolerant.lines.join('\n')).toMatch(/the replica .* cannot be reached \(.+\); the primary answers/);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
