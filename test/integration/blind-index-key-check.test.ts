/**
 * The start-up check of BLIND_INDEX_KEY against the fingerprint the database recorded: another key is
 * refused before the platform serves anything, because with it every blind-index search would quietly
 * find nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/errors';
import type { Platform } from '../../src/platform';
import { attachPlatform, createTestPlatform, type TestPlatform } from '../support/test-platform';

describe('BLIND_INDEX_KEY fingerprint', () => {
  let t: TestPlatform;
  const opened: Platform[] = [];

  beforeAll(async () => {
    t = await createTestPlatform();
  });
  afterAll(async () => {
    for (const p of opened) await p.close();
    await t?.close();
  });

  it('is recorded at the first start, once, without the key itself', async () => {
    const sql = await t.db.superuser();
    const { rows } = await sql.query<{ key_name: string; fingerprint: string }>(
      'select key_name, fingerprint from key_fingerprint',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key_name).toBe('BLIND_INDEX_KEY');
    expect(rows[0]?.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    const key = Buffer.from(t.env.BLIND_INDEX_KEY ?? '', 'base64');
    expect(rows[0]?.fingerprint).not.toContain(key.toString('hex').slice(0, 16));
  });

  it('lets a platform with the same key start', async () => {
    const again = await attachPlatform(t);
    opened.push(again);
    expect(again.keys.source).toBe('configured');
  });

  it('refuses a start with another key, naming the key and what it would break', async () => {
    const other = attachPlatform(t, { BLIND_INDEX_KEY: randomBytes(32).toString('base64') });
    await expect(other).rejects.toBeInstanceOf(ConfigError);
    await expect(other).rejects.toThrow(
      /BLIND_INDEX_KEY is not the key this database's blind indexes were made with/,
    );
    await expect(other).rejects.toThrow(/Configure the earlier BLIND_INDEX_KEY again/);
  });

  it('says so when replaced development keys are the cause', async () => {
    const development = attachPlatform(t, {
      FIELD_ENCRYPTION_KEYS: '',
      BLIND_INDEX_KEY: '',
      AUDIT_SIGNING_KEY: '',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'pfp-devkeys-')),
    });
    await expect(development).rejects.toThrow(/development keys file under the data directory was replaced/);
  });
});
