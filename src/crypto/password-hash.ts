/**
 * Password hashing for operator accounts with scrypt, a memory-hard function that makes offline guessing
 * expensive if the hashes leak. The stored string names its own parameters so they can be raised later:
 * old hashes still verify, and needsRehash says when to replace one after a successful login.
 *
 * Stored format: `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>` (N as a number, e.g. 32768).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';

const CURRENT = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

// Bounds for parameters read back from storage, so a corrupted or planted row cannot make a login
// allocate gigabytes (scrypt needs about 128*N*r bytes) or spin for minutes.
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_P = 16;

const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;

interface ScryptParams {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

export async function hashPassword(password: string): Promise<string> {
  if (password === '') {
    throw new TypeError('hashPassword: refusing to hash an empty password');
  }
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, CURRENT.N, CURRENT.r, CURRENT.p, HASH_BYTES);
  return ['scrypt', CURRENT.N, CURRENT.r, CURRENT.p, salt.toString('base64'), hash.toString('base64')].join(
    '$',
  );
}

/**
 * Resolves false for a wrong password. A stored string that is not a valid scrypt hash rejects instead:
 * that is corrupted data and should be visible, not look like a mistyped password.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const params = parseStored(stored);
  if (params === undefined) {
    throw new Error('verifyPassword: stored password hash is malformed or uses unsupported parameters');
  }
  const candidate = await derive(password, params.salt, params.N, params.r, params.p, params.hash.length);
  return timingSafeEqual(candidate, params.hash);
}

/** True when the stored hash is malformed or weaker/different from what hashPassword produces today. */
export function needsRehash(stored: string): boolean {
  const params = parseStored(stored);
  return (
    params === undefined ||
    params.N !== CURRENT.N ||
    params.r !== CURRENT.r ||
    params.p !== CURRENT.p ||
    params.salt.length !== SALT_BYTES ||
    params.hash.length !== HASH_BYTES
  );
}

function derive(
  password: string,
  salt: Buffer,
  N: number,
  r: number,
  p: number,
  keylen: number,
): Promise<Buffer> {
  // scrypt needs 128*r*(N+p+2) bytes: just over Node's default maxmem of 32 MiB for N=2^15, r=8, so the
  // default would reject our own parameters. The limit is set to what the parameters need, plus slack.
  const options: ScryptOptions = { N, r, p, maxmem: 128 * r * (N + p + 2) + 1024 * 1024 };
  // NFKC so the same password typed on different keyboards/platforms (composed vs decomposed accents)
  // hashes identically, as NIST SP 800-63B recommends.
  const normalized = password.normalize('NFKC');
  return new Promise((resolve, reject) => {
    scrypt(normalized, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function parseStored(stored: string): ScryptParams | undefined {
  if (typeof stored !== 'string') {
    return undefined;
  }
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    return undefined;
  }
  const [, nText, rText, pText, saltText, hashText] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const N = parseSmallInt(nText);
  const r = parseSmallInt(rText);
  const p = parseSmallInt(pText);
  const salt = decodeBase64(saltText);
  const hash = decodeBase64(hashText);
  if (N === undefined || r === undefined || p === undefined || salt === undefined || hash === undefined) {
    return undefined;
  }
  const nIsPowerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!nIsPowerOfTwo || 128 * N * r > MAX_MEMORY_BYTES || p > MAX_P) {
    return undefined;
  }
  if (salt.length < SALT_BYTES || hash.length < 16 || hash.length > 64) {
    return undefined;
  }
  return { N, r, p, salt, hash };
}

function parseSmallInt(text: string): number | undefined {
  return /^[1-9][0-9]{0,7}$/.test(text) ? Number(text) : undefined;
}

function decodeBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !BASE64_PATTERN.test(text)) {
    return undefined;
  }
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
