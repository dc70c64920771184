/**
 * Copies of each signed checkpoint kept where the database administrator cannot reach them. Someone
 * who deletes the newest events together with their checkpoints leaves a database that looks
 * consistent; a checkpoint held elsewhere shows that history was cut. The default is an append-only
 * JSON-lines file (put it on other storage, or ship it off the machine); an HTTP endpoint of an
 * external witness is the option for a real separation of duties.
 *
 * Reading the file back is strict: a line that is no checkpoint is the file altered or corrupted, and
 * is reported, except a torn last line (no newline after it: a crash while writing it).
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface SignedCheckpoint {
  treeSize: number;
  rootHash: string;
  createdAt: string;
  signature: string;
  publicKey: string;
}

export interface CheckpointWitness {
  readonly name: string;
  publish(checkpoint: SignedCheckpoint): Promise<void>;
}

export const WITNESS_FILE_NAME = 'checkpoints.jsonl';
const NEWLINE = 0x0a;

/** A witness file that cannot serve as one; `file` names it. */
export class WitnessFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
    this.name = new.target.name;
  }
}

/**
 * A line that is no checkpoint, other than a torn last one or a torn one marked by the next publish:
 * the file was altered or corrupted.
 */
export class CorruptWitnessFileError extends WitnessFileError {
  constructor(
    file: string,
    readonly line: number,
  ) {
    super(
      file,
      `line ${line} is not a checkpoint; the witness file was altered or corrupted (only a line torn by a crash while writing is skipped: the last one, or one the next checkpoint marked)`,
    );
  }
}

export class FileWitness implements CheckpointWitness {
  readonly name: string;
  readonly file: string;

  constructor(directory: string) {
    this.file = path.join(directory, WITNESS_FILE_NAME);
    this.name = `file ${this.file}`;
  }

  async publish(checkpoint: SignedCheckpoint): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    // O_APPEND: concurrent writers never overwrite each other's lines; datasync before we call it kept.
    const handle = await open(this.file, 'a+', 0o600);
    try {
      // After a crash mid-write the file ends in a torn line. The checkpoint must not be glued onto it,
      // and the torn line, no longer the last, is marked as the crash it was (see parseWitnessLines).
      const { size } = await handle.stat();
      const last = Buffer.alloc(1);
      const torn =
        size > 0 && (await handle.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] !== NEWLINE;
      const repair = torn ? `\n${JSON.stringify(tornLineMarker(new Date()))}\n` : '';
      await handle.write(`${repair}${JSON.stringify(checkpoint)}\n`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }
}

export class HttpWitness implements CheckpointWitness {
  readonly name: string;

  constructor(
    private readonly url: string,
    private readonly timeoutMs = 3_000,
  ) {
    this.name = `witness ${url}`;
  }

  async publish(checkpoint: SignedCheckpoint): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(checkpoint),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`${this.name} answered HTTP ${response.status}`);
  }
}

/**
 * The checkpoints in a witness file, oldest first. A torn last line (no newline after it: a crash
 * mid-write) is skipped, and so is a torn line the next publish marked; any other line that is not a
 * checkpoint throws CorruptWitnessFileError.
 */
export async function readWitnessFile(file: string): Promise<SignedCheckpoint[]> {
  return parseWitnessLines(await readFile(file, 'utf8'), file);
}

export function parseWitnessLines(text: string, file: string): SignedCheckpoint[] {
  const lines = text.split('\n');
  const out: SignedCheckpoint[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '' || isTornLineMarker(line)) return;
    const checkpoint = parseCheckpoint(line);
    if (checkpoint !== null) out.push(checkpoint);
    // Only the text after the last newline can be a line whose writing was cut short, or a line that
    // the next publish marked as such.
    else if (index < lines.length - 1 && !isTornLineMarker(lines[index + 1] ?? ''))
      throw new CorruptWitnessFileError(file, index + 1);
  });
  return out;
}

/**
 * The line `FileWitness.publish` writes after a torn line it finds at the end of the file (a crash
 * while a checkpoint was written), so that the torn line, no longer the last, is still read as the
 * crash it was rather than as an edit. Whoever could forge the marker could as well have deleted the
 * line; verify checks every whole line against the log.
 */
function tornLineMarker(at: Date): { tornLineAbove: true; markedAt: string } {
  return { tornLineAbove: true, markedAt: at.toISOString() };
}

function isTornLineMarker(line: string): boolean {
  try {
    const value = JSON.parse(line) as unknown;
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { tornLineAbove?: unknown }).tornLineAbove === true
    );
  } catch {
    return false;
  }
}

/**
 * The checkpoints in a file held outside the database: one JSON object as `audit checkpoint` prints it
 * (over several lines or on one), or a witness file of one checkpoint per line.
 */
export function parseCheckpointFile(text: string, file: string): SignedCheckpoint[] {
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    return parseWitnessLines(text, file);
  }
  if (isSignedCheckpoint(whole)) return [whole];
  // What `audit checkpoint` prints for a log that has none yet.
  if (whole === null) return [];
  throw new WitnessFileError(
    file,
    'holds JSON that is not a signed checkpoint (treeSize, rootHash, createdAt, signature, publicKey)',
  );
}

/** A signed checkpoint in JSON, or null for text that is not one. */
export function parseCheckpoint(text: string): SignedCheckpoint | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return isSignedCheckpoint(value) ? value : null;
}

function isSignedCheckpoint(value: unknown): value is SignedCheckpoint {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.treeSize === 'number' &&
    Number.isSafeInteger(v.treeSize) &&
    v.treeSize >= 0 &&
    typeof v.rootHash === 'string' &&
    typeof v.createdAt === 'string' &&
    typeof v.signature === 'string' &&
    typeof v.publicKey === 'string'
  );
}
