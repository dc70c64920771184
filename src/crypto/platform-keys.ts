/**
 * The keys the running platform uses, resolved once at start: configured key material, or (outside
 * production) development keys generated under the data directory, with a log line saying so.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { Config } from '../config/config';
import { ConfigError } from '../errors/errors';
import { BlindIndex } from './blind-index';
import { loadOrCreateDevKeys } from './dev-keys';
import { FieldCipher } from './field-cipher';
import { parseEncryptionKeys, parseKey32 } from './key-ring';

export interface PlatformKeys {
  cipher: FieldCipher;
  blindIndex: BlindIndex;
  auditSigningKey: KeyObject;
  auditPublicKey: KeyObject;
  source: 'configured' | 'development';
}

export function resolvePlatformKeys(config: Config, log: (line: string) => void): PlatformKeys {
  const k = config.keys;
  const anyConfigured =
    k.fieldEncryptionKeys !== undefined || k.blindIndexKey !== undefined || k.auditSigningKey !== undefined;
  let encryptionKeys = k.fieldEncryptionKeys;
  let blindIndexKey = k.blindIndexKey;
  let auditSigningKey = k.auditSigningKey;
  let source: PlatformKeys['source'] = 'configured';

  if (encryptionKeys === undefined || blindIndexKey === undefined || auditSigningKey === undefined) {
    if (config.env === 'production') {
      throw new ConfigError('Key material is missing; production never generates keys.');
    }
    if (anyConfigured) {
      // Mixing configured and generated keys would silently split data across two key sets.
      throw new ConfigError(
        'Set all of FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY and AUDIT_SIGNING_KEY, or none of them (development keys).',
      );
    }
    const dev = loadOrCreateDevKeys(config.dataDir);
    log(
      dev.created
        ? `Generated development keys in ${dev.path} (not for production: configure FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY, AUDIT_SIGNING_KEY)`
        : `Using development keys from ${dev.path}`,
    );
    encryptionKeys = dev.encryptionKeys;
    blindIndexKey = dev.blindIndexKey;
    auditSigningKey = dev.auditSigningKey;
    source = 'development';
  }

  const signingKey = parseSigningKey(auditSigningKey);
  return {
    cipher: new FieldCipher(parseEncryptionKeys(encryptionKeys, k.fieldEncryptionActiveKeyId)),
    blindIndex: new BlindIndex(parseKey32(blindIndexKey, 'BLIND_INDEX_KEY')),
    auditSigningKey: signingKey,
    auditPublicKey: createPublicKey(signingKey),
    source,
  };
}

function parseSigningKey(value: string): KeyObject {
  const pem = value.includes('BEGIN')
    ? value.replace(/\\n/g, '\n')
    : `-----BEGIN PRIVATE KEY-----\n${value.trim()}\n-----END PRIVATE KEY-----\n`;
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new ConfigError(
      'AUDIT_SIGNING_KEY: expected an Ed25519 private key in PKCS#8 PEM (or its base64 body)',
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError(
      `AUDIT_SIGNING_KEY: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'unknown'}`,
    );
  }
  return key;
}
