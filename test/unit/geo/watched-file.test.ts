import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WatchedFile, type Loaded } from '../../../geo/watched-file';
import { eventually, makeTempDir } from './geo-fixtures';

let dir: string;
let remove: () => Promise<void>;
const files: WatchedFile<string>[] = [];

beforeEach(async () => {
  ({ dir, remove } = await makeTempDir());
});

afterEach(async () => {
  for (const f of files.splice(0)) f.close();
  await remove();
});

function textLoader(calls: string[]): (path: string) => Promise<Loaded<string>> {
  return async (path) => {
    const { readFile } = await import('node:fs/promises');
    const value = await readFile(path, 'utf8');
    calls.push(value);
    if (value.includes('broken')) throw new Error('broken content');
    return { value, type: 'text', buildDate: new Date(0), ipVersion: null };
  };
}

describe('WatchedFile', () => {
  it('loads once at open and fails loudly if that load fails', async () => {
    const path = join(dir, 'a.txt');
    await writeFile(path, 'broken');
    await expect(
      WatchedFile.open(path, textLoader([]), { enabled: false, pollIntervalMs: 10, debounceMs: 10 }),
    ).rejects.toThrow('broken content');
  });

  it('waits for writes to settle before reloading, so a burst of writes is one reload', async () => {
    const path = join(dir, 'a.txt');
    await writeFile(path, 'v1');
    const calls: string[] = [];
    const reloads: string[] = [];
    const file = await WatchedFile.open(
      path,
      textLoader(calls),
      { enabled: true, pollIntervalMs: 10, debounceMs: 200 },
      { onReload: (p) => reloads.push(p) },
    );
    files.push(file);
    // A file growing over ~120 ms, as a slow copy would.
    for (let i = 0; i < 6; i++) {
      await appendFile(path, `+${i}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await eventually(() => expect(file.value).toBe('v1+0+1+2+3+4+5'));
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(calls).toEqual(['v1', 'v1+0+1+2+3+4+5']);
    expect(reloads).toEqual([path]);
  });

  it('does not poll when watching is disabled', async () => {
    const path = join(dir, 'a.txt');
    await writeFile(path, 'v1');
    const calls: string[] = [];
    files.push(
      await WatchedFile.open(path, textLoader(calls), { enabled: false, pollIntervalMs: 10, debounceMs: 10 }),
    );
    await writeFile(path, 'v2');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toEqual(['v1']);
  });

  it('reports a failed reload once per change and keeps the old value', async () => {
    const path = join(dir, 'a.txt');
    await writeFile(path, 'v1');
    const errors: string[] = [];
    const file = await WatchedFile.open(
      path,
      textLoader([]),
      { enabled: true, pollIntervalMs: 10, debounceMs: 20 },
      { onError: (e) => errors.push(e.message) },
    );
    files.push(file);
    await writeFile(path, 'broken');
    await eventually(() => expect(errors).toEqual(['broken content']));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(errors).toEqual(['broken content']);
    expect(file.value).toBe('v1');
  });
});
