import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/errors';
import { loadOrCreateDevKeys } from '../../../src/crypto/dev-keys';
import { FieldCipher } from '../../../src/crypto/field-cipher';
import { parseEncryptionKeys, parseKey32 } from '../../../src/crypto/key-ring';

describe('loadOrCreateDevKeys', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dev-keys-test-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('creates usable keys in a new directory', () => {
    const dir = join(root, 'nested', '.data');
    const keys = loadOrCreateDevKeys(dir);

    expect(keys.created).toBe(true);
    expect(keys.path).toBe(join(dir, 'dev-keys.json'));
    const cipher = new FieldCipher(parseEncryptionKeys(keys.encryptionKeys));
    expect(cipher.decrypt(cipher.encrypt('x', 'a:1:f'), 'a:1:f')).toBe('x');
    expect(parseKey32(keys.blindIndexKey, 'blindIndexKey')).toHaveLength(32);
    expect(keys.auditSigningKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(createPrivateKey(keys.auditSigningKey).asymmetricKeyType).toBe('ed25519');
  });

  it.skipIf(process.platform === 'win32')('writes the file readable by the owner only', () => {
    const { path } = loadOrCreateDevKeys(root);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('reuses the same keys on later calls', () => {
    const first = loadOrCreateDevKeys(root);
    const second = loadOrCreateDevKeys(root);
    expect(second.created).toBe(false);
    expect(second.encryptionKeys).toBe(first.encryptionKeys);
    expect(second.blindIndexKey).toBe(first.blindIndexKey);
    expect(second.auditSigningKey).toBe(first.auditSigningKey);
    expect(second.path).toBe(first.path);
  });

  it('generates different keys for different directories', () => {
    const a = loadOrCreateDevKeys(join(root, 'a'));
    const b = loadOrCreateDevKeys(join(root, 'b'));
    expect(a.encryptionKeys).not.toBe(b.encryptionKeys);
    expect(a.blindIndexKey).not.toBe(b.blindIndexKey);
    expect(a.auditSigningKey).not.toBe(b.auditSigningKey);
  });

  it('leaves no temporary files behind', () => {
    loadOrCreateDevKeys(root);
    expect(readdirSync(root)).toEqual(['dev-keys.json']);
    expect(JSON.parse(readFileSync(join(root, 'dev-keys.json'), 'utf8'))).toHaveProperty('encryptionKeys');
  });

  it('refuses a file that is not JSON instead of replacing keys that may be in use', () => {
    const path = join(root, 'dev-keys.json');
    writeFileSync(path, '{ not json');
    expect(() => loadOrCreateDevKeys(root)).toThrow(ConfigError);
    expect(readFileSync(path, 'utf8')).toBe('{ not json');
  });

  it('refuses a file holding an invalid key, naming the field and the remedy', () => {
    const { path } = loadOrCreateDevKeys(root);
    const content = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify({ ...content, blindIndexKey: 'c2hvcnQ=' }));
    expect(() => loadOrCreateDevKeys(root)).toThrow(/blindIndexKey.*Delete it/);
  });

  it('refuses a file whose audit key is not Ed25519', () => {
    const { path } = loadOrCreateDevKeys(root);
    const content = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    writeFileSync(path, JSON.stringify({ ...content, auditSigningKey: rsa }));
    expect(() => loadOrCreateDevKeys(root)).toThrow(/rsa key, expected Ed25519/);
  });
});
