import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/errors';
import { parseEncryptionKeys, parseKey32 } from '../../../src/crypto/key-ring';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

describe('parseKey32', () => {
  it('decodes a 32-byte standard base64 key', () => {
    const key = parseKey32(keyA, 'BLIND_INDEX_KEY');
    expect(key).toEqual(Buffer.from(keyA, 'base64'));
    expect(key.length).toBe(32);
  });

  it('rejects a key of the wrong length and names the setting', () => {
    const e = configErrorOf(() => parseKey32(randomBytes(16).toString('base64'), 'BLIND_INDEX_KEY'));
    expect(e.message).toContain('BLIND_INDEX_KEY');
    expect(e.message).toContain('16 bytes');
  });

  it('rejects invalid base64 instead of silently skipping characters', () => {
    const typo = `${keyA.slice(0, 10)}!${keyA.slice(11)}`;
    const e = configErrorOf(() => parseKey32(typo, 'K'));
    expect(e.message).toMatch(/base64/);
    expect(e.message).not.toContain(typo);
  });

  it('rejects base64url and unpadded input', () => {
    configErrorOf(() => parseKey32(Buffer.alloc(32, 0xfb).toString('base64url'), 'K'));
    configErrorOf(() => parseKey32(keyA.replace(/=+$/, ''), 'K'));
  });

  it('rejects non-canonical base64 whose unused bits are set', () => {
    // 32 bytes encode to 43 characters + '='; the 43rd carries 2 unused bits
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const last = alphabet.indexOf(keyA.charAt(42));
    const variant = `${keyA.slice(0, 42)}${alphabet.charAt(last ^ 1)}=`;
    expect(Buffer.from(variant, 'base64')).toEqual(Buffer.from(keyA, 'base64'));
    configErrorOf(() => parseKey32(variant, 'K'));
  });

  it('rejects an empty key', () => {
    expect(configErrorOf(() => parseKey32('  ', 'K')).message).toMatch(/empty/);
  });
});

describe('parseEncryptionKeys', () => {
  it('makes the last listed key active by default', () => {
    const ring = parseEncryptionKeys(`k1:${keyA},k2:${keyB}`);
    expect(ring.activeKeyId).toBe('k2');
    expect([...ring.keys.keys()]).toEqual(['k1', 'k2']);
    expect(ring.keys.get('k1')).toEqual(Buffer.from(keyA, 'base64'));
    expect(ring.keys.get('k2')).toEqual(Buffer.from(keyB, 'base64'));
  });

  it('honours an explicit active key id, and treats an empty one as unset', () => {
    expect(parseEncryptionKeys(`k1:${keyA},k2:${keyB}`, 'k1').activeKeyId).toBe('k1');
    expect(parseEncryptionKeys(`k1:${keyA},k2:${keyB}`, '').activeKeyId).toBe('k2');
  });

  it('tolerates whitespace around entries', () => {
    const ring = parseEncryptionKeys(` k1 : ${keyA} ,\n k2:${keyB} `);
    expect([...ring.keys.keys()]).toEqual(['k1', 'k2']);
  });

  it('rejects an active key id that is not configured', () => {
    expect(configErrorOf(() => parseEncryptionKeys(`k1:${keyA}`, 'k9')).message).toContain('"k9"');
  });

  it('rejects an empty spec', () => {
    expect(configErrorOf(() => parseEncryptionKeys('')).message).toMatch(/none configured/);
    expect(configErrorOf(() => parseEncryptionKeys('   ')).message).toMatch(/none configured/);
  });

  it('rejects an empty entry', () => {
    expect(configErrorOf(() => parseEncryptionKeys(`k1:${keyA},`)).message).toMatch(/entry 2 is empty/);
  });

  it('rejects bad base64 and names the entry without printing the key', () => {
    const bad = `${keyB.slice(0, 5)}*${keyB.slice(6)}`;
    const e = configErrorOf(() => parseEncryptionKeys(`k1:${keyA},k2:${bad}`));
    expect(e.message).toContain('entry 2');
    expect(e.message).toContain('"k2"');
    expect(e.message).toMatch(/base64/);
    expect(e.message).not.toContain(bad);
    expect(e.message).not.toContain(keyA);
  });

  it('rejects a key of the wrong length', () => {
    const short = randomBytes(24).toString('base64');
    const e = configErrorOf(() => parseEncryptionKeys(`k1:${short}`));
    expect(e.message).toContain('24 bytes');
    expect(e.message).not.toContain(short);
  });

  it('rejects a duplicate key id', () => {
    const e = configErrorOf(() => parseEncryptionKeys(`k1:${keyA},k1:${keyB}`));
    expect(e.message).toMatch(/"k1" is listed more than once/);
  });

  it('rejects an entry without a key id, without echoing what may be a key', () => {
    const e = configErrorOf(() => parseEncryptionKeys(keyA));
    expect(e.message).toMatch(/no key id/);
    expect(e.message).not.toContain(keyA);
  });

  it('rejects invalid key ids', () => {
    configErrorOf(() => parseEncryptionKeys(`:${keyA}`));
    configErrorOf(() => parseEncryptionKeys(`k.1:${keyA}`));
    configErrorOf(() => parseEncryptionKeys(`${'k'.repeat(33)}:${keyA}`));
    expect(parseEncryptionKeys(`${'k'.repeat(32)}:${keyA}`).activeKeyId).toBe('k'.repeat(32));
  });
});
