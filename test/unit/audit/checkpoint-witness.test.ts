/**
 * The witness file read back: a torn last line (a crash mid-write) is skipped, as is one the next
 * publish marked; any other line that is no checkpoint is reported as corruption; and a checkpoint
 * published after a crash is not glued onto the torn line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CorruptWitnessFileError,
  FileWitness,
  parseCheckpoint,
  parseCheckpointFile,
  readWitnessFile,
  WITNESS_FILE_NAME,
  type SignedCheckpoint,
} from '../../../audit/checkpoint-witness';

const checkpoint = (treeSize: number): SignedCheckpoint => ({
  treeSize,
  rootHash: 'ab'.repeat(32),
  createdAt: '2026-11-25T09:00:00.000Z',
  signature: 'cd'.repeat(64),
  publicKey: 'ef'.repeat(32),
});
const line = (treeSize: number) => JSON.stringify(checkpoint(treeSize));

function witnessFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'witness-')), WITNESS_FILE_NAME);
  writeFileSync(file, text);
  return file;
}

describe('witness file', () => {
  it('reads every checkpoint, skipping only a torn last line', async () => {
    expect((await readWitnessFile(witnessFile(`${line(1)}\n${line(2)}\n`))).map((c) => c.treeSize)).toEqual([
      1, 2,
    ]);
    const torn = witnessFile(`${line(1)}\n${line(2)}\n${line(3).slice(0, 30)}`);
    expect((await readWitnessFile(torn)).map((c) => c.treeSize)).toEqual([1, 2]);
  });

  it('reports a bad line anywhere else as corruption, naming the line', async () => {
    const cases = [
      `${line(1)}\n{"treeSize":2,"ro\n${line(3)}\n`, // a torn line that is not the last
      `${line(1)}\nedited\n${line(3)}\n`,
      `${line(1)}\n{"treeSize":2}\n${line(3)}\n`, // JSON, but no checkpoint
      `${line(1)}\n${line(2).slice(0, 30)}\n`, // last, but a whole line: its newline was written
    ];
    for (const text of cases) {
      const file = witnessFile(text);
      const error = await readWitnessFile(file).catch((e: unknown) => e);
      expect(error, text).toBeInstanceOf(CorruptWitnessFileError);
      expect((error as CorruptWitnessFileError).line).toBe(2);
      expect((error as Error).message).toMatch(
        /line 2 is not a checkpoint; the witness file was altered or corrupted/,
      );
      expect((error as Error).message).toContain(file);
    }
  });

  it('starts a checkpoint published after a crash on a line of its own, marking the torn line above it', async () => {
    const file = witnessFile(`${line(1)}\n${line(2).slice(0, 30)}`);
    await new FileWitness(path.dirname(file)).publish(checkpoint(3));
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines[2]!)).toMatchObject({ tornLineAbove: true });
    expect(parseCheckpoint(lines[3]!)).toEqual(checkpoint(3));
    // The torn line is no longer the last, but marked as the crash it was: the file still reads.
    expect((await readWitnessFile(file)).map((c) => c.treeSize)).toEqual([1, 3]);
    await new FileWitness(path.dirname(file)).publish(checkpoint(4));
    expect((await readWitnessFile(file)).map((c) => c.treeSize)).toEqual([1, 3, 4]);
    // An unmarked torn line in the middle is still corruption.
    const unmarked = witnessFile(`${line(1)}\n${line(2).slice(0, 30)}\n${line(3)}\n`);
    await expect(readWitnessFile(unmarked)).rejects.toThrow(/line 2 is not a checkpoint/);
  });

  it('appends to a whole file as before', async () => {
    const file = witnessFile(`${line(1)}\n`);
    await new FileWitness(path.dirname(file)).publish(checkpoint(2));
    expect(readFileSync(file, 'utf8')).toBe(`${line(1)}\n${line(2)}\n`);
  });
});

describe('checkpoint file', () => {
  it('is one JSON object over several lines or one, or a witness file', () => {
    expect(parseCheckpointFile(`${JSON.stringify(checkpoint(4), null, 2)}\n`, 'f')).toEqual([checkpoint(4)]);
    expect(parseCheckpointFile(line(4), 'f')).toEqual([checkpoint(4)]);
    expect(parseCheckpointFile(`${line(4)}\n${line(5)}\n`, 'f').map((c) => c.treeSize)).toEqual([4, 5]);
    expect(parseCheckpointFile('null\n', 'f')).toEqual([]);
    expect(() => parseCheckpointFile('{"treeSize": 4}', 'f')).toThrow(
      /f: holds JSON that is not a signed checkpoint/,
    );
  });
});
