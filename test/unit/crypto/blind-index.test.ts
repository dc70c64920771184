import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/errors';
import { BlindIndex } from '../../../src/crypto/blind-index';

const keyA = randomBytes(32);
const keyB = randomBytes(32);

describe('BlindIndex', () => {
  it('is deterministic for the same kind, value and key', () => {
    const a = new BlindIndex(keyA).compute('customer.email', 'jane.doe@example.com');
    const b = new BlindIndex(Buffer.from(keyA)).compute('customer.email', 'jane.doe@example.com');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(b);
  });

  it('distinguishes values', () => {
    const index = new BlindIndex(keyA);
    expect(index.compute('customer.email', 'jane.doe@example.com')).not.toBe(
      index.compute('customer.email', 'jane.doe@example.org'),
    );
  });

  it('is unlinkable across kinds for the same value', () => {
    const index = new BlindIndex(keyA);
    expect(index.compute('customer.email', '+436601234567')).not.toBe(
      index.compute('customer.phone', '+436601234567'),
    );
  });

  it('differs across master keys', () => {
    expect(new BlindIndex(keyA).compute('customer.email', 'a@example.com')).not.toBe(
      new BlindIndex(keyB).compute('customer.email', 'a@example.com'),
    );
  });

  it('is not a plain HMAC under the master key, so kinds do not share a key', () => {
    const plain = createHmac('sha256', keyA).update('customer.email\0a@example.com').digest('hex');
    expect(new BlindIndex(keyA).compute('customer.email', 'a@example.com')).not.toBe(plain);
  });

  it('does not normalise: callers must canonicalise first', () => {
    const index = new BlindIndex(keyA);
    expect(index.compute('customer.email', 'Jane@Example.com')).not.toBe(
      index.compute('customer.email', 'jane@example.com'),
    );
  });

  it('is unaffected by later changes to the caller’s key buffer', () => {
    const key = Buffer.from(keyA);
    const index = new BlindIndex(key);
    const before = index.compute('k', 'v');
    key.fill(0);
    expect(new BlindIndex(keyA).compute('k', 'v')).toBe(before);
    // a kind not derived yet, so the result depends on the master key as it is now
    expect(index.compute('other', 'v')).toBe(new BlindIndex(keyA).compute('other', 'v'));
  });

  it('rejects a key that is not 32 bytes', () => {
    expect(() => new BlindIndex(randomBytes(16))).toThrow(ConfigError);
  });

  it('rejects an empty or ambiguous kind and an empty value', () => {
    const index = new BlindIndex(keyA);
    expect(() => index.compute('', 'v')).toThrow(TypeError);
    expect(() => index.compute('a\0b', 'v')).toThrow(TypeError);
    expect(() => index.compute('customer.email', '')).toThrow(TypeError);
  });
});
