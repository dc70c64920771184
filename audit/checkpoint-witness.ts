/**
 * Copies of each signed checkpoint kept where the database administrator cannot reach them. Someone
 * who deletes the newest events together with their checkpoints leaves a database that looks
 * consistent; a checkpoint held elsewhere shows that history was cut. The default is an append-only
 * JSON-lines file (put it on other storage, or ship it off the machine); an HTTP endpoint of an
 * external witness is the option for a real separation of duties.
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
    const handle = await open(this.file, 'a', 0o600);
    try {
      await handle.write(`${JSON.stringify(checkpoint)}\n`);
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

/** The checkpoints in a witness file, oldest first; a torn last line (crash mid-write) is skipped. */
export async function readWitnessFile(file: string): Promise<SignedCheckpoint[]> {
  const text = await readFile(file, 'utf8');
  const out: SignedCheckpoint[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as SignedCheckpoint);
    } catch {
      // A partial line can only be the last one; the next publish starts a fresh line after it.
    }
  }
  return out;
}
