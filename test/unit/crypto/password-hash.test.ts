import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from '../../../src/crypto/password-hash';

const FORMAT = /^scrypt\$32768\$8\$1\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

describe('password hashing', () => {
  it('produces the self-describing format with a 16-byte salt and 32-byte hash', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const match = FORMAT.exec(stored);
    expect(match).not.toBeNull();
    expect(Buffer.from(match?.[1] ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(match?.[2] ?? '', 'base64')).toHaveLength(32);
    expect(stored).not.toContain('horse');
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    await expect(verifyPassword('correct horse battery staple', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapler', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
  });

  it('treats composed and decomposed Unicode as the same password', async () => {
    const stored = await hashPassword('Ze\u0301ro');
    await expect(verifyPassword('Z\u00e9ro', stored)).resolves.toBe(true);
  });

  it('verifies hashes made with other parameters, and flags them for rehash', async () => {
    const salt = Buffer.alloc(16, 7).toString('base64');
    const weak = await hashPasswordWith(1024, 'hunter2', salt);
    await expect(verifyPassword('hunter2', weak)).resolves.toBe(true);
    await expect(verifyPassword('hunter3', weak)).resolves.toBe(false);
    expect(needsRehash(weak)).toBe(true);
  });

  it('does not flag a current hash for rehash', async () => {
    expect(needsRehash(await hashPassword('x'))).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['bcrypt', '$2b$10$abcdefghijklmnopqrstuuTNyQ1vHqvB1mX1bEFmUQ2YnqJ8ZPnHm'],
    ['N not a power of two', `scrypt$1000$8$1$${'A'.repeat(22)}==$${'A'.repeat(43)}=`],
    ['N too large', `scrypt$${2 ** 24}$8$1$${'A'.repeat(22)}==$${'A'.repeat(43)}=`],
    ['bad base64', `scrypt$32768$8$1$${'*'.repeat(24)}$${'A'.repeat(43)}=`],
    [
      'salt shorter than 16 bytes',
      `scrypt$32768$8$1$${Buffer.from('NaCl').toString('base64')}$${'A'.repeat(43)}=`,
    ],
    ['missing part', `scrypt$32768$8$${'A'.repeat(22)}==$${'A'.repeat(43)}=`],
  ])('rejects a malformed stored hash: %s', async (_name, stored) => {
    expect(needsRehash(stored)).toBe(true);
    await expect(verifyPassword('x', stored)).rejects.toThrow(/malformed/);
  });

  it('refuses to hash an empty password', async () => {
    await expect(hashPassword('')).rejects.toThrow(TypeError);
  });
});

/** Builds a valid stored hash with a non-current N, the way an older version of the code would have. */
async function hashPasswordWith(N: number, password: string, saltB64: string): Promise<string> {
  const { scrypt } = await import('node:crypto');
  const hash = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFKC'), Buffer.from(saltB64, 'base64'), 32, { N, r: 8, p: 1 }, (e, k) =>
      e ? reject(e) : resolve(k),
    ),
  );
  return `scrypt$${N}$8$1$${saltB64}$${hash.toString('base64')}`;
}
