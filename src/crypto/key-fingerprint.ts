/**
 * Refuses to run with a BLIND_INDEX_KEY other than the one the stored blind indexes were made with. A
 * wrong field-encryption key fails loudly at the first decryption; a wrong blind-index key fails
 * silently (every search finds nothing, fraud counts start from zero), so the database keeps the key's
 * fingerprint from the first start and each start compares.
 *
 * The fingerprint is a blind index of a fixed text under its own derived key: it reveals nothing of
 * the key or of any indexed value, and only the key's holder can make it.
 */
import type { SqlRunner } from '../../audit/sql-runner';
import { ConfigError } from '../errors/errors';
import type { BlindIndex } from './blind-index';

const KEY_NAME = 'BLIND_INDEX_KEY';

export function blindIndexKeyFingerprint(blindIndex: BlindIndex): string {
  return blindIndex.compute('key-fingerprint', KEY_NAME).slice(0, 32);
}

/**
 * Records the key's fingerprint if the database has none yet (a new database, or the first start after
 * migration 16), and otherwise throws ConfigError unless it is the same.
 */
export async function checkBlindIndexKey(
  db: SqlRunner,
  blindIndex: BlindIndex,
  source: 'configured' | 'development',
): Promise<'recorded' | 'matched'> {
  const fingerprint = blindIndexKeyFingerprint(blindIndex);
  const inserted = await db.query(
    'insert into key_fingerprint (key_name, fingerprint) values (?, ?) on conflict (key_name) do nothing returning 1',
    [KEY_NAME, fingerprint],
  );
  if (inserted.length > 0) return 'recorded';
  const [stored] = await db.query<{ fingerprint: string; recorded_on: string }>(
    `select fingerprint, to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD') as recorded_on
     from key_fingerprint where key_name = ?`,
    [KEY_NAME],
  );
  if (stored?.fingerprint === fingerprint) return 'matched';
  const where =
    source === 'development'
      ? 'The development keys file under the data directory was replaced or removed since.'
      : 'Configure the earlier BLIND_INDEX_KEY again.';
  throw new ConfigError(
    `BLIND_INDEX_KEY is not the key this database's blind indexes were made with: its fingerprint is ` +
      `${fingerprint}, the one recorded on ${stored?.recorded_on ?? '?'} is ${stored?.fingerprint ?? '?'}. ` +
      `With it, searches by email, IBAN, VAT number, ID-card number, username or name would find nothing and the fraud ` +
      `velocity and identity-reuse counts would start from zero. ${where} Changing this key is not supported yet.`,
  );
}
