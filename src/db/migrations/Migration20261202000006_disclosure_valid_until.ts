/**
 * A disclosure may say until when its third party may read the customer's data through the API: the
 * policy gives data to third parties "only to carry out the order", and an order is carried out at some
 * point. Without an end the disclosure stands as before. The register stays insert-only, so this end is
 * given when the disclosure is recorded (one recorded later is a row of its own: migration 7).
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration20261202000006_disclosure_valid_until extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table disclosure add column valid_until timestamptz null;
      alter table disclosure add constraint disclosure_valid_until_after_disclosed
        check (valid_until is null or valid_until > disclosed_at);
    `);
  }

  override async down(): Promise<void> {
    this.addSql('alter table disclosure drop column valid_until;');
  }
}
