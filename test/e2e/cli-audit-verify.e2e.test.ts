/**
 * `audit verify` and its external checkpoint as an operator runs them: the checkpoint file given with
 * --against (which must be readable, in the form `audit checkpoint` prints), the witness file (a line
 * that is no checkpoint is a failed verification; a torn last line is not; every line must match the
 * log, not only the newest), and a missing witness file
 * (a warning that nothing outside the database was checked).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedCheckpoint } from '../../audit/checkpoint-witness';
import { WITNESS_FILE_NAME } from '../../audit/checkpoint-witness';
import { signCheckpoint } from '../../audit/checkpoint';
import { readEvents } from '../support/audit-fixtures';
import { runCli } from '../support/cli-process';
import { createTestPlatform, type TestPlatform } from '../support/test-platform';

describe('command line: audit verify against a checkpoint held outside the database', () => {
  let t: TestPlatform;
  let held: SignedCheckpoint;
  const cli = (args: string[], env: Record<string, string | undefined> = {}) => runCli(args, t.env, env);
  /** A witness directory of its own holding `text` as its witness file. */
  const witnessDir = (text: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'witness-'));
    writeFileSync(path.join(dir, WITNESS_FILE_NAME), text);
    return dir;
  };

  beforeAll(async () => {
    t = await createTestPlatform();
    await t.platform.services.audit.record(readEvents(3));
    await t.platform.services.audit.sealer.sealPending();
    held = (await t.platform.services.audit.latestCheckpoint())!;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('fails on a witness file with a line that is no checkpoint, and skips only a torn last line', async () => {
    const line = JSON.stringify(held);
    const edited = await cli(['audit', 'verify'], {
      AUDIT_WITNESS_DIR: witnessDir(`${line}\n{"treeSize":1,"edited":true}\n${line}\n`),
    });
    expect(edited.out).toMatch(
      /FAILED: .*checkpoints\.jsonl: line 2 is not a checkpoint; the witness file was altered/,
    );
    expect(edited.code).toBe(1);

    const torn = await cli(['audit', 'verify'], {
      AUDIT_WITNESS_DIR: witnessDir(`${line}\n${line.slice(0, 25)}`),
    });
    expect(torn.out).toMatch(/OK: .*consistent with the external checkpoint at tree size 3/);
    expect(torn.code).toBe(0);
  });

  it('checks every line of the witness file, not only the newest (a log cut and grown again under the service)', async () => {
    // What the witness file holds after a cut: a line over the history that was cut (signed by the
    // service before the cut), then the newest, signed over the rewritten log.
    const unsigned = { treeSize: 2, rootHash: 'ab'.repeat(32), createdAt: new Date().toISOString() };
    const cut: SignedCheckpoint = {
      ...unsigned,
      signature: signCheckpoint(unsigned, t.platform.keys.auditSigningKey),
      publicKey: held.publicKey,
    };
    const r = await cli(['audit', 'verify'], {
      AUDIT_WITNESS_DIR: witnessDir(`${JSON.stringify(cut)}\n${JSON.stringify(held)}\n`),
    });
    expect(r.out).toContain('Checking against the external checkpoint at tree size 3');
    expect(r.out).toMatch(
      /FAILED: the log's first 2 events do not match the checkpoint held outside the database at tree size 2/,
    );
    expect(r.code).toBe(1);
  });

  it('refuses an --against file it cannot read, naming it, instead of reporting OK', async () => {
    const missing = path.join(mkdtempSync(path.join(tmpdir(), 'against-')), 'checkpoint.json');
    const r = await cli(['audit', 'verify', '--against', missing]);
    expect(r.out).toContain(`error: --against: cannot read ${missing} (no such file or directory)`);
    expect(r.out).not.toMatch(/OK/);
    expect(r.code).toBe(1);

    const directory = await cli(['audit', 'verify', '--against', path.dirname(missing)]);
    expect(directory.out).toMatch(/error: --against: cannot read .* \(it is a directory\)/);
    expect(directory.code).toBe(1);
  });

  it('warns that nothing outside the database was checked when there is no witness file', async () => {
    const none = path.join(mkdtempSync(path.join(tmpdir(), 'witness-')), 'never-made');
    const r = await cli(['audit', 'verify'], { AUDIT_WITNESS_DIR: none });
    expect(r.out).toContain(
      `warning: there is no witness file ${path.join(none, WITNESS_FILE_NAME)} (AUDIT_WITNESS_DIR); no checkpoint held outside the database was checked`,
    );
    expect(r.out).toMatch(/OK: 3 events/);
    expect(r.code).toBe(0);
  });

  it('accepts the checkpoint as `audit checkpoint` prints it (pretty-printed JSON), and one on a single line', async () => {
    const printed = await cli(['audit', 'checkpoint']);
    expect(printed.code).toBe(0);
    expect(printed.stdout.trim().split('\n').length).toBeGreaterThan(1);
    const dir = mkdtempSync(path.join(tmpdir(), 'against-'));
    const pretty = path.join(dir, 'pretty.json');
    writeFileSync(pretty, printed.stdout);
    const r = await cli(['audit', 'verify', '--against', pretty]);
    expect(r.out).toMatch(/OK: .*consistent with the external checkpoint at tree size 3/);
    expect(r.code).toBe(0);

    const oneLine = path.join(dir, 'one-line.json');
    writeFileSync(oneLine, JSON.stringify(JSON.parse(printed.stdout)));
    expect((await cli(['audit', 'verify', '--against', oneLine])).code).toBe(0);

    const notACheckpoint = path.join(dir, 'bundle.json');
    writeFileSync(notACheckpoint, JSON.stringify({ event: {}, proof: {} }, null, 2));
    const refused = await cli(['audit', 'verify', '--against', notACheckpoint]);
    expect(refused.out).toMatch(
      /error: --against: .*bundle\.json: holds JSON that is not a signed checkpoint/,
    );
    expect(refused.code).toBe(1);
  });
});
