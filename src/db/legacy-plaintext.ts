/**
 * Moves the personal texts stored in clear before migration 15 into their encrypted columns: an
 * order's review note, a complaint's resolution, a privacy request's outcome and extension reason.
 * The migration cannot do it (it has no key), so the platform does it when it starts, before it serves
 * a request or runs a command: nothing reads a text while it is still in the plain column, and an
 * erasure or purge that follows finds it in the encrypted one.
 *
 * Row by row, each in one statement that writes the ciphertext and empties the plain column together,
 * and only while the plain text is still the one encrypted: safe to interrupt, to run again, and in
 * several processes at once. The texts are decrypted nowhere and leave no process: no audit event, as
 * for key rotation.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldCipher } from '../crypto/field-cipher';
import { orderAad } from '../orders/order-view';
import { complaintResolutionAad } from '../privacy/complaints.service';
import { privacyRequestTextAad } from '../privacy/privacy-requests.service';
import { sqlRunner } from './sql-runner';

interface LegacyColumn {
  table: string;
  plain: string;
  encrypted: string;
  aad: (id: string) => string;
}

/** Each plain column of before migration 15, with the encrypted column and associated data it moves to. */
export const LEGACY_PLAINTEXT_COLUMNS: readonly LegacyColumn[] = [
  {
    table: 'customer_order',
    plain: 'review_note',
    encrypted: 'review_note_enc',
    aad: (id) => orderAad(id, 'orderReviewNote'),
  },
  {
    table: 'complaint',
    plain: 'resolution',
    encrypted: 'resolution_enc',
    aad: complaintResolutionAad,
  },
  {
    table: 'privacy_request',
    plain: 'outcome',
    encrypted: 'outcome_enc',
    aad: (id) => privacyRequestTextAad(id, 'outcome'),
  },
  {
    table: 'privacy_request',
    plain: 'extension_reason',
    encrypted: 'extension_reason_enc',
    aad: (id) => privacyRequestTextAad(id, 'extensionReason'),
  },
];

/** Encrypts every text still in a plain column and empties it; returns how many it moved. */
export async function encryptLegacyPlaintext(
  em: EntityManager,
  cipher: FieldCipher,
  batchSize = 500,
): Promise<number> {
  const db = sqlRunner(em);
  let moved = 0;
  for (const { table, plain, encrypted, aad } of LEGACY_PLAINTEXT_COLUMNS) {
    for (;;) {
      const rows = await db.query<{ id: string; text: string }>(
        `select id, ${plain} as text from ${table} where ${plain} is not null order by id limit ?`,
        [batchSize],
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        // A text already encrypted for the row (written by this version) is the newer one and stays.
        const updated = await db.query<{ id: string }>(
          `update ${table} set ${encrypted} = coalesce(${encrypted}, ?), ${plain} = null
            where id = ? and ${plain} = ? returning id`,
          [cipher.encrypt(row.text, aad(row.id)), row.id, row.text],
        );
        moved += updated.length;
      }
    }
  }
  return moved;
}
