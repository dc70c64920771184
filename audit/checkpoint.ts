/**
 * Signed checkpoints: the log operator's Ed25519 signature over (tree size, root hash, time). A checkpoint
 * is what turns a Merkle root into evidence: an inclusion proof shows an event is under a root, the
 * signature shows which log published that root, for which size, and when.
 *
 * The signed bytes (`checkpointBody`) follow the body of a C2SP tlog-checkpoint signed note
 * (https://c2sp.org/tlog-checkpoint), with the time as its one extension line. Four lines, each ending in
 * a single "\n" (no "\r", nothing after the last newline), UTF-8:
 *
 *     <origin>                     e.g. "privacy-audit-log"; non-empty, no newline
 *     <tree size>                  decimal, no sign, no leading zeros
 *     <root hash>                  standard base64 (with "=" padding) of the 32 raw bytes
 *     <createdAt>                  ISO-8601 UTC exactly as Date#toISOString writes it
 *
 * For example:
 *
 *     privacy-audit-log
 *     8
 *     XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=
 *     2025-01-01T00:00:00.000Z
 *
 * Every field has exactly one accepted spelling, so one checkpoint has exactly one body and a stored
 * signature can always be re-checked from the stored fields. The signature itself is returned as hex
 * rather than as a note signature line; wrapping it as a full signed note is left to whoever needs one.
 */
import { createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { hashFromHex, MerkleError } from './merkle';

export const DEFAULT_ORIGIN = 'privacy-audit-log';
export const ED25519_PUBLIC_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

const KEY_TYPE = 'ed25519';
const HEX_PUBLIC_KEY = /^[0-9a-f]{64}$/;
const HEX_SIGNATURE = /^[0-9a-f]{128}$/;
const PEM_HEADER = '-----BEGIN';

export interface Checkpoint {
  treeSize: number;
  /** Lowercase hex SHA-256 Merkle root. */
  rootHash: string;
  /** ISO-8601 UTC, as `Date#toISOString` writes it. */
  createdAt: string;
}

// ---------------------------------------------------------------------------------------------------
// Errors

/** Base class for everything a checkpoint check can reject. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A field that has no canonical spelling, so no body can be signed or checked for it. */
export class InvalidCheckpointError extends CheckpointError {
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`checkpoint ${field}: expected ${expected}, found ${found}`);
  }
}

/** A key that is not an Ed25519 key of the kind needed (private to sign, public to verify). */
export class InvalidKeyError extends CheckpointError {}

/** The signature is malformed, or does not verify for this checkpoint, origin and key. */
export class InvalidSignatureError extends CheckpointError {}

// ---------------------------------------------------------------------------------------------------
// Body

/** The exact bytes that are signed; see the header comment for the format. */
export function checkpointBody(cp: Checkpoint, origin: string = DEFAULT_ORIGIN): Buffer {
  return Buffer.from(checkpointText(cp, origin), 'utf8');
}

/** `checkpointBody` as text, for logs and for people. */
export function checkpointText(cp: Checkpoint, origin: string = DEFAULT_ORIGIN): string {
  requireOrigin(origin);
  requireTreeSize(cp.treeSize);
  const root = rootBytes(cp.rootHash);
  requireCreatedAt(cp.createdAt);
  return `${origin}\n${cp.treeSize}\n${root.toString('base64')}\n${cp.createdAt}\n`;
}

function requireOrigin(origin: string): void {
  if (typeof origin !== 'string' || origin.length === 0 || origin.includes('\n')) {
    throw new InvalidCheckpointError('origin', 'a non-empty single line', JSON.stringify(origin));
  }
}

function requireTreeSize(treeSize: number): void {
  if (typeof treeSize !== 'number' || !Number.isSafeInteger(treeSize) || treeSize < 0) {
    throw new InvalidCheckpointError('treeSize', 'a non-negative safe integer', String(treeSize));
  }
}

function rootBytes(rootHash: string): Buffer {
  try {
    return hashFromHex(rootHash, 'rootHash');
  } catch (error) {
    if (error instanceof MerkleError) {
      throw new InvalidCheckpointError('rootHash', '64 lowercase hex characters', JSON.stringify(rootHash));
    }
    throw error;
  }
}

// Only the toISOString spelling is accepted: "2025-01-01T00:00:00Z" names the same instant but would
// give a second body, and a second signature, for the same checkpoint.
function requireCreatedAt(createdAt: string): void {
  const time = typeof createdAt === 'string' ? new Date(createdAt) : new Date(NaN);
  if (Number.isNaN(time.getTime()) || time.toISOString() !== createdAt) {
    throw new InvalidCheckpointError(
      'createdAt',
      'ISO-8601 UTC as Date#toISOString writes it (YYYY-MM-DDTHH:mm:ss.sssZ)',
      JSON.stringify(createdAt),
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Keys

/** The raw 32-byte Ed25519 public key as lowercase hex; a private key gives its public half. */
export function publicKeyHex(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  requireEd25519(publicKey, 'public');
  const jwk: JsonWebKey = publicKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new InvalidKeyError('Ed25519 key exported without its public part');
  return Buffer.from(jwk.x, 'base64url').toString('hex');
}

/** An Ed25519 public key from its raw 32 bytes in lowercase hex. */
export function publicKeyFromHex(hex: string): KeyObject {
  if (typeof hex !== 'string' || !HEX_PUBLIC_KEY.test(hex)) {
    throw new InvalidKeyError(
      `Ed25519 public key: expected ${ED25519_PUBLIC_KEY_SIZE * 2} lowercase hex characters, found ${describe(hex)}`,
    );
  }
  const x = Buffer.from(hex, 'hex').toString('base64url');
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  } catch (error) {
    throw new InvalidKeyError(`Ed25519 public key ${hex} was refused: ${(error as Error).message}`);
  }
}

/** A public key given as a KeyObject, a PEM (SPKI) string, or raw 32 bytes as hex. */
export function parsePublicKey(key: KeyObject | string): KeyObject {
  if (key instanceof KeyObject) {
    requireEd25519(key, 'public');
    return key;
  }
  if (typeof key === 'string' && key.trimStart().startsWith(PEM_HEADER)) {
    let parsed: KeyObject;
    try {
      parsed = createPublicKey(key);
    } catch (error) {
      throw new InvalidKeyError(`public key PEM could not be read: ${(error as Error).message}`);
    }
    requireEd25519(parsed, 'public');
    return parsed;
  }
  return publicKeyFromHex(key);
}

function requireEd25519(key: KeyObject, type: 'public' | 'private'): void {
  if (key.type !== type || key.asymmetricKeyType !== KEY_TYPE) {
    throw new InvalidKeyError(
      `expected an Ed25519 ${type} key, found a ${key.asymmetricKeyType ?? 'symmetric'} ${key.type} key`,
    );
  }
}

function describe(value: unknown): string {
  return typeof value === 'string'
    ? `${JSON.stringify(value.slice(0, 80))} (${value.length} characters)`
    : typeof value;
}

// ---------------------------------------------------------------------------------------------------
// Signatures

/** Ed25519 signature over `checkpointBody(cp, origin)`, lowercase hex (64 bytes). */
export function signCheckpoint(
  cp: Checkpoint,
  privateKey: KeyObject,
  origin: string = DEFAULT_ORIGIN,
): string {
  requireEd25519(privateKey, 'private');
  // Ed25519 hashes internally, hence no digest algorithm.
  return sign(null, checkpointBody(cp, origin), privateKey).toString('hex');
}

/**
 * Throws `InvalidSignatureError` unless `signatureHex` is the signature of `publicKey` over this
 * checkpoint and origin; `InvalidCheckpointError` / `InvalidKeyError` if the inputs cannot be checked at all.
 */
export function verifyCheckpointSignature(
  cp: Checkpoint,
  signatureHex: string,
  publicKey: KeyObject | string,
  origin: string = DEFAULT_ORIGIN,
): void {
  const key = parsePublicKey(publicKey);
  const body = checkpointBody(cp, origin);
  if (typeof signatureHex !== 'string' || !HEX_SIGNATURE.test(signatureHex)) {
    throw new InvalidSignatureError(
      `checkpoint signature: expected ${ED25519_SIGNATURE_SIZE * 2} lowercase hex characters, found ${describe(signatureHex)}`,
    );
  }
  if (!verify(null, body, key, Buffer.from(signatureHex, 'hex'))) {
    throw new InvalidSignatureError(
      `checkpoint signature does not verify for origin ${JSON.stringify(origin)}, size ${cp.treeSize}, ` +
        `root ${cp.rootHash}, time ${cp.createdAt} and key ${publicKeyHex(key)}`,
    );
  }
}

/** `verifyCheckpointSignature` as a boolean. Bugs (non-checkpoint errors) still throw. */
export function isValidCheckpointSignature(
  cp: Checkpoint,
  signatureHex: string,
  publicKey: KeyObject | string,
  origin: string = DEFAULT_ORIGIN,
): boolean {
  try {
    verifyCheckpointSignature(cp, signatureHex, publicKey, origin);
    return true;
  } catch (error) {
    if (error instanceof CheckpointError) return false;
    throw error;
  }
}
