/**
 * Signed checkpoints: the exact signed text, Ed25519 signing and checking with every accepted key form,
 * and every tamper (size, root, time, origin, key, signature) failing. A known-answer signature pins the
 * body format: if it changes, every checkpoint signature already stored stops verifying.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkpointBody,
  checkpointText,
  CheckpointError,
  DEFAULT_ORIGIN,
  InvalidCheckpointError,
  InvalidKeyError,
  InvalidSignatureError,
  isValidCheckpointSignature,
  parsePublicKey,
  publicKeyFromHex,
  publicKeyHex,
  signCheckpoint,
  verifyCheckpointSignature,
} from '../../../audit/checkpoint';
import type { Checkpoint } from '../../../audit/checkpoint';

// RFC 8032 §7.1, TEST 1: a published Ed25519 key pair, so the known-answer signature below can be
// re-derived by anyone (it was cross-checked with `openssl pkeyutl -sign -rawin`).
const RFC8032_SECRET_HEX = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const RFC8032_PUBLIC_HEX = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const RFC8032_EMPTY_MESSAGE_SIGNATURE_HEX =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

/** The 8-leaf RFC 6962 reference tree's root (see merkle.test.ts). */
const ROOT8_HEX = '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328';
const ROOT7_HEX = 'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c';

const CHECKPOINT: Checkpoint = { treeSize: 8, rootHash: ROOT8_HEX, createdAt: '2025-01-01T00:00:00.000Z' };
const CHECKPOINT_TEXT =
  'privacy-audit-log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n2025-01-01T00:00:00.000Z\n';
const CHECKPOINT_SIGNATURE_HEX =
  'e7c4629ce86da5d8e82f2e0170d58bd8bfdd0640356ec9db1ded956a5f0ee4e94d1d4efda7f726ced09b4791d40618cf0aff86b2193e932eeeb3ec1f4351ec06';

function rfc8032PrivateKey(): KeyObject {
  const b64url = (h: string): string => Buffer.from(h, 'hex').toString('base64url');
  return createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: b64url(RFC8032_SECRET_HEX), x: b64url(RFC8032_PUBLIC_HEX) },
    format: 'jwk',
  });
}

describe('checkpointBody', () => {
  it('is the C2SP-style four-line text: origin, size, base64 root, time', () => {
    expect(checkpointText(CHECKPOINT)).toBe(CHECKPOINT_TEXT);
    expect(checkpointBody(CHECKPOINT)).toEqual(Buffer.from(CHECKPOINT_TEXT, 'utf8'));
    expect(DEFAULT_ORIGIN).toBe('privacy-audit-log');
  });

  it('puts the given origin on the first line', () => {
    expect(checkpointText(CHECKPOINT, 'example.com/audit')).toBe(
      CHECKPOINT_TEXT.replace(DEFAULT_ORIGIN, 'example.com/audit'),
    );
  });

  it('writes the empty tree as size 0 with SHA-256("")', () => {
    const empty = {
      treeSize: 0,
      rootHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      createdAt: '2024-02-29T23:59:59.999Z',
    };
    expect(checkpointText(empty)).toBe(
      'privacy-audit-log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n2024-02-29T23:59:59.999Z\n',
    );
  });

  it('accepts exactly one spelling of every field', () => {
    const bad: Array<[Partial<Checkpoint>, string]> = [
      [{ treeSize: -1 }, 'treeSize'],
      [{ treeSize: 1.5 }, 'treeSize'],
      [{ treeSize: 2 ** 53 }, 'treeSize'],
      [{ treeSize: '8' as unknown as number }, 'treeSize'],
      [{ rootHash: ROOT8_HEX.toUpperCase() }, 'rootHash'],
      [{ rootHash: ROOT8_HEX.slice(1) }, 'rootHash'],
      [{ rootHash: Buffer.from(ROOT8_HEX, 'hex').toString('base64') }, 'rootHash'],
      [{ createdAt: '2025-01-01T00:00:00Z' }, 'createdAt'],
      [{ createdAt: '2025-01-01' }, 'createdAt'],
      [{ createdAt: '2025-01-01T01:00:00.000+01:00' }, 'createdAt'],
      [{ createdAt: 'yesterday' }, 'createdAt'],
      [{ createdAt: '' }, 'createdAt'],
    ];
    for (const [change, field] of bad) {
      const error = catchError(() => checkpointBody({ ...CHECKPOINT, ...change }));
      expect(error, JSON.stringify(change)).toBeInstanceOf(InvalidCheckpointError);
      expect((error as InvalidCheckpointError).field).toBe(field);
    }
    expect(() => checkpointBody(CHECKPOINT, '')).toThrow(InvalidCheckpointError);
    expect(() => checkpointBody(CHECKPOINT, 'log\n9')).toThrow(InvalidCheckpointError);
  });
});

describe('keys', () => {
  it('imports the RFC 8032 key correctly (its published signature of the empty message)', async () => {
    const { sign } = await import('node:crypto');
    expect(sign(null, Buffer.alloc(0), rfc8032PrivateKey()).toString('hex')).toBe(
      RFC8032_EMPTY_MESSAGE_SIGNATURE_HEX,
    );
  });

  it('gives the raw 32-byte public key as hex, from either half of the pair', () => {
    const privateKey = rfc8032PrivateKey();
    expect(publicKeyHex(privateKey)).toBe(RFC8032_PUBLIC_HEX);
    const { publicKey } = generateKeyPairSync('ed25519');
    expect(publicKeyHex(publicKey)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('round-trips a public key through hex', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const hex = publicKeyHex(publicKey);
    expect(publicKeyFromHex(hex).equals(publicKey)).toBe(true);
  });

  it('reads a public key from a KeyObject, PEM or hex', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    for (const form of [publicKey, pem, publicKeyHex(publicKey)]) {
      expect(parsePublicKey(form).equals(publicKey)).toBe(true);
    }
  });

  it('refuses keys that are not Ed25519 public keys', () => {
    const { publicKey: ecKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { privateKey } = generateKeyPairSync('ed25519');
    const bad: Array<KeyObject | string> = [
      ecKey,
      ecKey.export({ format: 'pem', type: 'spki' }).toString(),
      privateKey,
      RFC8032_PUBLIC_HEX.toUpperCase(),
      RFC8032_PUBLIC_HEX.slice(2),
      '-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n',
      '',
    ];
    for (const key of bad) expect(() => parsePublicKey(key)).toThrow(InvalidKeyError);
  });
});

describe('signatures', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const signature = signCheckpoint(CHECKPOINT, privateKey);

  it('matches the known answer for the RFC 8032 key (the signed format has not drifted)', () => {
    expect(signCheckpoint(CHECKPOINT, rfc8032PrivateKey())).toBe(CHECKPOINT_SIGNATURE_HEX);
    verifyCheckpointSignature(CHECKPOINT, CHECKPOINT_SIGNATURE_HEX, RFC8032_PUBLIC_HEX);
  });

  it('verifies with the public key in every accepted form', () => {
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    for (const key of [publicKey, pem, publicKeyHex(publicKey)]) {
      expect(() => verifyCheckpointSignature(CHECKPOINT, signature, key)).not.toThrow();
      expect(isValidCheckpointSignature(CHECKPOINT, signature, key)).toBe(true);
    }
  });

  it.each<[string, Partial<Checkpoint>]>([
    ['size', { treeSize: 7 }],
    ['size grown', { treeSize: 9 }],
    ['root', { rootHash: ROOT7_HEX }],
    ['time', { createdAt: '2025-01-01T00:00:00.001Z' }],
  ])('fails when the %s is changed', (_, change) => {
    const tampered = { ...CHECKPOINT, ...change };
    expect(() => verifyCheckpointSignature(tampered, signature, publicKey)).toThrow(InvalidSignatureError);
    expect(isValidCheckpointSignature(tampered, signature, publicKey)).toBe(false);
  });

  it('fails under another origin: a signature for one log is no good for another', () => {
    expect(() => verifyCheckpointSignature(CHECKPOINT, signature, publicKey, 'other-log')).toThrow(
      InvalidSignatureError,
    );
    const forOther = signCheckpoint(CHECKPOINT, privateKey, 'other-log');
    verifyCheckpointSignature(CHECKPOINT, forOther, publicKey, 'other-log');
    expect(isValidCheckpointSignature(CHECKPOINT, forOther, publicKey)).toBe(false);
  });

  it('fails with the wrong key', () => {
    const { publicKey: otherKey } = generateKeyPairSync('ed25519');
    expect(() => verifyCheckpointSignature(CHECKPOINT, signature, otherKey)).toThrow(InvalidSignatureError);
    expect(isValidCheckpointSignature(CHECKPOINT, signature, publicKeyHex(otherKey))).toBe(false);
  });

  it('fails for any single flipped bit of the signature', () => {
    const bytes = Buffer.from(signature, 'hex');
    for (let bit = 0; bit < bytes.length * 8; bit += 1) {
      const flipped = Buffer.from(bytes);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      expect(isValidCheckpointSignature(CHECKPOINT, flipped.toString('hex'), publicKey), `bit ${bit}`).toBe(
        false,
      );
    }
  });

  it('refuses malformed signatures as invalid, not as bugs', () => {
    for (const bad of [signature.toUpperCase(), signature.slice(2), `${signature}00`, '', 'zz'.repeat(64)]) {
      expect(() => verifyCheckpointSignature(CHECKPOINT, bad, publicKey)).toThrow(InvalidSignatureError);
    }
  });

  it('says what was checked when a signature does not verify', () => {
    const error = catchError(() =>
      verifyCheckpointSignature({ ...CHECKPOINT, treeSize: 7 }, signature, publicKey),
    );
    expect((error as Error).message).toContain('size 7');
    expect((error as Error).message).toContain(publicKeyHex(publicKey));
  });

  it('signs only with an Ed25519 private key', () => {
    const { privateKey: ecPrivate } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => signCheckpoint(CHECKPOINT, publicKey)).toThrow(InvalidKeyError);
    expect(() => signCheckpoint(CHECKPOINT, ecPrivate)).toThrow(InvalidKeyError);
  });

  it('reports unusable inputs as checkpoint errors, which the boolean form turns into false', () => {
    expect(isValidCheckpointSignature({ ...CHECKPOINT, createdAt: 'soon' }, signature, publicKey)).toBe(
      false,
    );
    expect(isValidCheckpointSignature(CHECKPOINT, signature, 'not a key')).toBe(false);
    expect(new InvalidSignatureError('x')).toBeInstanceOf(CheckpointError);
  });
});

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
