/**
 * The audit log over HTTP: every personal-data read is recorded before it is released, the privacy
 * officer's questions and proofs, and failing closed when the audit log cannot be written.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'pg';
import { offlineContext } from '../../audit/audit-context';
import { hashFromHex, verifyInclusion } from '../../audit/merkle';
import {
  AccessSummaryDocument,
  AuditCheckpointDocument,
  AuditConsistencyProofDocument,
  AuditEventsDocument,
  AuditInclusionProofDocument,
  CreateCustomerDocument,
  CustomerDocument,
  CustomerRegistrantDocument,
  CustomerStatusDocument,
  UnusualAccessDocument,
  UpdateCustomerDocument,
  VerifyAuditLogDocument,
} from '../../schema/generated/graphql';
import { ThirdPartyKind } from '../../src/db/entities/privacy.entities';
import { applicationRoleEnv, startTestServer, type TestServer } from '../support/test-platform';

const input = {
  name: 'Lotte Mulder',
  email: 'lotte@example.nl',
  phone: '+31 6 22222222',
  address: { street: 'Oudegracht 10', postalCode: '3511 AR', city: 'Utrecht', country: 'NL' },
};

async function actors(t: TestServer) {
  const em = t.platform.db.orm.em.fork();
  const make = async (kind: 'employee' | 'third_party', role: string, name: string) =>
    (await t.platform.services.actors.create(em, { kind, role, name })).token;
  return {
    admin: await make('employee', 'admin', 'Admin'),
    support: await make('employee', 'support', 'Sam Support'),
    officer: await make('employee', 'privacy_officer', 'Pia Privacy'),
    registry: await make('third_party', 'registry', 'SIDN'),
  };
}

/** Ties the registry's actor to a register entry and discloses the customer to it, so it may read them. */
async function discloseToRegistry(t: TestServer, registryToken: string, customerId: string): Promise<void> {
  const em = t.platform.db.orm.em.fork();
  const registry = await t.platform.services.actors.authenticate(em, registryToken);
  const entry = await t.platform.services.thirdParties.register(
    em,
    {
      name: 'SIDN (audit test)',
      kind: ThirdPartyKind.DomainRegistry,
      receives: ['name', 'company', 'address', 'email', 'phone'],
      madePublic: ['name'],
      disclosurePolicy: 'Shows only the holder name.',
      actorId: registry.id,
    },
    null,
  );
  await t.platform.services.thirdParties.recordDisclosure(
    em,
    {
      customerId,
      thirdPartyId: entry.id,
      categories: ['name', 'company', 'address', 'email', 'phone'],
      purpose: 'domain-registration',
      reference: 'order:NL-2026-0042',
    },
    offlineContext(null, 'domain-registration'),
  );
}

describe('audit log over HTTP (service running as the application role)', () => {
  let t: TestServer;
  let tokens: Awaited<ReturnType<typeof actors>>;
  let customerId: string;

  beforeAll(async () => {
    t = await startTestServer(applicationRoleEnv);
    tokens = await actors(t);
    const created = await t.graphql(CreateCustomerDocument, {
      variables: { input },
      token: tokens.admin,
      purpose: 'account-management',
    });
    customerId = created.body.data!.createCustomer.id;
    await discloseToRegistry(t, tokens.registry, customerId);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('records a read with who, role, purpose, fields and request facts, never the values', async () => {
    const read = await t.graphql(CustomerRegistrantDocument, {
      variables: { id: customerId },
      token: tokens.registry,
      purpose: 'domain-registration',
      headers: {
        'x-on-behalf-of': 'order:NL-2026-0042',
        'user-agent': 'registry-client/1.0',
        'x-request-id': 'req-abcdef12',
      },
    });
    expect(read.body.errors, JSON.stringify(read.body.errors)).toBeUndefined();
    await t.platform.services.audit.sealer.sealPending();

    const events = await t.graphql(AuditEventsDocument, {
      variables: { filter: { subjectId: customerId, action: 'read', actorKind: 'third_party' } },
      token: tokens.officer,
      purpose: 'inspection',
    });
    expect(events.body.errors).toBeUndefined();
    const event = events.body.data!.auditEvents.edges[0]!.node;
    expect(event).toMatchObject({
      actorKind: 'third_party',
      role: 'registry',
      onBehalfOf: 'order:NL-2026-0042',
      subjectId: customerId,
      action: 'read',
      purpose: 'domain-registration',
      requestId: 'req-abcdef12',
      userAgent: 'registry-client/1.0',
      clientIp: expect.stringMatching(/127\.0\.0\.1/),
    });
    expect(event.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(event.fields).toEqual(expect.arrayContaining(['address', 'email', 'name', 'phone']));
    expect(event.categories).toEqual(expect.arrayContaining(['address', 'email', 'name', 'phone']));
    expect(JSON.stringify(event)).not.toContain('lotte@example.nl');
  });

  it('refuses X-On-Behalf-Of from an actor that is not a third party, and records nothing', async () => {
    await t.platform.services.audit.sealer.sealPending();
    const count = async () => {
      const events = await t.graphql(AuditEventsDocument, {
        variables: { filter: { subjectId: customerId, actorKind: 'employee', action: 'read' }, first: 100 },
        token: tokens.officer,
        purpose: 'inspection',
      });
      return events.body.data!.auditEvents.edges.filter((e) => e.node.role === 'support').length;
    };
    const before = await count();
    // Anything a caller writes here would be kept for good in the append-only log as the order the
    // read was for, a phone number as readily as an order; only a third party's is held to the register.
    const read = await t.graphql(CustomerDocument, {
      variables: { id: customerId },
      token: tokens.support,
      purpose: 'support-ticket:778',
      headers: { 'x-on-behalf-of': 'order-0622222222' },
    });
    expect(read.body.data ?? null).toBeNull();
    expect(read.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'X-On-Behalf-Of',
    });
    expect(JSON.stringify(read.body)).not.toContain('lotte@example.nl');
    await t.platform.services.audit.sealer.sealPending();
    expect(await count()).toBe(before);
  });

  it('records the creation in the same transaction, and records nothing for a request that released nothing', async () => {
    await t.platform.services.audit.sealer.sealPending();
    const before = await t.graphql(AuditEventsDocument, {
      variables: { filter: { subjectId: customerId }, first: 100 },
      token: tokens.officer,
      purpose: 'inspection',
    });
    await t.graphql(CustomerStatusDocument, { variables: { id: customerId }, token: tokens.support });
    await t.platform.services.audit.sealer.sealPending();
    const after = await t.graphql(AuditEventsDocument, {
      variables: { filter: { subjectId: customerId }, first: 100 },
      token: tokens.officer,
      purpose: 'inspection',
    });
    const actions = (r: typeof after) => r.body.data!.auditEvents.edges.map((e) => e.node.action);
    // Only the officer's own look-up of the log was added (an access-log read), not a read of the customer.
    expect(actions(after).filter((a) => a === 'read').length).toBe(
      actions(before).filter((a) => a === 'read').length + 1,
    );
    expect(actions(after)).toContain('create');
  });

  it('answers accessSummary per actor and purpose with counts and categories', async () => {
    for (let i = 0; i < 3; i++) {
      await t.graphql(CustomerDocument, {
        variables: { id: customerId },
        token: tokens.support,
        purpose: 'support-ticket:777',
      });
    }
    await t.platform.services.audit.sealer.sealPending();
    const summary = await t.graphql(AccessSummaryDocument, {
      variables: { subjectId: customerId },
      token: tokens.officer,
      purpose: 'inspection',
    });
    expect(summary.body.errors).toBeUndefined();
    const support = summary.body.data!.accessSummary.find((s) => s.purpose === 'support-ticket:777');
    expect(support).toMatchObject({ actorName: 'Sam Support', role: 'support', reads: 3 });
    expect(support!.categories).toEqual(expect.arrayContaining(['email', 'name']));
  });

  it('refuses the audit queries to other roles and without a purpose', async () => {
    const bySupport = await t.graphql(AccessSummaryDocument, {
      variables: { subjectId: customerId },
      token: tokens.support,
      purpose: 'support-ticket:1',
    });
    expect(bySupport.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const noPurpose = await t.graphql(AuditEventsDocument, { token: tokens.officer });
    expect(noPurpose.body.errors?.[0]?.extensions?.code).toBe('PURPOSE_REQUIRED');
  });

  it("lets every authenticated role hold the log's signed state, which holds no personal data; no one without a token", async () => {
    for (const [name, token] of Object.entries(tokens)) {
      const r = await t.graphql(AuditCheckpointDocument, { token });
      expect(r.body.errors, `${name}: ${JSON.stringify(r.body.errors)}`).toBeUndefined();
      expect(r.body.data!.auditCheckpoint.signature, name).toMatch(/^[0-9a-f]+$/);
    }
    const anonymous = await t.graphql(AuditCheckpointDocument, {});
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Verifying the whole log is work for the privacy officer and the administrator.
    const verify = await t.graphql(VerifyAuditLogDocument, { token: tokens.support });
    expect(verify.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('serves checkpoint, inclusion and consistency proofs that verify, and verifies the whole log', async () => {
    const cp = (await t.graphql(AuditCheckpointDocument, { token: tokens.officer })).body.data!
      .auditCheckpoint;
    expect(cp.signedText).toContain(`\n${cp.treeSize}\n`);
    const events = await t.graphql(AuditEventsDocument, {
      variables: { first: 20 },
      token: tokens.officer,
      purpose: 'inspection',
    });
    // The log grows while the test reads it (the officer's own reads are audited, and checkpoints follow
    // within half a second): prove an event the checkpoint covers, at the checkpoint's size.
    const eventId = events.body.data!.auditEvents.edges.find((e) => e.node.sequence < cp.treeSize)!.node.id;
    const proof = (
      await t.graphql(AuditInclusionProofDocument, {
        variables: { eventId, treeSize: cp.treeSize },
        token: tokens.officer,
      })
    ).body.data!.auditInclusionProof;
    expect(proof.rootHash).toBe(cp.rootHash);
    verifyInclusion(
      hashFromHex(proof.leafHash),
      proof.leafIndex,
      proof.treeSize,
      proof.proof.map((h) => hashFromHex(h)),
      hashFromHex(cp.rootHash),
    );
    const consistency = await t.graphql(AuditConsistencyProofDocument, {
      variables: { fromSize: 1, toSize: cp.treeSize },
      token: tokens.officer,
    });
    expect(consistency.body.data!.auditConsistencyProof.toRoot).toBe(cp.rootHash);
    const bad = await t.graphql(AuditConsistencyProofDocument, {
      variables: { fromSize: 5, toSize: cp.treeSize + 10 },
      token: tokens.officer,
    });
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'toSize' });
    const verified = await t.graphql(VerifyAuditLogDocument, {
      variables: { against: { treeSize: cp.treeSize, rootHash: cp.rootHash } },
      token: tokens.officer,
    });
    expect(verified.body.data!.verifyAuditLog).toMatchObject({ ok: true, firstBadSequence: null });
  });

  it('flags an actor who reads far more people than usual', async () => {
    const em = t.platform.db.orm.em.fork();
    const snoop = await t.platform.services.actors.create(em, {
      kind: 'employee',
      role: 'support',
      name: 'Curious',
    });
    for (let i = 0; i < 12; i++) {
      const c = await t.graphql(CreateCustomerDocument, {
        variables: { input: { ...input, email: `bulk${i}@example.nl` } },
        token: tokens.admin,
        purpose: 'account-management',
      });
      await t.graphql(CustomerDocument, {
        variables: { id: c.body.data!.createCustomer.id },
        token: snoop.token,
        purpose: 'support-ticket:9',
      });
    }
    await t.platform.services.audit.sealer.sealPending();
    const now = new Date();
    const r = await t.graphql(UnusualAccessDocument, {
      variables: {
        from: new Date(now.getTime() - 86_400_000).toISOString(),
        to: new Date(now.getTime() + 60_000).toISOString(),
      },
      token: tokens.officer,
      purpose: 'inspection',
    });
    expect(r.body.errors).toBeUndefined();
    const flagged = r.body.data!.unusualAccess.find((u) => u.actorId === snoop.actor.id);
    expect(flagged).toMatchObject({ actorName: 'Curious', distinctSubjects: 12 });
    expect(r.body.data!.unusualAccess.some((u) => u.actorName === 'Sam Support')).toBe(false);
  });

  it('fails closed: when the audit insert fails, no personal data is returned and no change is stored', async () => {
    const sql = await t.db.superuser();
    // Reads are sealed straight into audit_event; changes write their events to the inbox.
    await sql.query('revoke insert on audit_event, audit_inbox from platform_app');
    try {
      const read = await t.graphql(CustomerDocument, {
        variables: { id: customerId },
        token: tokens.support,
        purpose: 'support-ticket:5',
      });
      expect(read.status).toBe(503);
      expect(read.body.data ?? null).toBeNull();
      expect(read.body.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
      expect(JSON.stringify(read.body)).not.toContain('Lotte');

      const write = await t.graphql(UpdateCustomerDocument, {
        variables: { id: customerId, input: { name: 'Changed Name' } },
        token: tokens.support,
        purpose: 'support-ticket:5',
      });
      expect(write.body.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(write.body)).not.toContain('Changed Name');
    } finally {
      await sql.query('grant insert on audit_event, audit_inbox to platform_app');
    }
    const after = await t.graphql(CustomerDocument, {
      variables: { id: customerId },
      token: tokens.support,
      purpose: 'support-ticket:5',
    });
    expect(after.body.data!.customer.name).toBe('Lotte Mulder');
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the audit tables to the application role', async () => {
    const url = t.platform.config.database.url!;
    const app = new Client({ connectionString: url });
    await app.connect();
    try {
      for (const statement of [
        "update audit_event set purpose = 'x'",
        'delete from audit_checkpoint',
        'truncate audit_tree_node',
        'delete from audit_inbox',
      ]) {
        await expect(app.query(statement), statement).rejects.toThrow(/permission denied|append-only/);
      }
      expect((await app.query('select count(*)::int as n from audit_event')).rows[0].n).toBeGreaterThan(0);

      // An inbox row leaves only into the log: audit_inbox_take (the sealer's way) removes it once the
      // same event, every column equal, stands in audit_event, and not for a look-alike. Uncommitted, so
      // the running sealer never sees it.
      await app.query('begin');
      try {
        const eventId = randomUUID();
        const { rows } = await app.query<{ inbox_id: string }>(
          `insert into audit_inbox (event_id, occurred_at, actor_kind, categories, fields, action, purpose)
           values ($1, '2026-11-26T10:00:00.123Z', 'employee', '{name}', '{name}', 'update', 'support-ticket:9')
           returning inbox_id`,
          [eventId],
        );
        const take = async () =>
          (await app.query('select audit_inbox_take($1::bigint[]) as n', [[rows[0]!.inbox_id]])).rows[0].n;
        expect(await take()).toBe(0);
        const logged = (sequence: number, purpose: string) =>
          app.query(
            `insert into audit_event (sequence, event_id, occurred_at, sealed_at, actor_kind, categories, fields,
               action, purpose, leaf_hash)
             values ($1, $2, '2026-11-26T10:00:00.123Z', now(), 'employee', '{name}', '{name}', 'update', $3, '\\x00')`,
            [sequence, eventId, purpose],
          );
        await logged(900_000_000, 'support-ticket:1'); // another purpose: not the event the change committed
        expect(await take()).toBe(0);
        await logged(900_000_001, 'support-ticket:9');
        expect(await take()).toBe(1);
      } finally {
        await app.query('rollback');
      }
    } finally {
      await app.end();
    }
  });
});
