/**
 * The command line refusing what it must not do, as an operator runs it: ids that are no ids, unknown
 * tokens and subjects, impossible dates, outputs it cannot write, and actors whose role or purpose the
 * access policy does not allow the export they ask for. Each refusal exits 1 with a message that names
 * the option, never SQL, and records nothing.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineContext } from '../../audit/audit-context';
import { runCli } from '../support/cli-process';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

describe('command line refusals', () => {
  let t: TestPlatform;
  let officerId: string;
  let customerId: string;
  /** The events about a customer, newest first. */
  const eventsAbout = (subjectId: string) => t.platform.services.audit.events({ subjectId }, 100, null);
  const cli = (args: string[]) => runCli(args, t.env);

  beforeAll(async () => {
    t = await createTestPlatform();
    const em = t.platform.db.orm.em.fork();
    officerId = (
      await t.platform.services.actors.create(em, { kind: 'employee', role: 'privacy_officer', name: 'P' })
    ).actor.id;
    customerId = (
      await t.platform.services.customers.create(
        em,
        {
          name: 'Weiger Test',
          email: 'weiger@example.nl',
          address: { street: 'Dam 5', postalCode: '1012 JS', city: 'Amsterdam', country: 'NL' },
        },
        offlineContext(null, 'account-management'),
      )
    ).id;
    await t.platform.services.audit.sealer.sealPending();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses an id that is no id by its option, without SQL', async () => {
    const cases: [string[], RegExp][] = [
      [['actor', 'token', '--actor', 'nope'], /error: --actor: "nope" is not an actor id/],
      [['actor', 'revoke', '--actor', 'nope'], /error: --actor: "nope" is not an actor id/],
      [
        ['audit', 'proof', '--event', 'nope', '--actor', 'x', '--purpose', 'inspection'],
        /error: --event: "nope" is not an event id/,
      ],
      [
        [
          'audit',
          'export',
          '--subject',
          'nope',
          '--actor',
          'x',
          '--purpose',
          'inspection',
          '--out',
          '/tmp/x.csv',
        ],
        /error: --subject: "nope" is not a customer id/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.out, args.join(' ')).toMatch(message);
      expect(r.out).not.toMatch(/select|invalid input syntax|\n\s+at /);
      expect(r.code).toBe(1);
    }
    const unknown = await cli(['actor', 'token', '--actor', '7d2a1e0c-0000-4000-8000-0000000000ff']);
    expect(unknown.out).toMatch(/error: No actor with id 7d2a1e0c-0000-4000-8000-0000000000ff/);
    expect(unknown.code).toBe(1);
  });

  it('refuses to revoke a token that matches no active one, naming only its shown prefix', async () => {
    const em = t.platform.db.orm.em.fork();
    const { token } = await t.platform.services.actors.create(em, {
      kind: 'employee',
      role: 'support',
      name: 'S',
    });
    const revoked = await cli(['actor', 'revoke', '--token', token]);
    expect(revoked.out).toContain('Revoked 1 token(s).');
    expect(revoked.code).toBe(0);

    const again = await cli(['actor', 'revoke', '--token', token]);
    expect(again.out).toContain(`error: No active token with id ${token.slice(0, 12)}`);
    expect(again.out).not.toContain(token);
    expect(again.code).toBe(1);

    const unknown = await cli(['actor', 'revoke', '--token', 'pfp_zzzzzzzz']);
    expect(unknown.out).toContain('error: No active token with id pfp_zzzzzzzz');
    expect(unknown.code).toBe(1);
  });

  it('refuses an audit export about a subject that does not exist, or to a file it cannot write, recording nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'export-'));
    const exportTo = (subject: string, out: string) =>
      cli([
        'audit',
        'export',
        '--subject',
        subject,
        '--actor',
        officerId,
        '--purpose',
        'inspection',
        '--out',
        out,
      ]);

    const nobody = '7d2a1e0c-0000-4000-8000-0000000000ee';
    const unknown = await exportTo(nobody, path.join(dir, 'nobody.csv'));
    expect(unknown.out).toContain(`error: No customer with id ${nobody}`);
    expect(unknown.code).toBe(1);
    expect(await eventsAbout(nobody)).toEqual([]);
    expect(existsSync(path.join(dir, 'nobody.csv'))).toBe(false);

    const before = await eventsAbout(customerId);
    const nowhere = path.join(dir, 'no-such-dir', 'events.csv');
    const unwritable = await exportTo(customerId, nowhere);
    expect(unwritable.out).toContain(`error: --out: cannot write ${nowhere} (no such file or directory)`);
    expect(unwritable.code).toBe(1);
    expect(await eventsAbout(customerId)).toEqual(before);

    const written = await exportTo(customerId, path.join(dir, 'events.csv'));
    expect(written.out).toMatch(/Wrote 1 events to /);
    expect(written.code).toBe(0);
    expect((await eventsAbout(customerId)).map((e) => e.action)).toEqual(['export', 'create']);
  });

  it('refuses a report directory it cannot make before recording the export', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'report-')), 'a-file');
    writeFileSync(file, '');
    const before = await eventsAbout(customerId);
    const r = await cli([
      'privacy',
      'access-report',
      '--customer',
      customerId,
      '--actor',
      officerId,
      '--purpose',
      'privacy-request:9',
      '--out',
      path.join(file, 'reports'),
    ]);
    expect(r.out).toMatch(
      /error: --out: cannot make the directory .*a-file\/reports \(a part of the path is not a directory\)/,
    );
    expect(r.code).toBe(1);
    expect(await eventsAbout(customerId)).toEqual(before);
  });

  it('refuses an impossible date for the VAT report, naming --from or --to', async () => {
    const finance = await t.platform.services.actors.create(t.platform.db.orm.em.fork(), {
      kind: 'employee',
      role: 'finance',
      name: 'F',
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'vat-'));
    const report = (from: string, to: string) =>
      cli(['finance', 'vat-report', '--from', from, '--to', to, '--actor', finance.actor.id, '--out', dir]);
    const cases: [string, string, string][] = [
      ['2026-02-30', '2026-04-01', 'error: --from: "2026-02-30" is not a date in the calendar'],
      ['1', '2026-04-01', 'error: --from: "1" is not a date; give YYYY-MM-DD'],
      ['2026-01-01', '2026-1-31', 'error: --to: "2026-1-31" is not a date; give YYYY-MM-DD'],
      ['2026-03-01', '2026-02-01', 'error: --to: must be after --from'],
    ];
    for (const [from, to, message] of cases) {
      const r = await report(from, to);
      expect(r.out, `${from} ${to}`).toContain(message);
      expect(r.code).toBe(1);
    }
    const ok = await report('2026-01-01', '2026-02-01T00:00:00+01:00');
    expect(ok.out).toMatch(/Wrote 0 mismatches/);
    expect(ok.code).toBe(0);
  });

  it("refuses an export the actor's role or purpose does not allow over the API, writing and recording nothing", async () => {
    const em = t.platform.db.orm.em.fork();
    const support = await t.platform.services.actors.create(em, {
      kind: 'employee',
      role: 'support',
      name: 'S',
    });
    const registry = await t.platform.services.actors.create(em, {
      kind: 'third_party',
      role: 'registry',
      name: 'R',
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'refused-'));
    const before = await eventsAbout(customerId);
    const accessReport = ['privacy', 'access-report', '--customer', customerId, '--out', dir];
    const cases: [string[], string][] = [
      [
        [...accessReport, '--actor', support.actor.id, '--purpose', 'support-ticket:1'],
        'error: Role support may not call subjectAccessReport.',
      ],
      [
        [...accessReport, '--actor', officerId, '--purpose', 'support-ticket:1'],
        'error: Purpose support-ticket does not cover: bank_details',
      ],
      [
        ['audit', 'export', '--subject', customerId, '--out', path.join(dir, 'events.csv')].concat([
          '--actor',
          registry.actor.id,
          '--purpose',
          'direct-debit',
        ]),
        'error: Role registry may not call auditEvents.',
      ],
      [
        ['finance', 'vat-report', '--from', '2026-01-01', '--to', '2027-01-01', '--out', dir].concat([
          '--actor',
          support.actor.id,
          '--purpose',
          'support-ticket:1',
        ]),
        'error: Role support may not call vatMismatches, vatEvidenceSummary.',
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.out, args.join(' ')).toContain(message);
      expect(r.code).toBe(1);
    }
    expect(readdirSync(dir)).toEqual([]);
    expect(await eventsAbout(customerId)).toEqual(before);
  });
});
