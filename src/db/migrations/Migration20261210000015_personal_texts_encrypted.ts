/**
 * Free texts about a person that were stored in clear get encrypted columns: an order's review note
 * (`customer_order.review_note_enc`, category order_review), a complaint's resolution
 * (`complaint.resolution_enc`), and a privacy request's outcome and extension reason
 * (`privacy_request.outcome_enc`, `extension_reason_enc`; category correspondence).
 *
 * A migration has no key, so it cannot encrypt what is stored. It leaves the plain columns as they
 * are, and the platform moves their texts into the encrypted columns when it starts, before it serves
 * or runs anything (src/db/legacy-plaintext.ts), emptying the plain column row by row. The partial
 * indexes let that check find the rows still to move at once, so each start pays nothing once all
 * are moved. The plain columns are then always empty; a later migration can drop them.
 *
 * Down drops the encrypted columns: texts written since cannot be turned back into clear text here.
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration20261210000015_personal_texts_encrypted extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table customer_order add column review_note_enc text null;
      alter table complaint add column resolution_enc text null;
      alter table privacy_request
        add column outcome_enc text null,
        add column extension_reason_enc text null;
      create index customer_order_review_note_plain_index on customer_order (id) where review_note is not null;
      create index complaint_resolution_plain_index on complaint (id) where resolution is not null;
      create index privacy_request_outcome_plain_index on privacy_request (id) where outcome is not null;
      create index privacy_request_extension_reason_plain_index on privacy_request (id)
        where extension_reason is not null;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop index privacy_request_extension_reason_plain_index;
      drop index privacy_request_outcome_plain_index;
      drop index complaint_resolution_plain_index;
      drop index customer_order_review_note_plain_index;
      alter table privacy_request drop column extension_reason_enc, drop column outcome_enc;
      alter table complaint drop column resolution_enc;
      alter table customer_order drop column review_note_enc;
    `);
  }
}
