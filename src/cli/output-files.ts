/**
 * The files an audited export writes. They are opened (created, or emptied) before the export is
 * recorded, so a path that cannot be written is refused before any event says the data left; the
 * content goes in only after the event is committed, so nothing leaves unrecorded; and when the
 * command fails in between, the files are removed again rather than left empty.
 */
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, rm } from 'node:fs/promises';
import { CliUsageError, fileErrorReason } from './cli-errors';

export interface OutputFiles {
  write(file: string, content: string): Promise<void>;
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
  const handles = new Map<string, FileHandle>();
  let done = false;
  try {
    for (const file of files) {
      try {
        handles.set(file, await open(file, 'w', 0o600));
      } catch (error) {
        throw new CliUsageError(`${option}: cannot write ${file} (${fileErrorReason(error)})`);
      }
    }
    const result = await work({
      write: async (file, content) => {
        const handle = handles.get(file);
        if (handle === undefined) throw new Error(`${file} was not opened for this command`);
        await handle.writeFile(content);
      },
    });
    done = true;
    return result;
  } finally {
    await Promise.all([...handles.values()].map((h) => h.close()));
    if (!done) await Promise.all([...handles.keys()].map((file) => rm(file, { force: true })));
  }
}
