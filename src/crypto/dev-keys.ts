/**
 * Development keys, so the platform runs locally and in tests without anyone configuring secrets. On first
 * use it generates a key set into `<dir>/dev-keys.json` and reuses it afterwards, because data encrypted
 * under a key that is thrown away on restart is unreadable. Start-up code must only call this when no keys
 * are configured and the environment is not production; these keys live in a plain file next to the data.
 */
import { generateKeyPairSync, randomBytes, createPrivateKey } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, errorMessage } from '../errors/errors';
import { parseEncryptionKeys, parseKey32 } from './key-ring';

export const DEV_KEYS_FILE = 'dev-keys.json';

export interface DevKeys {
  /** Key-ring spec as parsed by parseEncryptionKeys: `kid:base64key`. */
  encryptionKeys: string;
  /** 32 bytes, standard base64. */
  blindIndexKey: string;
  /** Ed25519 private key, PKCS#8 PEM. */
  auditSigningKey: string;
  /** Whether this call generated the file (worth a log line) rather than reading an existing one. */
  created: boolean;
  path: string;
}

interface DevKeysFile {
  warning: string;
  createdAt: string;
  encryptionKeys: string;
  blindIndexKey: string;
  auditSigningKey: string;
}

export function loadOrCreateDevKeys(dir: string): DevKeys {
  const path = join(dir, DEV_KEYS_FILE);
  const existing = readIfExists(path);
  if (existing !== undefined) {
    return { ...parseDevKeys(existing, path), created: false, path };
  }

  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = generateDevKeys();
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    if (!publishWithoutClobbering(tmp, path)) {
      // Another process created the file between our read and our write; its keys may already be in use.
      return { ...parseDevKeys(readFileSync(path, 'utf8'), path), created: false, path };
    }
  } finally {
    unlinkQuietly(tmp);
  }
  const { encryptionKeys, blindIndexKey, auditSigningKey } = keys;
  return { encryptionKeys, blindIndexKey, auditSigningKey, created: true, path };
}

function generateDevKeys(): DevKeysFile {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    warning: 'Development keys generated automatically. Never use them in production.',
    createdAt: new Date().toISOString(),
    encryptionKeys: `dev1:${randomBytes(32).toString('base64')}`,
    blindIndexKey: randomBytes(32).toString('base64'),
    auditSigningKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/**
 * Makes the fully written temp file visible under its final name. A hard link fails if the name exists,
 * so two processes starting at once cannot overwrite each other's keys (rename would, silently). Where
 * hard links are unsupported it falls back to rename. Returns false if another process got there first.
 */
function publishWithoutClobbering(tmp: string, path: string): boolean {
  try {
    linkSync(tmp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      return false;
    }
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      renameSync(tmp, path);
      return true;
    }
    throw error;
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already renamed away, or gone; nothing to clean up.
  }
}

/** Validates the file as strictly as configured keys, so a hand-edited file fails at start-up. */
function parseDevKeys(text: string, path: string): Omit<DevKeys, 'created' | 'path'> {
  const problem = (detail: string) =>
    new ConfigError(`Development keys file ${path} is unusable: ${detail}. Delete it to generate new keys.`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw problem('not valid JSON');
  }
  if (typeof data !== 'object' || data === null) {
    throw problem('not a JSON object');
  }
  const record = data as Record<string, unknown>;
  const { encryptionKeys, blindIndexKey, auditSigningKey } = record;
  if (typeof encryptionKeys !== 'string') throw problem('"encryptionKeys" is missing');
  if (typeof blindIndexKey !== 'string') throw problem('"blindIndexKey" is missing');
  if (typeof auditSigningKey !== 'string') throw problem('"auditSigningKey" is missing');
  try {
    parseEncryptionKeys(encryptionKeys);
    parseKey32(blindIndexKey, 'blindIndexKey');
  } catch (error) {
    throw problem(errorMessage(error));
  }
  let keyType: string | undefined;
  try {
    keyType = createPrivateKey(auditSigningKey).asymmetricKeyType;
  } catch {
    throw problem('"auditSigningKey" is not a PEM private key');
  }
  if (keyType !== 'ed25519') {
    throw problem(`"auditSigningKey" is a ${keyType ?? 'unknown'} key, expected Ed25519`);
  }
  return { encryptionKeys, blindIndexKey, auditSigningKey };
}
