import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/errors';
import { DecryptionError } from '../../../src/crypto/decryption-error';
import { FieldCipher } from '../../../src/crypto/field-cipher';
import { parseEncryptionKeys } from '../../../src/crypto/key-ring';
import type { KeyRing } from '../../../src/crypto/key-ring';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const cipherK1 = new FieldCipher(parseEncryptionKeys(`k1:${k1}`));
const cipherK1K2 = new FieldCipher(parseEncryptionKeys(`k1:${k1},k2:${k2}`));
const cipherK2 = new FieldCipher(parseEncryptionKeys(`k2:${k2}`));

const rowA = 'customer:0b8f6a4e-8f0e-4a57-9d43-1c1f3b0f5a11';
const rowB = 'customer:5d2c7e90-2f55-4bb8-a3a1-6a0d4e9c7b22';
const emailAad = `${rowA}:email`;

function decryptionErrorOf(run: () => unknown): DecryptionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptionError);
    return error as DecryptionError;
  }
  throw new Error('expected a DecryptionError, but decryption returned a value');
}

/** Flips one bit of the decoded bytes of part `index` and re-encodes it, keeping the format valid. */
function flipBit(stored: string, index: 2 | 3, byte: number): string {
  const parts = stored.split('.');
  const bytes = Buffer.from(parts[index] as string, 'base64url');
  const at = byte < 0 ? bytes.length + byte : byte;
  bytes[at] = (bytes[at] as number) ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('FieldCipher round trip', () => {
  it('decrypts what it encrypted, including empty and non-ASCII text', () => {
    for (const plaintext of ['jane.doe@example.com', '', 'Zoë Ångström — 東京 🚚', 'x'.repeat(10_000)]) {
      expect(cipherK1.decrypt(cipherK1.encrypt(plaintext, emailAad), emailAad)).toBe(plaintext);
    }
  });

  it('writes the documented format and no plaintext', () => {
    const plaintext = 'jane.doe@example.com';
    const stored = cipherK1.encrypt(plaintext, emailAad);
    expect(stored).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    const [, , iv, body] = stored.split('.') as [string, string, string, string];
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    // ciphertext (same length as the UTF-8 plaintext) followed by the 16-byte tag
    expect(Buffer.from(body, 'base64url')).toHaveLength(Buffer.byteLength(plaintext) + 16);
    expect(stored).not.toContain('jane');
    expect(stored).not.toContain(Buffer.from(plaintext).toString('base64url').slice(0, 8));
  });

  it('uses a fresh IV every time, so equal values do not look equal at rest', () => {
    const a = cipherK1.encrypt('same', emailAad);
    const b = cipherK1.encrypt('same', emailAad);
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
  });

  it('round-trips small JSON values', () => {
    const address = { street: 'Hauptstraße 1', city: 'Wien', country: 'AT', lines: ['c/o X'] };
    const aad = `${rowA}:shipping_address`;
    const stored = cipherK1.encryptJson(address, aad);
    expect(stored).not.toContain('Wien');
    expect(cipherK1.decryptJson(stored, aad)).toEqual(address);
    const ips = ['203.0.113.7', '2001:db8::1'];
    expect(cipherK1.decryptJson<string[]>(cipherK1.encryptJson(ips, aad), aad)).toEqual(ips);
  });

  it('refuses values that have no JSON form', () => {
    expect(() => cipherK1.encryptJson(undefined, emailAad)).toThrow(TypeError);
  });

  it('refuses an empty AAD, which would leave the value unbound', () => {
    expect(() => cipherK1.encrypt('x', '')).toThrow(TypeError);
    const stored = cipherK1.encrypt('x', emailAad);
    expect(() => cipherK1.decrypt(stored, '')).toThrow(TypeError);
  });
});

describe('FieldCipher rejects tampered or foreign values', () => {
  const stored = cipherK1.encrypt('jane.doe@example.com', emailAad);

  it.each([
    ['the IV', 2, 0],
    ['the ciphertext', 3, 0],
    ['the tag', 3, -1],
  ] as const)('a flipped bit in %s', (_name, part, byte) => {
    const tampered = flipBit(stored, part, byte);
    expect(tampered).not.toBe(stored);
    const e = decryptionErrorOf(() => cipherK1.decrypt(tampered, emailAad));
    expect(e.cause).toBeInstanceOf(Error);
  });

  it('the wrong field of the same row', () => {
    decryptionErrorOf(() => cipherK1.decrypt(stored, `${rowA}:phone`));
  });

  it('a value copied to another row', () => {
    const fromB = cipherK1.encrypt('someone.else@example.com', `${rowB}:email`);
    decryptionErrorOf(() => cipherK1.decrypt(fromB, emailAad));
    // and the legitimate owner still reads it
    expect(cipherK1.decrypt(fromB, `${rowB}:email`)).toBe('someone.else@example.com');
  });

  it('an unknown key id, named in the message', () => {
    const e = decryptionErrorOf(() => cipherK2.decrypt(stored, emailAad));
    expect(e.message).toContain('"k1"');
  });

  it('a key id edited to another configured key', () => {
    decryptionErrorOf(() => cipherK1K2.decrypt(stored.replace(/^v1\.k1\./, 'v1.k2.'), emailAad));
  });

  it('a key id edited to another id for the same key bytes (the header is authenticated)', () => {
    const aliased = new FieldCipher(parseEncryptionKeys(`k1:${k1},k1b:${k1}`, 'k1'));
    const value = aliased.encrypt('x', emailAad);
    expect(aliased.decrypt(value, emailAad)).toBe('x');
    decryptionErrorOf(() => aliased.decrypt(value.replace(/^v1\.k1\./, 'v1.k1b.'), emailAad));
  });

  it('non-canonical base64url that would decode to the same bytes', () => {
    // one byte of plaintext + 16 of tag = 17 bytes: the last base64url character carries 2 unused bits
    const value = cipherK1.encrypt('x', emailAad);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(value.at(-1) as string);
    const variant = value.slice(0, -1) + (alphabet[last ^ 1] as string);
    expect(Buffer.from(variant.split('.')[3] as string, 'base64url')).toEqual(
      Buffer.from(value.split('.')[3] as string, 'base64url'),
    );
    decryptionErrorOf(() => cipherK1.decrypt(variant, emailAad));
  });

  it.each([
    ['empty', ''],
    ['plaintext', 'jane.doe@example.com'],
    ['too few parts', 'v1.k1.AAAAAAAAAAAAAAAA'],
    ['too many parts', `${stored}.x`],
    ['unknown version', stored.replace(/^v1\./, 'v2.')],
    ['invalid key id', stored.replace(/^v1\.k1\./, 'v1.k 1.')],
    ['IV of the wrong length', stored.replace(/^(v1\.k1\.)[^.]+/, '$1AAAA')],
    ['non-base64url characters', stored.replace(/^(v1\.k1\.[^.]+\.)(.)/, '$1+')],
    ['body shorter than a tag', stored.replace(/[^.]+$/, 'AAAA')],
  ])('a malformed value: %s', (_name, bad) => {
    decryptionErrorOf(() => cipherK1.decrypt(bad, emailAad));
    decryptionErrorOf(() => cipherK1.keyIdOf(bad));
  });

  it('a non-string from an untyped source', () => {
    decryptionErrorOf(() => cipherK1.decrypt(null as unknown as string, emailAad));
  });

  it('authenticated content that is not JSON, in decryptJson', () => {
    const notJson = cipherK1.encrypt('not json {', emailAad);
    const e = decryptionErrorOf(() => cipherK1.decryptJson(notJson, emailAad));
    expect(e.cause).toBeInstanceOf(SyntaxError);
  });
});

describe('FieldCipher key rotation', () => {
  it('reads old values, reports them as not current, and moves them to the active key', () => {
    const aad = `${rowA}:phone`;
    const old = cipherK1.encrypt('+43 660 1234567', aad);

    expect(cipherK1K2.keyIdOf(old)).toBe('k1');
    expect(cipherK1K2.decrypt(old, aad)).toBe('+43 660 1234567');
    expect(cipherK1K2.isCurrent(old)).toBe(false);
    expect(cipherK1.isCurrent(old)).toBe(true);

    const rotated = cipherK1K2.reencrypt(old, aad);
    expect(cipherK1K2.keyIdOf(rotated)).toBe('k2');
    expect(cipherK1K2.isCurrent(rotated)).toBe(true);
    // k1 can now be retired: a ring with only k2 reads the rotated value, and k1 alone cannot
    expect(cipherK2.decrypt(rotated, aad)).toBe('+43 660 1234567');
    decryptionErrorOf(() => cipherK1.decrypt(rotated, aad));
  });

  it('encrypts new values under the active key', () => {
    expect(cipherK1K2.keyIdOf(cipherK1K2.encrypt('x', emailAad))).toBe('k2');
    const pinned = new FieldCipher(parseEncryptionKeys(`k1:${k1},k2:${k2}`, 'k1'));
    expect(pinned.keyIdOf(pinned.encrypt('x', emailAad))).toBe('k1');
  });

  it('will not launder a tampered value through reencrypt', () => {
    const old = cipherK1.encrypt('x', emailAad);
    decryptionErrorOf(() => cipherK1K2.reencrypt(flipBit(old, 3, 0), emailAad));
    decryptionErrorOf(() => cipherK1K2.reencrypt(old, `${rowB}:email`));
  });
});

describe('FieldCipher construction', () => {
  it('rejects a hand-built ring whose active key is missing or the wrong size', () => {
    const key = randomBytes(32);
    const missing: KeyRing = { activeKeyId: 'k2', keys: new Map([['k1', key]]) };
    expect(() => new FieldCipher(missing)).toThrow(ConfigError);
    const short: KeyRing = { activeKeyId: 'k1', keys: new Map([['k1', randomBytes(16)]]) };
    expect(() => new FieldCipher(short)).toThrow(ConfigError);
    const badId: KeyRing = { activeKeyId: 'k.1', keys: new Map([['k.1', key]]) };
    expect(() => new FieldCipher(badId)).toThrow(ConfigError);
  });
});
