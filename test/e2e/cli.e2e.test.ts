/**
 * The command line as an operator runs it (the built `dist/src/cli/main.js`, against DATABASE_URL):
 * actors and tokens, audit verification, export and proof bundles, the finance report, and key rotation.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineContext } from '../../audit/audit-context';
import { verifyBundle } from '../../audit/standalone-verifier';
import { runCli } from '../support/cli-process';
import { freePort } from '../support/service-process';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';
import { readEvents, tamper } from '../support/audit-fixtures';

describe('command line', () => {
  let t: TestPlatform;
  /** Runs the command; an `env` value of undefined leaves that variable out. */
  const cli = (args: string[], env: Record<string, string | undefined> = {}) => runCli(args, t.env, env);

  /** `actor create` with the given options, e.g. { kind: 'employee', role: 'finance' }. */
  const createActor = (options: Record<string, string>) =>
    cli(['actor', 'create', ...Object.entries(options).flatMap(([name, value]) => [`--${name}`, value])]);

  beforeAll(async () => {
    t = await createTestPlatform();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates an actor and prints a working token once; refuses a role that does not fit the kind', async () => {
    const r = await createActor({ kind: 'employee', role: 'finance', name: 'A. de Vries' });
    expect(r.code).toBe(0);
    const token = r.out.match(/pfp_[A-Za-z0-9_-]{43}/)?.[0];
    expect(token).toBeDefined();
    const actor = await t.platform.services.actors.authenticate(t.platform.db.orm.em.fork(), token!);
    expect(actor).toMatchObject({ role: 'finance', name: 'A. de Vries', kind: 'employee' });

    const bad = await createActor({ kind: 'service', role: 'finance' });
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/role: for kind service must be one of order_system/);
  });

  it('ties a third-party actor to its register entry with --third-party, and refuses a name not in it', async () => {
    const r = await createActor({
      kind: 'third_party',
      role: 'registry',
      name: 'SIDN API',
      'third-party': 'SIDN',
    });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('It reads as "SIDN"');
    const token = r.out.match(/pfp_[A-Za-z0-9_-]{43}/)![0];
    const em = t.platform.db.orm.em.fork();
    const actor = await t.platform.services.actors.authenticate(em, token);
    const sidn = (await t.platform.services.thirdParties.list(em)).find((p) => p.name === 'SIDN');
    expect(sidn?.actorId).toBe(actor.id);

    const unknown = await createActor({ kind: 'third_party', role: 'registry', 'third-party': 'Nope' });
    expect(unknown.code).toBe(1);
    expect(unknown.out).toMatch(
      /--third-party: names no entry of the third-party register; there are: .*SIDN/,
    );
    const employee = await createActor({ kind: 'employee', role: 'support', 'third-party': 'SIDN' });
    expect(employee.code).toBe(1);
    expect(employee.out).toMatch(/--third-party: is only for --kind third_party/);
    expect((await t.platform.services.actors.list(em)).map((a) => a.name)).not.toContain('support');
  });

  it('exits 1 from a failed verification on the embedded database too, whose exit hook would end it with 0', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cli-embedded-'));
    const checkpoint = path.join(dataDir, 'not-ours.json');
    writeFileSync(
      checkpoint,
      JSON.stringify({
        treeSize: 1,
        rootHash: 'aa'.repeat(32),
        createdAt: new Date().toISOString(),
        signature: '00'.repeat(64),
        publicKey: '00'.repeat(32),
      }),
    );
    const embedded = {
      DATABASE_URL: undefined,
      MIGRATION_DATABASE_URL: undefined,
      DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
    };
    try {
      const bad = await cli(['audit', 'verify', '--against', checkpoint], embedded);
      expect(bad.out).toMatch(/Embedded PostgreSQL on 127\.0\.0\.1/);
      expect(bad.out).toMatch(/FAILED: the external checkpoint is not signed by a trusted key/);
      expect(bad.code).toBe(1);
      const ok = await cli(['audit', 'verify'], embedded);
      expect(ok.out).toMatch(/OK: /);
      expect(ok.code).toBe(0);
    } finally {
      // The command stopped its cluster as it ended; its files go too.
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  const exportEventsOf = async (subject: string) => {
    await t.platform.services.audit.sealer.sealPending();
    const { rows } = await (
      await t.db.superuser()
    ).query<{ fields: string[] }>(
      "select fields from audit_event where subject_id = $1 and action = 'export' order by sequence",
      [subject],
    );
    return rows.map((r) => r.fields);
  };

  it('verifies the audit log, and exits 1 naming the first bad event after tampering', async () => {
    // Its creation is the first event about the customer; then five reads.
    const subject = (
      await t.platform.services.customers.create(
        t.platform.db.orm.em.fork(),
        {
          name: 'Export Test',
          email: 'export@example.nl',
          address: { street: 'Dam 4', postalCode: '1012 JS', city: 'Amsterdam', country: 'NL' },
        },
        offlineContext(null, 'account-management'),
      )
    ).id;
    await t.platform.services.audit.record(readEvents(5, subject));
    await t.platform.services.audit.sealer.sealPending();
    const ok = await cli(['audit', 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(
      /OK: 6 events and \d+ checkpoints verified; consistent with the external checkpoint/,
    );

    const officer = await t.platform.services.actors.create(t.platform.db.orm.em.fork(), {
      kind: 'employee',
      role: 'privacy_officer',
      name: 'P',
    });
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cli-')), 'events.json');
    const exported = await cli([
      'audit',
      'export',
      '--subject',
      subject,
      '--actor',
      officer.actor.id,
      '--purpose',
      'privacy-request:7',
      '--format',
      'json',
      '--out',
      out,
    ]);
    expect(exported.code).toBe(0);
    const events = (JSON.parse(readFileSync(out, 'utf8')) as { events: { eventId: string }[] }).events;
    expect(events).toHaveLength(6);

    // One event's proof bundle is an audited export of that event, checked by the standalone verifier.
    const bundleFile = path.join(path.dirname(out), 'bundle.json');
    const proofArgs = ['audit', 'proof', '--event', events[1]!.eventId, '--out', bundleFile];
    const support = await t.platform.services.actors.create(t.platform.db.orm.em.fork(), {
      kind: 'employee',
      role: 'support',
      name: 'S',
    });
    const refused = await cli([...proofArgs, '--actor', support.actor.id, '--purpose', 'support-ticket:1']);
    expect(refused.code).toBe(1);
    expect(existsSync(bundleFile)).toBe(false);
    const exportsBefore = await exportEventsOf(subject);
    const proved = await cli([...proofArgs, '--actor', officer.actor.id, '--purpose', 'inspection']);
    expect(proved.code, proved.out).toBe(0);
    expect(await exportEventsOf(subject)).toEqual([...exportsBefore, ['auditEvent']]);
    const bundle: unknown = JSON.parse(readFileSync(bundleFile, 'utf8'));
    expect(verifyBundle(bundle).ok).toBe(true);

    await tamper(await t.db.superuser(), "update audit_event set purpose = 'x' where sequence = 3");
    const bad = await cli(['audit', 'verify']);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/FAILED: .*event 3/);
    expect(bad.out).toMatch(/First bad sequence: 3/);
  });

  it('writes the finance VAT report files', async () => {
    const finance = await t.platform.services.actors.create(t.platform.db.orm.em.fork(), {
      kind: 'employee',
      role: 'finance',
      name: 'F',
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'vat-'));
    const r = await cli([
      'finance',
      'vat-report',
      '--from',
      '2026-01-01',
      '--to',
      '2027-01-01',
      '--actor',
      finance.actor.id,
      '--out',
      dir,
    ]);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, 'vat-evidence-summary.csv'), 'utf8')).toMatch(
      /^vatCountry,currency,orders,amountCents/,
    );
    expect(readFileSync(path.join(dir, 'vat-mismatches.csv'), 'utf8')).toMatch(
      /^orderId,createdAt,customerId/,
    );
  });

  it('re-encrypts stored values under a newly added key', async () => {
    const customer = await t.platform.services.customers.create(
      t.platform.db.orm.em.fork(),
      {
        name: 'Rotatie Test',
        email: 'rotate@example.nl',
        address: { street: 'Dam 1', postalCode: '1012 JS', city: 'Amsterdam', country: 'NL' },
      },
      offlineContext(null, 'account-management'),
    );
    const keys = `${t.env.FIELD_ENCRYPTION_KEYS},k2:${randomBytes(32).toString('base64')}`;
    const r = await cli(['keys', 'reencrypt'], { FIELD_ENCRYPTION_KEYS: keys });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/rewrote [1-9]\d* values/);
    const sql = await t.db.superuser();
    const row = (await sql.query('select name_enc, email_enc from customer where id = $1', [customer.id]))
      .rows[0];
    expect(row.name_enc).toMatch(/^v1\.k2\./);
    expect(row.email_enc).toMatch(/^v1\.k2\./);
    const again = await cli(['keys', 'reencrypt'], { FIELD_ENCRYPTION_KEYS: keys });
    expect(again.out).toMatch(/rewrote 0 values/);
  });

  it('writes the access report files and runs retention', async () => {
    const em = t.platform.db.orm.em.fork();
    const officer = await t.platform.services.actors.create(em, {
      kind: 'employee',
      role: 'privacy_officer',
      name: 'O',
    });
    const customer = await t.platform.services.customers.create(
      em,
      {
        name: 'Inzage Test',
        email: 'inzage@example.nl',
        address: { street: 'Dam 2', postalCode: '1012 JS', city: 'Amsterdam', country: 'NL' },
      },
      offlineContext(null, 'account-management'),
    );
    const dir = mkdtempSync(path.join(tmpdir(), 'sar-'));
    const r = await cli([
      'privacy',
      'access-report',
      '--customer',
      customer.id,
      '--out',
      dir,
      '--actor',
      officer.actor.id,
      '--purpose',
      'privacy-request:77',
    ]);
    expect(r.code, r.out).toBe(0);
    const json = JSON.parse(readFileSync(path.join(dir, 'access-report.json'), 'utf8')) as {
      personalData: { field: string; value: unknown }[];
    };
    expect(json.personalData).toContainEqual(
      expect.objectContaining({ field: 'email', value: 'inzage@example.nl' }),
    );
    expect(readFileSync(path.join(dir, 'access-report.html'), 'utf8')).toContain(
      'Autoriteit Persoonsgegevens',
    );

    // A customer the run archives, whose email address went to the registry: the registry is owed a notice.
    const day = 86_400_000;
    const ended = await t.platform.services.customers.create(
      em,
      {
        name: 'Archief Test',
        email: 'archief@example.nl',
        address: { street: 'Dam 3', postalCode: '1012 JS', city: 'Amsterdam', country: 'NL' },
        subscriptionStart: new Date(Date.now() - 800 * day),
      },
      offlineContext(null, 'account-management'),
    );
    await t.platform.services.customers.endSubscription(
      t.platform.db.orm.em.fork(),
      ended.id,
      offlineContext(null, 'account-management'),
      new Date(Date.now() - 400 * day),
    );
    const sidn = (await t.platform.services.thirdParties.list(em)).find((p) => p.name === 'SIDN');
    await t.platform.services.thirdParties.recordDisclosure(
      t.platform.db.orm.em.fork(),
      {
        customerId: ended.id,
        thirdPartyId: sidn!.id,
        categories: ['name', 'email'],
        purpose: 'domain-registration',
      },
      offlineContext(null, 'domain-registration'),
    );
    const run = await cli(['privacy', 'retention']);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/archived 1,/);
    expect(run.out).toMatch(/^archive\s+due 0, .*, notices owed to recipients 1$/m);

    const retention = await cli(['privacy', 'retention', '--report']);
    expect(retention.code).toBe(0);
    expect(retention.out).toMatch(/archive\s+due \d+, overdue \d+/);
  });
});
