/**
 * Blind indexes that let scoring match identities as people write them rather than byte for byte:
 *
 * - `customer_order.email_mailbox_bidx`: the order's email address as a mailbox (no '+tag', Gmail's
 *   dots and googlemail.com folded; src/validation/email.ts, emailMailbox), for VELOCITY_EMAIL, which
 *   plus-tags dodged. Stored beside the exact index (`email_bidx`), which stays as it was.
 *
 * A blind index is a keyed hash computed by the application, so this migration cannot fill it in for
 * the orders already stored. Those keep it null, and the count matches them, as before, on their exact
 * address (src/orders/order-velocity.ts): an old order counts for the same address, not for a tagged
 * variant of it. That keeps re-scoring of old periods as it was, and new orders counted by mailbox.
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration20261206000011_identity_match_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table customer_order add column email_mailbox_bidx text null;
      create index customer_order_email_mailbox_index on customer_order (email_mailbox_bidx, created_at);
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop index customer_order_email_mailbox_index;
      alter table customer_order drop column email_mailbox_bidx;
    `);
  }
}
