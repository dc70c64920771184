/**
 * Parses encryption key material from configuration into a key ring. Several keys can be configured at
 * once so keys can be rotated without a flag day: old values stay readable while new ones are written
 * under the active key. Errors name the entry and the problem but never echo key material, because
 * start-up errors end up in logs.
 */
import { ConfigError } from '../errors/errors';

export interface KeyRing {
  /** The key new values are encrypted under. */
  readonly activeKeyId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

export const KEY_BYTES = 32;

/** Key ids appear inside stored ciphertexts (`v1.<kid>....`), so they must not contain the separator. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Decodes one standard-base64 key that must be exactly 32 bytes (`openssl rand -base64 32`). `name` says
 * which setting it came from, for the error message. Decoding is strict because Node's decoder silently
 * skips invalid characters, which would turn a typo into a different, shorter key.
 */
export function parseKey32(base64: string, name: string): Buffer {
  const text = base64.trim();
  if (text === '') {
    throw new ConfigError(`${name}: key is empty; expected ${KEY_BYTES} bytes as standard base64`);
  }
  if (text.length % 4 !== 0 || !BASE64_PATTERN.test(text)) {
    throw new ConfigError(`${name}: key is not valid standard base64 (A-Z a-z 0-9 + / with = padding)`);
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== text) {
    throw new ConfigError(
      `${name}: key decodes to ${key.length} bytes; expected exactly ${KEY_BYTES} (generate one with \`openssl rand -base64 32\`)`,
    );
  }
  return key;
}

/**
 * Parses `kid1:base64key,kid2:base64key`. The active key is `activeKeyId` if given (an empty string counts
 * as not given, as an unset environment variable often arrives that way), otherwise the last entry, so
 * rotating is "append a new key" and removing a key is a separate, later step once nothing uses it.
 */
export function parseEncryptionKeys(spec: string, activeKeyId?: string): KeyRing {
  const entries = spec.split(',').map((entry) => entry.trim());
  if (entries.length === 1 && entries[0] === '') {
    throw new ConfigError('Encryption keys: none configured; expected kid1:base64key[,kid2:base64key...]');
  }

  const keys = new Map<string, Buffer>();
  entries.forEach((entry, index) => {
    const position = `Encryption keys: entry ${index + 1}`;
    if (entry === '') {
      throw new ConfigError(`${position} is empty (stray comma?)`);
    }
    const colon = entry.indexOf(':');
    if (colon === -1) {
      throw new ConfigError(`${position} has no key id; expected kid:base64key`);
    }
    const keyId = entry.slice(0, colon).trim();
    if (!KEY_ID_PATTERN.test(keyId)) {
      // The id may be a pasted key, so it is described rather than printed.
      throw new ConfigError(`${position} has an invalid key id; expected 1-32 characters of A-Z a-z 0-9 _ -`);
    }
    if (keys.has(keyId)) {
      throw new ConfigError(`${position}: key id "${keyId}" is listed more than once`);
    }
    keys.set(keyId, parseKey32(entry.slice(colon + 1), `${position} (key id "${keyId}")`));
  });

  const requested = activeKeyId?.trim();
  let active: string;
  if (requested !== undefined && requested !== '') {
    if (!KEY_ID_PATTERN.test(requested)) {
      throw new ConfigError(
        'Encryption keys: the active key id is not a valid key id (1-32 of A-Z a-z 0-9 _ -)',
      );
    }
    if (!keys.has(requested)) {
      throw new ConfigError(
        `Encryption keys: active key id "${requested}" is not among the configured ids (${[...keys.keys()].join(', ')})`,
      );
    }
    active = requested;
  } else {
    active = [...keys.keys()].at(-1) as string;
  }
  return { activeKeyId: active, keys };
}
