/**
 * Checks that one audit event is in the log, without the server or the database: given the event (or its
 * canonical bytes, or its leaf hash), an inclusion proof and a signed checkpoint, it recomputes the leaf
 * hash, walks the proof to a root and checks that the checkpoint signed exactly that root and size.
 *
 * It is meant to be handed to an auditor or a data subject together with an exported bundle, so it
 * depends on nothing but Node and its siblings `merkle`, `checkpoint` and `canonical-event` (a unit test
 * holds that line). As a script:
 *
 *     node dist/audit/standalone-verifier.js bundle.json [--public-key <64 hex chars>]
 *
 * where bundle.json is { "event": {...}, "proof": {...}, "checkpoint": {...} } as typed below. It prints
 * "OK ..." and exits 0, or prints the reason and exits 1.
 *
 * A checkpoint carries its own public key, which on its own only proves that *someone* signed it. Pin the
 * log's published key (`trustedPublicKey`, `--public-key`) to know it was the log.
 */
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { CanonicalEventError, eventLeafHash } from './canonical-event';
import {
  CheckpointError,
  DEFAULT_ORIGIN,
  InvalidKeyError,
  parsePublicKey,
  publicKeyHex,
  verifyCheckpointSignature,
} from './checkpoint';
import { hashFromHex, hashToHex, leafHash, MerkleError, verifyInclusion } from './merkle';

export interface InclusionProofJson {
  leafIndex: number;
  treeSize: number;
  /** Sibling hashes bottom-up, lowercase hex. */
  proof: string[];
}

export interface SignedCheckpointJson {
  treeSize: number;
  rootHash: string;
  createdAt: string;
  /** Ed25519 signature over the checkpoint body, lowercase hex. */
  signature: string;
  /** The signer's key: raw 32 bytes as hex, or PEM. */
  publicKey: string;
  /** The log's origin line; `DEFAULT_ORIGIN` when absent. */
  origin?: string;
}

/** Exactly one way of naming the event: the object itself, its canonical bytes, or its leaf hash (hex or bytes). */
export type EventEvidence =
  | { event: Record<string, unknown>; eventCanonicalBytes?: never; leafHash?: never }
  | { eventCanonicalBytes: Buffer; event?: never; leafHash?: never }
  | { leafHash: string | Buffer; event?: never; eventCanonicalBytes?: never };

export type VerifyEventProofInput = EventEvidence & {
  proof: InclusionProofJson;
  checkpoint: SignedCheckpointJson;
  /** The log's published key. When given, a checkpoint signed by any other key is refused. */
  trustedPublicKey?: KeyObject | string;
};

export interface VerificationResult {
  ok: boolean;
  message: string;
  /** The event's leaf hash, hex, once it could be computed. */
  leafHash?: string;
}

/** The file the script reads. */
export interface EventProofBundle {
  event: Record<string, unknown>;
  proof: InclusionProofJson;
  checkpoint: SignedCheckpointJson;
}

/** Input that is not a bundle at all (missing fields, wrong types). */
export class BundleFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const PUBLIC_KEY_FLAG = '--public-key';
const USAGE = `usage: standalone-verifier <bundle.json> [${PUBLIC_KEY_FLAG} <hex>]`;

/** Never throws for a bad proof, event or checkpoint: the result says what is wrong. */
export function verifyEventProof(input: VerifyEventProofInput): VerificationResult {
  let computedLeaf: Buffer | undefined;
  try {
    const { proof, checkpoint } = input;
    const origin = checkpoint.origin ?? DEFAULT_ORIGIN;
    const signer = signingKey(checkpoint.publicKey, input.trustedPublicKey);
    verifyCheckpointSignature(checkpoint, checkpoint.signature, signer, origin);
    // The root does not commit to the tree size (a proof can fit a root under more than one size), so
    // the proof must be for exactly the size the checkpoint signed.
    if (proof.treeSize !== checkpoint.treeSize) {
      return failure(
        `proof is for a tree of ${proof.treeSize} but the checkpoint signs a tree of ${checkpoint.treeSize}`,
      );
    }
    computedLeaf = eventLeaf(input);
    // The log numbers its events from 0 in the order of the tree's leaves: an event's sequence is its
    // leaf index. A proof that puts it anywhere else is not the log's (the hash alone would not notice).
    const sequence = input.event?.sequence;
    if (sequence !== undefined && sequence !== proof.leafIndex) {
      return failure(
        `event has sequence ${String(sequence)} but the proof is for leaf ${proof.leafIndex}; an event's leaf index is its sequence number`,
      );
    }
    const siblings = requireStringArray(proof.proof, 'proof.proof').map((hex, i) =>
      hashFromHex(hex, `proof.proof[${i}]`),
    );
    verifyInclusion(
      computedLeaf,
      proof.leafIndex,
      proof.treeSize,
      siblings,
      hashFromHex(checkpoint.rootHash, 'rootHash'),
    );
    const pinned =
      input.trustedPublicKey === undefined
        ? ` (key not pinned: it came from the bundle itself, so this shows only that the bundle is consistent; pass ${PUBLIC_KEY_FLAG} with the log's published key to know the log signed it)`
        : '';
    return {
      ok: true,
      leafHash: hashToHex(computedLeaf),
      message:
        `OK: event ${hashToHex(computedLeaf)} is leaf ${proof.leafIndex} of the ${checkpoint.treeSize}-leaf tree ` +
        `with root ${checkpoint.rootHash}, signed at ${checkpoint.createdAt} by ${publicKeyHex(signer)}${pinned}`,
    };
  } catch (error) {
    if (isVerificationError(error)) {
      return { ...failure(error.message), ...(computedLeaf ? { leafHash: hashToHex(computedLeaf) } : {}) };
    }
    throw error;
  }
}

/** Checks the shape of a parsed bundle file, then `verifyEventProof`. */
export function verifyBundle(bundle: unknown, trustedPublicKey?: KeyObject | string): VerificationResult {
  try {
    const { event, proof, checkpoint } = parseBundle(bundle);
    return verifyEventProof({ event, proof, checkpoint, trustedPublicKey });
  } catch (error) {
    if (isVerificationError(error)) return failure(error.message);
    throw error;
  }
}

/** The script: returns the exit code instead of exiting, so it can be tested. */
export function main(
  args: readonly string[],
  io: { out: (line: string) => void; err: (line: string) => void } = { out: console.log, err: console.error },
): number {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.err(`${parsed}\n${USAGE}`);
    return EXIT_FAILED;
  }
  let bundle: unknown;
  try {
    bundle = JSON.parse(readFileSync(parsed.bundlePath, 'utf8'));
  } catch (error) {
    io.err(`FAILED: cannot read ${parsed.bundlePath}: ${(error as Error).message}`);
    return EXIT_FAILED;
  }
  const result = verifyBundle(bundle, parsed.publicKey);
  if (result.ok) {
    io.out(result.message);
    return EXIT_OK;
  }
  io.err(`FAILED: ${result.message}`);
  return EXIT_FAILED;
}

function parseArgs(args: readonly string[]): { bundlePath: string; publicKey?: string } | string {
  const [bundlePath, flag, value, ...rest] = args;
  if (bundlePath === undefined || bundlePath.startsWith('-')) return 'missing bundle file';
  if (flag === undefined) return { bundlePath };
  if (flag !== PUBLIC_KEY_FLAG || value === undefined || rest.length > 0)
    return `unexpected arguments: ${args.slice(1).join(' ')}`;
  return { bundlePath, publicKey: value };
}

function signingKey(bundleKey: string, trusted: KeyObject | string | undefined): KeyObject {
  const claimed = parsePublicKey(bundleKey);
  if (trusted === undefined) return claimed;
  const pinned = parsePublicKey(trusted);
  if (publicKeyHex(claimed) !== publicKeyHex(pinned)) {
    throw new InvalidKeyError(
      `checkpoint is signed by key ${publicKeyHex(claimed)}, not by the trusted key ${publicKeyHex(pinned)}`,
    );
  }
  return pinned;
}

function eventLeaf(input: VerifyEventProofInput): Buffer {
  const given = [input.event, input.eventCanonicalBytes, input.leafHash].filter((v) => v !== undefined);
  if (given.length !== 1) {
    throw new BundleFormatError(
      `give exactly one of event, eventCanonicalBytes or leafHash (got ${given.length})`,
    );
  }
  if (input.event !== undefined) return eventLeafHash(input.event);
  if (input.eventCanonicalBytes !== undefined) return leafHash(input.eventCanonicalBytes);
  const hash = input.leafHash as string | Buffer;
  return typeof hash === 'string' ? hashFromHex(hash, 'leafHash') : Buffer.from(hash);
}

function parseBundle(bundle: unknown): EventProofBundle {
  const { event, proof, checkpoint } = requireObject(bundle, 'bundle');
  const p = requireObject(proof, 'proof');
  const c = requireObject(checkpoint, 'checkpoint');
  return {
    event: requireObject(event, 'event'),
    proof: {
      leafIndex: requireNumber(p.leafIndex, 'proof.leafIndex'),
      treeSize: requireNumber(p.treeSize, 'proof.treeSize'),
      proof: requireStringArray(p.proof, 'proof.proof'),
    },
    checkpoint: {
      treeSize: requireNumber(c.treeSize, 'checkpoint.treeSize'),
      rootHash: requireString(c.rootHash, 'checkpoint.rootHash'),
      createdAt: requireString(c.createdAt, 'checkpoint.createdAt'),
      signature: requireString(c.signature, 'checkpoint.signature'),
      publicKey: requireString(c.publicKey, 'checkpoint.publicKey'),
      ...(c.origin === undefined ? {} : { origin: requireString(c.origin, 'checkpoint.origin') }),
    },
  };
}

function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BundleFormatError(`${what}: expected an object`);
  }
  return value as Record<string, unknown>;
}

function requireNumber(value: unknown, what: string): number {
  if (typeof value !== 'number') throw new BundleFormatError(`${what}: expected a number`);
  return value;
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new BundleFormatError(`${what}: expected a string`);
  return value;
}

function requireStringArray(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new BundleFormatError(`${what}: expected an array of hex strings`);
  }
  return value as string[];
}

function failure(message: string): VerificationResult {
  return { ok: false, message };
}

function isVerificationError(error: unknown): error is Error {
  return (
    error instanceof MerkleError ||
    error instanceof CheckpointError ||
    error instanceof CanonicalEventError ||
    error instanceof BundleFormatError
  );
}

// Vitest loads this file as an ES module, where `require` and `module` do not exist.
if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
