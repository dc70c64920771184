/**
 * The files an audited export writes. Each is opened as a new file beside its target before the export
 * is recorded, so a path that cannot be written is refused before any event says the data left; the
 * content goes in only after the event is committed, so nothing leaves unrecorded; and only when the
 * command has succeeded does each take its target's place (a rename), so a command that fails in
 * between leaves no empty file and does not destroy an earlier report at the same path.
 */
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { CliUsageError, fileErrorReason } from './cli-errors';

export interface OutputFiles {
  write(file: string, content: string): Promise<void>;
}

interface Pending {
  /** Where the content is written until the command has succeeded. */
  temporary: string;
  handle: FileHandle;
}

/**
 * Runs `work` with `files` open for writing. `option` names the command's option in errors; with
 * `directory`, that directory is made first (the files are in it).
 */
export async function withOutputFiles<T>(
  option: string,
  files: readonly string[],
  work: (out: OutputFiles) => Promise<T>,
  directory?: string,
): Promise<T> {
  if (directory !== undefined) {
    try {
      await mkdir(directory, { recursive: true });
    } catch (error) {
      throw new CliUsageError(
        `${option}: cannot make the directory ${directory} (${fileErrorReason(error)})`,
      );
    }
  }
  const pending = new Map<string, Pending>();
  let done = false;
  try {
    for (const file of files) {
      const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`);
      try {
        // A directory at the target would only fail the rename, after the export was recorded.
        if ((await stat(file).catch(() => null))?.isDirectory() === true) {
          throw Object.assign(new Error(`${file} is a directory`), { code: 'EISDIR' });
        }
        pending.set(file, { temporary, handle: await open(temporary, 'w', 0o600) });
      } catch (error) {
        throw new CliUsageError(`${option}: cannot write ${file} (${fileErrorReason(error)})`);
      }
    }
    const result = await work({
      write: async (file, content) => {
        const entry = pending.get(file);
        if (entry === undefined) throw new Error(`${file} was not opened for this command`);
        await entry.handle.writeFile(content);
      },
    });
    await closeAll(pending);
    for (const [file, { temporary }] of pending) await rename(temporary, file);
    done = true;
    return result;
  } finally {
    if (!done) {
      await closeAll(pending);
      await Promise.all([...pending.values()].map(({ temporary }) => rm(temporary, { force: true })));
    }
  }
}

async function closeAll(pending: ReadonlyMap<string, Pending>): Promise<void> {
  await Promise.all([...pending.values()].map(({ handle }) => handle.close().catch(() => undefined)));
}
