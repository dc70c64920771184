/**
 * The audit log on PostgreSQL: sealing into a gap-free sequence, signed checkpoints, proofs that verify
 * with the standalone verifier, and verification that catches every kind of tampering.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalAuditRecord, type AuditEvent } from '../../audit/audit-event';
import { readWitnessFile, WITNESS_FILE_NAME } from '../../audit/checkpoint-witness';
import { hashFromHex, verifyConsistency, verifyInclusion } from '../../audit/merkle';
import { verifyEventProof } from '../../audit/standalone-verifier';
import type { AuditLog } from '../../audit/audit-log';
import { VerifyAuditLogDocument } from '../../schema/generated/graphql';
import { createTestPlatform, startTestServer, type TestPlatform } from '../support/test-platform';
import { readEvents, tamper } from '../support/audit-fixtures';

describe('audit log', () => {
  let t: TestPlatform;
  let audit: AuditLog;

  beforeAll(async () => {
    t = await createTestPlatform();
    audit = t.platform.services.audit;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('seals recorded events into one gap-free sequence with a signed checkpoint per batch', async () => {
    await Promise.all([
      audit.record(readEvents(30)),
      audit.record(readEvents(20)),
      audit.record(readEvents(1)),
    ]);
    const checkpoints = await audit.sealer.sealPending();
    expect(checkpoints.length).toBeGreaterThan(0);
    const sql = await t.db.superuser();
    const { rows } = await sql.query('select sequence from audit_event order by sequence');
    expect(rows.map((r) => Number(r.sequence))).toEqual(Array.from({ length: 51 }, (_, i) => i));
    expect((await sql.query('select count(*)::int as n from audit_inbox')).rows[0].n).toBe(0);
    const latest = await audit.latestCheckpoint();
    expect(latest?.treeSize).toBe(51);
    const verification = await audit.verify();
    expect(verification).toMatchObject({ ok: true, treeSize: 51, checkedEvents: 51, firstBadSequence: null });
  });

  it('gives inclusion proofs that the standalone verifier accepts, and consistency proofs between checkpoints', async () => {
    const first = await audit.latestCheckpoint();
    await audit.record(readEvents(13));
    await audit.sealer.sealPending();
    const second = await audit.latestCheckpoint();
    expect(second!.treeSize).toBe(first!.treeSize + 13);

    const [event] = await audit.events({}, 1, null);
    const proof = await audit.inclusionProof(event!.eventId);
    expect(proof.treeSize).toBe(second!.treeSize);
    expect(proof.rootHash).toBe(second!.rootHash);
    verifyInclusion(
      hashFromHex(proof.leafHash),
      proof.leafIndex,
      proof.treeSize,
      proof.proof.map((h) => hashFromHex(h)),
      hashFromHex(second!.rootHash),
    );

    const bundle = { event: canonicalAuditRecord(event as AuditEvent), proof, checkpoint: second! };
    const ok = verifyEventProof({ ...bundle, trustedPublicKey: audit.publicKeyHex });
    expect(ok.ok).toBe(true);
    const forged = verifyEventProof({
      ...bundle,
      event: { ...bundle.event, purpose: 'marketing' },
      trustedPublicKey: audit.publicKeyHex,
    });
    expect(forged.ok).toBe(false);

    const consistency = await audit.consistencyProof(first!.treeSize, second!.treeSize);
    expect(consistency.fromRoot).toBe(first!.rootHash);
    verifyConsistency(
      first!.treeSize,
      second!.treeSize,
      hashFromHex(first!.rootHash),
      hashFromHex(second!.rootHash),
      consistency.proof.map((h) => hashFromHex(h)),
    );
    // Every checkpoint is also in the witness file outside the database.
    const witnessed = await readWitnessFile(path.join(t.platform.config.audit.witnessDir, WITNESS_FILE_NAME));
    expect(witnessed.map((c) => c.treeSize)).toContain(second!.treeSize);
  });

  it('refuses proofs for unknown events and sizes beyond the signed tree', async () => {
    await expect(audit.inclusionProof('6b0d6ad8-0000-4000-8000-000000000000')).rejects.toThrow(
      /not \(yet\) sealed/,
    );
    const latest = await audit.latestCheckpoint();
    await expect(audit.consistencyProof(1, latest!.treeSize + 1)).rejects.toThrow(
      /toSize: must be between 1 and the signed tree size/,
    );
  });

  it('is append-only for every role: the triggers refuse UPDATE, DELETE and TRUNCATE even for a superuser', async () => {
    const sql = await t.db.superuser();
    await expect(sql.query("update audit_event set purpose = 'x' where sequence = 0")).rejects.toThrow(
      /append-only/,
    );
    await expect(sql.query('delete from audit_event where sequence = 0')).rejects.toThrow(/append-only/);
    await expect(sql.query('truncate audit_event')).rejects.toThrow(/append-only/);
    const partition = (await sql.query('select min(tableoid::regclass::text) as p from audit_event')).rows[0]
      .p as string;
    await expect(sql.query(`truncate ${partition}`)).rejects.toThrow(/append-only/);
    await expect(sql.query('delete from audit_checkpoint')).rejects.toThrow(/append-only/);
    await expect(sql.query('update audit_tree_node set hash = hash')).rejects.toThrow(/append-only/);
  });

  it('gives the application role only INSERT and SELECT on the sealed audit tables', async () => {
    const sql = await t.db.superuser();
    const { rows } = await sql.query(
      `select table_name, string_agg(privilege_type, ',' order by privilege_type) as privileges
       from information_schema.role_table_grants where grantee = 'platform_app'
         and table_name in ('audit_event', 'audit_checkpoint', 'audit_tree_node') group by table_name order by table_name`,
    );
    expect(rows).toEqual([
      { table_name: 'audit_checkpoint', privileges: 'INSERT,SELECT' },
      { table_name: 'audit_event', privileges: 'INSERT,SELECT' },
      { table_name: 'audit_tree_node', privileges: 'INSERT,SELECT' },
    ]);
  });
});

describe('audit log tampering', () => {
  // Each case gets a fresh log of 40 events sealed in four checkpoints.
  /** Runs `work` on a platform of its own holding 40 sealed events (4 checkpoints), then closes it. */
  async function withFreshLog(
    work: (log: { t: TestPlatform; audit: AuditLog; sql: Client }) => Promise<void>,
  ): Promise<void> {
    const t = await createTestPlatform();
    try {
      const audit = t.platform.services.audit;
      for (let i = 0; i < 4; i++) {
        await audit.record(readEvents(10));
        await audit.sealer.sealPending();
      }
      await work({ t, audit, sql: await t.db.superuser() });
    } finally {
      await t.close();
    }
  }

  it('names an edited event', async () => {
    await withFreshLog(async ({ audit, sql }) => {
      await tamper(sql, "update audit_event set purpose = 'vat-audit' where sequence = 17");
      expect(await audit.verify()).toMatchObject({ ok: false, firstBadSequence: 17 });
      // Recomputing the stored leaf hash as well only moves the mismatch to the tree and checkpoint.
    });
  });

  it('names an event edited together with its stored leaf hashes', async () => {
    await withFreshLog(async ({ audit, sql }) => {
      await tamper(
        sql,
        "update audit_event set purpose = 'vat-audit', leaf_hash = '\\x00' where sequence = 25",
      );
      await tamper(sql, "update audit_tree_node set hash = '\\x00' where level = 0 and idx = 25");
      const result = await audit.verify();
      expect(result.ok).toBe(false);
      expect(result.firstBadSequence).toBe(25);
    });
  });

  it('names an event whose stored tree node alone was changed (proofs are served from those nodes)', async () => {
    await withFreshLog(async ({ audit, sql }) => {
      await tamper(sql, "update audit_tree_node set hash = sha256('forged') where level = 0 and idx = 12");
      expect(await audit.verify()).toMatchObject({ ok: false, firstBadSequence: 12 });
    });
  });

  it('names a stored subtree hash changed alone (verify passed it, and proofs through it failed)', async () => {
    await withFreshLog(async ({ audit, sql }) => {
      // Leaves 4 to 7: a right-hand subtree, never the root of a checkpoint's range.
      await tamper(sql, "update audit_tree_node set hash = sha256('forged') where level = 2 and idx = 1");
      const result = await audit.verify();
      expect(result).toMatchObject({ ok: false, firstBadSequence: 4 });
      expect(result.message).toMatch(/stored tree node over events 4 to 7 does not match them/);
    });
    await withFreshLog(async ({ audit, sql }) => {
      await tamper(sql, 'delete from audit_tree_node where level = 3 and idx = 2');
      expect(await audit.verify()).toMatchObject({ ok: false, firstBadSequence: 16 });
      expect((await audit.verify()).message).toMatch(
        /over events 16 to 23 does not match them \(changed or deleted/,
      );
    });
  });

  it('names a deleted event', async () => {
    await withFreshLog(async ({ audit, sql }) => {
      await tamper(sql, 'delete from audit_event where sequence = 8');
      expect(await audit.verify()).toMatchObject({ ok: false, firstBadSequence: 8 });
    });
  });

  it('names reordered events', async () => {
    await withFreshLog(async ({ audit, sql }) => {
      await tamper(sql, 'update audit_event set sequence = -1 where sequence = 30');
      await tamper(sql, 'update audit_event set sequence = 30 where sequence = 31');
      await tamper(sql, 'update audit_event set sequence = 31 where sequence = -1');
      expect(await audit.verify()).toMatchObject({ ok: false, firstBadSequence: 30 });
    });
  });

  it('names an event inserted below sequence 0, where the tree is never read (the application role may insert)', async () => {
    await withFreshLog(async ({ audit, sql }) => {
      await sql.query('set role platform_app');
      try {
        await sql.query(
          `insert into audit_event (sequence, event_id, occurred_at, sealed_at, actor_id, actor_kind, role,
             subject_id, categories, fields, action, purpose, leaf_hash)
           select -1, gen_random_uuid(), now(), now(), actor_id, actor_kind, role, subject_id, categories,
             fields, 'export', purpose, '\\x00'
           from audit_event where sequence = 39`,
        );
      } finally {
        await sql.query('reset role');
      }
      // auditEvents shows it as the newest of its subject's events ...
      const [newest] = await audit.events({}, 1, null);
      expect(newest?.sequence).toBe(-1);
      // ... so verification must not pass over it.
      const result = await audit.verify();
      expect(result).toMatchObject({ ok: false, firstBadSequence: -1 });
      expect(result.message).toMatch(/event -1 lies outside the tree/);
    });
  });

  it('catches an edited checkpoint', async () => {
    await withFreshLog(async ({ audit, sql }) => {
      await tamper(sql, "update audit_checkpoint set root_hash = sha256('forged') where tree_size = 20");
      const result = await audit.verify();
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/checkpoint at tree size 20/);
    });
  });

  it('catches deletion of the newest events with their checkpoints, against the externally held checkpoint', async () => {
    await withFreshLog(async ({ t, audit, sql }) => {
      const witnessFile = path.join(t.platform.config.audit.witnessDir, WITNESS_FILE_NAME);
      const held = (await readWitnessFile(witnessFile)).at(-1)!;
      expect(held.treeSize).toBe(40);
      await tamper(sql, 'delete from audit_event where sequence >= 30');
      await tamper(sql, 'delete from audit_tree_node where idx >= 30 and level = 0');
      await tamper(sql, 'delete from audit_checkpoint where tree_size > 30');
      // The database alone now looks consistent ...
      expect((await audit.verify()).ok).toBe(true);
      // ... but not against the checkpoint held outside it ...
      const result = await audit.verify(held);
      expect(result).toMatchObject({ ok: false, firstBadSequence: 30 });
      expect(result.message).toMatch(/covers 40 events but the log holds only 30/);
      // ... which verifyAuditLog reads from the witness file itself, when it is given none.
      expect(await audit.verifyWithWitnesses()).toEqual(result);
      expect(readFileSync(witnessFile, 'utf8')).toContain('"treeSize":40');
    });
  });

  it('catches the newest events cut with their checkpoints and tree state while the service goes on signing, against every witness line', async () => {
    await withFreshLog(async ({ t, audit, sql }) => {
      const witnessFile = path.join(t.platform.config.audit.witnessDir, WITNESS_FILE_NAME);
      // Cut back to 30 events, with the tree state set to what it was at 30 (16 + 8 + 4 + 2 leaves).
      await tamper(sql, 'delete from audit_event where sequence >= 30');
      await tamper(sql, 'delete from audit_tree_node where (idx + 1) * (1::bigint << level) > 30');
      await tamper(sql, 'delete from audit_checkpoint where tree_size > 30');
      await tamper(
        sql,
        `update audit_sealer_state set tree_size = 30, compact_range = jsonb_build_object('size', 30, 'hashes',
           (select jsonb_agg(encode(hash, 'hex') order by level desc) from audit_tree_node
            where (level, idx) in ((4, 0), (3, 2), (2, 6), (1, 14))))`,
      );
      // The service goes on: new events, and a checkpoint over the rewritten log in the witness file.
      await audit.record(readEvents(12));
      await audit.sealer.sealPending();
      await audit.appender.published();
      const witnessed = await readWitnessFile(witnessFile);
      const newest = witnessed.at(-1)!;
      expect(newest.treeSize).toBe(42);
      // The newest line alone is one the service signed after the cut ...
      expect(await audit.verify(newest)).toMatchObject({ ok: true });
      // ... but the line at 40 written before it holds the history that was cut.
      const result = await audit.verify(newest, { heldOutside: witnessed });
      expect(result).toMatchObject({ ok: false, firstBadSequence: 30 });
      expect(result.message).toMatch(/do not match the checkpoint held outside the database at tree size 40/);
      // A line that is not signed by a trusted key is no evidence either way: reported.
      const forged = { ...witnessed[0]!, rootHash: 'ab'.repeat(32) };
      expect((await audit.verify(newest, { heldOutside: [forged] })).message).toMatch(
        /held outside the database at tree size 10 .* is not signed by a trusted key/,
      );
    });
  });

  it('verifyAuditLog over the API checks the witness file, given no checkpoint (the log cut under the service)', async () => {
    const t = await startTestServer();
    try {
      const audit = t.platform.services.audit;
      for (let i = 0; i < 2; i++) {
        await audit.record(readEvents(10));
        await audit.sealer.sealPending();
      }
      const officer = await t.platform.services.actors.create(t.platform.db.orm.em.fork(), {
        kind: 'employee',
        role: 'privacy_officer',
        name: 'Officer',
      });
      const sql = await t.db.superuser();
      await tamper(sql, 'delete from audit_event where sequence >= 10');
      await tamper(sql, 'delete from audit_tree_node where (idx + 1) * (1::bigint << level) > 10');
      await tamper(sql, 'delete from audit_checkpoint where tree_size > 10');
      const r = await t.graphql(VerifyAuditLogDocument, { token: officer.token });
      expect(r.body.data!.verifyAuditLog).toMatchObject({ ok: false, firstBadSequence: 10 });
      expect(r.body.data!.verifyAuditLog.message).toMatch(/covers 20 events but the log holds only 10/);
    } finally {
      await t.close();
    }
  });

  it('proves the log consistent with an older external checkpoint, and rejects a forged one', async () => {
    await withFreshLog(async ({ t, audit }) => {
      const witnessed = await readWitnessFile(
        path.join(t.platform.config.audit.witnessDir, WITNESS_FILE_NAME),
      );
      const older = witnessed.find((c) => c.treeSize === 20)!;
      expect(await audit.verify(older)).toMatchObject({ ok: true });
      const forgedRoot = { ...older, rootHash: 'ab'.repeat(32), signature: undefined, createdAt: undefined };
      expect(await audit.verify(forgedRoot)).toMatchObject({ ok: false });
      const badSignature = { ...older, rootHash: 'ab'.repeat(32) };
      expect((await audit.verify(badSignature)).message).toMatch(/not signed by a trusted key/);
      // Hex in upper case is the same checkpoint, its signature included.
      const shouted = {
        ...older,
        rootHash: older.rootHash.toUpperCase(),
        signature: older.signature.toUpperCase(),
      };
      expect(await audit.verify(shouted)).toMatchObject({ ok: true });
      // A signature that cannot be checked (the signed text includes the time) is refused, not skipped.
      await expect(audit.verify({ ...older, createdAt: undefined })).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'against.createdAt',
      });
      await expect(audit.verify({ treeSize: 20, rootHash: 'xyz' })).rejects.toMatchObject({
        field: 'against.rootHash',
      });
      // An unsigned claim of more events than the log holds may be someone else's log: said so.
      const unsigned = await audit.verify({ treeSize: 100_000, rootHash: 'ab'.repeat(32) });
      expect(unsigned).toMatchObject({ ok: false });
      expect(unsigned.message).toMatch(/events were deleted, or the checkpoint is not this log's/);
    });
  });
});
