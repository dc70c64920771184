/**
 * The command line refusing what it must not do, as an operator runs it: ids that are no ids, unknown
 * tokens and subjects, impossible dates, outputs it cannot write, and actors whose role or purpose the
 * access policy does not allow the export they ask for. Each refusal exits 1 with a message that names
 * the option, never SQL, and records nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

describe('command line refusals', () => {
  let t: TestPlatform;
  const cli = (args: string[]) => runCli(args, t.env);

  beforeAll(async () => {
    t = await createTestPlatform();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses an id that is no id by its option, without SQL', async () => {
    const cases: [string[], RegExp][] = [
      [['actor', 'token', '--actor', 'nope'], /error: --actor: "nope" is not an actor id/],
      [['actor', 'revoke', '--actor', 'nope'], /error: --actor: "nope" is not an actor id/],
      [['audit', 'proof', '--event', 'nope'], /error: --event: "nope" is not an event id/],
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
});
