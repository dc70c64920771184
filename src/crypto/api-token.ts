/**
 * Opaque API tokens for machine clients. The token is shown once at creation; only its SHA-256 hash is
 * stored, so a database dump does not hand out working credentials.
 *
 * A fast hash is right here, unlike for passwords: a token is 256 bits from the CSPRNG, so there is
 * nothing to guess offline, and a plain hash lets every request look its token up by an indexed equality
 * match instead of paying a slow KDF per request. Timing of that lookup reveals at most bits of a hash,
 * which do not help forge a token.
 *
 * Token format: `pfp_` + 32 random bytes as base64url without padding (43 characters). The `pfp_` prefix
 * lets secret scanners and people recognise a leaked token.
 */
import { createHash, randomBytes } from 'node:crypto';

const TOKEN_PREFIX = 'pfp_';
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^pfp_[A-Za-z0-9_-]{43}$/;
// Enough characters to tell a user's tokens apart in a list; 48 bits of 256 disclosed is harmless.
const DISPLAY_PREFIX_CHARS = 8;

export interface GeneratedApiToken {
  /** The secret; return it to the client once and never store or log it. */
  token: string;
  /** Lowercase hex SHA-256 of the token, the only form that is stored and looked up. */
  tokenHash: string;
  /** `pfp_` plus the first characters of the secret, stored in clear so a UI can identify the token. */
  prefix: string;
}

export function generateApiToken(): GeneratedApiToken {
  const token = TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
  return {
    token,
    tokenHash: hashApiToken(token),
    prefix: tokenDisplayPrefix(token),
  };
}

/** The part of a token that is stored in clear and shown (never more of the secret). */
export function tokenDisplayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + DISPLAY_PREFIX_CHARS);
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A cheap shape check, e.g. to tell a bearer API token from another credential before any lookup. */
export function looksLikeApiToken(candidate: string): boolean {
  return TOKEN_PATTERN.test(candidate);
}
