/**
 * An audited export's output files: written only when the command succeeds, in place of what was at
 * the path before; a command that fails leaves the earlier file as it was and nothing beside it.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliUsageError } from '../../../src/cli/cli-errors';
import { withOutputFiles } from '../../../src/cli/output-files';

function directoryWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'out-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

describe('withOutputFiles', () => {
  it('replaces the files when the command succeeds, leaving nothing else behind', async () => {
    const dir = directoryWith({ 'report.csv': 'old' });
    const file = path.join(dir, 'report.csv');
    await withOutputFiles('--out', [file], (out) => out.write(file, 'new'));
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['report.csv']);
  });

  it('keeps an earlier file at the path, and leaves no new one, when the command fails', async () => {
    const dir = directoryWith({ 'report.csv': 'earlier report' });
    const kept = path.join(dir, 'report.csv');
    const fresh = path.join(dir, 'other.csv');
    const failing = withOutputFiles('--out', [kept, fresh], async (out) => {
      await out.write(kept, 'half');
      throw new Error('the audit log could not store the export event');
    });
    await expect(failing).rejects.toThrow('could not store');
    expect(readFileSync(kept, 'utf8')).toBe('earlier report');
    expect(readdirSync(dir)).toEqual(['report.csv']);
  });

  it('refuses a path it cannot write before the command runs', async () => {
    const dir = directoryWith({});
    mkdirSync(path.join(dir, 'a-directory'));
    for (const file of [path.join(dir, 'missing', 'report.csv'), path.join(dir, 'a-directory')]) {
      let ran = false;
      const refused = withOutputFiles('--out', [file], async () => {
        ran = true;
      });
      await expect(refused).rejects.toBeInstanceOf(CliUsageError);
      await expect(refused).rejects.toThrow(`--out: cannot write ${file}`);
      expect(ran).toBe(false);
    }
  });
});
