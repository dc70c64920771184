/**
 * Blind indexes that let scoring match identities as people write them rather than byte for byte:
 *
 * - `customer_order.email_mailbox_bidx`: the order's email address as a mailbox (no '+tag', Gmail's
 *   dots and googlemail.com folded; src/validation/email.ts, emailMailbox), for VELOCITY_EMAIL, which
 *   plus-tags dodged. Stored beside the exact index (`email_bidx`), which stays as it was.
 * - `customer.name_bidx`: the customer's name as identity reuse compares it (case, accents,
 *   punctuation and word order aside; src/customers/name-index.ts), so that IBAN_REUSED_OTHER_NAME and
 *   ID_CARD_REUSED_OTHER_NAME count other names rather than other accounts.
 *
 * A blind index is a keyed hash computed by the application, so this migration cannot fill either in
 * for the rows already stored. Old orders keep no mailbox index, and the count matches them, as before,
 * on their exact address (src/orders/order-velocity.ts): an old order counts for the same address, not
 * for a tagged variant of it. That keeps re-scoring of old periods as it was. Old customers get their
 * name index from the service at start (fillNameIndexes); until then each counts as a name of its own,
 * as every customer did before.
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration20261206000011_identity_match_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table customer_order add column email_mailbox_bidx text null;
      create index customer_order_email_mailbox_index on customer_order (email_mailbox_bidx, created_at);
      alter table customer add column name_bidx text null;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      alter table customer drop column name_bidx;
      drop index customer_order_email_mailbox_index;
      alter table customer_order drop column email_mailbox_bidx;
    `);
  }
}
