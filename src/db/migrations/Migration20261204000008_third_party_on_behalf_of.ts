/**
 * A third party's reads may be required to name the order or contract they are for (X-On-Behalf-Of), so
 * that every one of its audit events says on whose behalf it read (the NEN 7513 bar). Off for the
 * entries already registered, which read without it until the privacy officer turns it on.
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration20261204000008_third_party_on_behalf_of extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table third_party add column on_behalf_of_required boolean not null default false;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table third_party drop column on_behalf_of_required;');
  }
}
