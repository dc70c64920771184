/**
 * Encrypts personal data field by field before it is written, so a database dump or backup holds no
 * plaintext personal data.
 *
 * Stored format (ASCII, safe in a text column):
 *
 *     v1.<kid>.<iv>.<ciphertext||tag>
 *
 * - `v1`   format version: AES-256-GCM, 12-byte IV, 16-byte tag.
 * - `kid`  id of the key in the key ring that encrypted the value, so keys can be rotated.
 * - `iv`   12 random bytes, base64url without padding.
 * - last   ciphertext followed by the 16-byte GCM tag, base64url without padding.
 *
 * The caller's AAD (e.g. `customer:<uuid>:email`) is authenticated but not stored: a ciphertext copied to
 * another row or field fails to decrypt instead of silently showing someone else's data. The version and
 * key id are authenticated too, so the header cannot be edited either.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError } from '../errors/errors';
import { DecryptionError } from './decryption-error';
import { KEY_BYTES, KEY_ID_PATTERN } from './key-ring';
import type { KeyRing } from './key-ring';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;

interface ParsedValue {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

export class FieldCipher {
  private readonly activeKeyId: string;
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(keyRing: KeyRing) {
    // A hand-built ring bypasses parseEncryptionKeys, so its invariants are checked again here.
    for (const [keyId, key] of keyRing.keys) {
      if (!KEY_ID_PATTERN.test(keyId)) {
        throw new ConfigError(`Key ring: invalid key id "${keyId}"`);
      }
      if (key.length !== KEY_BYTES) {
        throw new ConfigError(`Key ring: key "${keyId}" is ${key.length} bytes; expected ${KEY_BYTES}`);
      }
    }
    if (!keyRing.keys.has(keyRing.activeKeyId)) {
      throw new ConfigError(`Key ring: active key id "${keyRing.activeKeyId}" has no key`);
    }
    this.activeKeyId = keyRing.activeKeyId;
    this.keys = new Map(keyRing.keys);
  }

  /** `aad` must identify the row and field the value belongs to; the same string is needed to decrypt. */
  encrypt(plaintext: string, aad: string): string {
    requireAad(aad);
    const key = this.keys.get(this.activeKeyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(authenticatedData(this.activeKeyId, aad));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.activeKeyId, iv.toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  /** Throws DecryptionError rather than ever returning bytes that did not authenticate. */
  decrypt(stored: string, aad: string): string {
    requireAad(aad);
    const { keyId, iv, ciphertext, tag } = parse(stored);
    const key = this.keys.get(keyId);
    if (key === undefined) {
      throw new DecryptionError(`Encrypted value uses key id "${keyId}", which is not in the key ring`);
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(authenticatedData(keyId, aad));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new DecryptionError(
        `Encrypted value under key "${keyId}" failed authentication (tampered, or bound to another row or field)`,
        { cause },
      );
    }
  }

  /** Reads the key id from the header without decrypting; throws DecryptionError if malformed. */
  keyIdOf(stored: string): string {
    return parse(stored).keyId;
  }

  /** Whether the value is already under the active key, i.e. a rotation job can skip it. */
  isCurrent(stored: string): boolean {
    return this.keyIdOf(stored) === this.activeKeyId;
  }

  /**
   * Decrypts (so a tampered value is caught, not laundered) and encrypts again under the active key
   * with a fresh IV. Always returns a new string; rotation jobs check isCurrent first to skip writes.
   */
  reencrypt(stored: string, aad: string): string {
    return this.encrypt(this.decrypt(stored, aad), aad);
  }

  /** For small structured values (an address, a list of IPs) that are only ever read whole. */
  encryptJson(value: unknown, aad: string): string {
    const json = JSON.stringify(value);
    if (json === undefined) {
      throw new TypeError('encryptJson: value has no JSON representation');
    }
    return this.encrypt(json, aad);
  }

  /** The result is whatever was encrypted; `T` is not checked, so validate it where the shape matters. */
  decryptJson<T = unknown>(stored: string, aad: string): T {
    const json = this.decrypt(stored, aad);
    try {
      return JSON.parse(json) as T;
    } catch (cause) {
      throw new DecryptionError(
        'Encrypted value authenticated but is not JSON (was it written by encrypt?)',
        {
          cause,
        },
      );
    }
  }
}

function requireAad(aad: string): void {
  // An empty AAD would leave the value unbound and swappable; that is a caller bug, not a data problem.
  if (aad === '') {
    throw new TypeError('FieldCipher: aad must identify the row and field (e.g. "customer:<uuid>:email")');
  }
}

function authenticatedData(keyId: string, aad: string): Buffer {
  // Key ids cannot contain '.', so this concatenation is unambiguous.
  return Buffer.from(`${VERSION}.${keyId}.${aad}`, 'utf8');
}

function parse(stored: string): ParsedValue {
  if (typeof stored !== 'string') {
    throw new DecryptionError(`Encrypted value is a ${typeof stored}, not a string`);
  }
  const parts = stored.split('.');
  if (parts.length !== 4) {
    throw new DecryptionError(
      `Encrypted value is malformed: expected 4 dot-separated parts, found ${parts.length}`,
    );
  }
  const [version, keyId, ivText, bodyText] = parts as [string, string, string, string];
  if (version !== VERSION) {
    throw new DecryptionError(`Encrypted value has unsupported format version (expected ${VERSION})`);
  }
  if (!KEY_ID_PATTERN.test(keyId)) {
    throw new DecryptionError('Encrypted value is malformed: invalid key id');
  }
  const iv = decodeBase64url(ivText, 'IV');
  if (iv.length !== IV_BYTES) {
    throw new DecryptionError(`Encrypted value is malformed: IV is ${iv.length} bytes, expected ${IV_BYTES}`);
  }
  const body = decodeBase64url(bodyText, 'ciphertext');
  if (body.length < TAG_BYTES) {
    throw new DecryptionError('Encrypted value is malformed: too short to hold an authentication tag');
  }
  return {
    keyId,
    iv,
    ciphertext: body.subarray(0, body.length - TAG_BYTES),
    tag: body.subarray(body.length - TAG_BYTES),
  };
}

function decodeBase64url(text: string, part: string): Buffer {
  // Node's decoder skips characters it does not know; re-encoding proves nothing was skipped.
  const bytes = BASE64URL_PATTERN.test(text) ? Buffer.from(text, 'base64url') : undefined;
  if (bytes === undefined || bytes.toString('base64url') !== text) {
    throw new DecryptionError(`Encrypted value is malformed: ${part} is not canonical base64url`);
  }
  return bytes;
}
