import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateApiToken, hashApiToken, looksLikeApiToken } from '../../../src/crypto/api-token';

describe('API tokens', () => {
  it('generates pfp_ + 32 random bytes as base64url', () => {
    const { token } = generateApiToken();
    expect(token).toMatch(/^pfp_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
  });

  it('stores only the lowercase hex SHA-256 of the token', () => {
    const { token, tokenHash } = generateApiToken();
    expect(tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiToken(token)).toBe(tokenHash);
    expect(hashApiToken(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).not.toBe(tokenHash);
  });

  it('exposes a short display prefix of the token, not the secret', () => {
    const { token, prefix } = generateApiToken();
    expect(prefix).toBe(token.slice(0, 12));
    expect(prefix.startsWith('pfp_')).toBe(true);
  });

  it('never repeats a token', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateApiToken().token));
    expect(tokens.size).toBe(1000);
  });

  it('recognises its own tokens and nothing else', () => {
    expect(looksLikeApiToken(generateApiToken().token)).toBe(true);
    const valid = generateApiToken().token;
    expect(looksLikeApiToken(valid.slice(0, -1))).toBe(false);
    expect(looksLikeApiToken(`${valid}A`)).toBe(false);
    expect(looksLikeApiToken(valid.replace(/^pfp_/, 'ghp_'))).toBe(false);
    expect(looksLikeApiToken(`${valid.slice(0, 10)}+${valid.slice(11)}`)).toBe(false);
    expect(looksLikeApiToken('')).toBe(false);
  });
});
