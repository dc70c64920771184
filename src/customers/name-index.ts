/**
 * A keyed blind index of each customer's name, so that identity reuse (IBAN_REUSED_OTHER_NAME,
 * ID_CARD_REUSED_OTHER_NAME) can count the other *names* an IBAN or ID card is on file under without
 * decrypting anyone's name: three accounts of "Jan Smit" sharing an IBAN are one name, not three.
 *
 * Names are compared as people write them: without accents, case and punctuation, in any word order
 * ("Smit, Jan" is "Jan Smit"), through the same folding as VIES trader names (src/vat/trader-name.ts).
 * Initials are not expanded: "J. Smit" is another name than "Jan Smit", which errs on the side of the
 * signal. The index serves this comparison only; it is no search key (customer search has no name
 * filter).
 *
 * Customers stored before migration 11 got no index from the migration (it is keyed, computed here):
 * `fillNameIndexes` adds it, and the service runs it at start. Until then such a customer counts as a
 * name of its own, as every customer did before.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BlindIndex } from '../crypto/blind-index';
import type { FieldCipher } from '../crypto/field-cipher';
import { sqlRunner } from '../db/sql-runner';
import { foldedWords } from '../vat/trader-name';
import { customerAad } from './customer-view';

/** The blind-index kind (and so the derived key) of customer names; never change it. */
export const NAME_INDEX_KIND = 'customer_name';

/** "Smit, Jàn" and "jan SMIT" give the same key: folded words, sorted, joined by a space. */
export function nameMatchKey(name: string): string {
  const words = foldedWords(name).sort();
  // A name of only punctuation or symbols folds to nothing; it is then compared as typed.
  return words.length > 0 ? words.join(' ') : name.trim().toLowerCase();
}

export function nameIndex(blindIndex: BlindIndex, name: string): string {
  return blindIndex.compute(NAME_INDEX_KIND, nameMatchKey(name));
}

/**
 * Computes the missing name indexes, in batches in id order; returns how many it wrote. Safe to run
 * again and in several processes at once: a row is written only while it still has no index and the
 * name it was computed from (a name changed meanwhile has its own index already). The names are
 * decrypted inside this process only, as key rotation does, and no value leaves it: no audit event.
 * Erased and archived customers keep their name for the invoices only, and a restricted customer's data
 * may only be stored: none of them is indexed again (erasure and archiving drop the index on purpose).
 */
export async function fillNameIndexes(
  em: EntityManager,
  cipher: FieldCipher,
  blindIndex: BlindIndex,
  batchSize = 500,
): Promise<number> {
  const db = sqlRunner(em);
  let written = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await db.query<{ id: string; name_enc: string }>(
      `select id, name_enc from customer
        where name_bidx is null and name_enc is not null and name_enc <> '' and id > ?
          and status not in ('erased', 'archived') and not restricted
        order by id limit ?`,
      [after, batchSize],
    );
    if (rows.length === 0) return written;
    for (const row of rows) {
      const name = cipher.decrypt(row.name_enc, customerAad(row.id, 'name'));
      const updated = await db.query<{ id: string }>(
        `update customer set name_bidx = ? where id = ? and name_bidx is null and name_enc = ? returning id`,
        [nameIndex(blindIndex, name), row.id, row.name_enc],
      );
      written += updated.length;
    }
    after = rows[rows.length - 1]!.id;
  }
}
