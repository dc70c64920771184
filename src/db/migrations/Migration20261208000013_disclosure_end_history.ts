/**
 * A disclosure's recorded end can be brought forward: a contract end entered far ahead (or by mistake
 * as 9999-12-31) is replaced by an earlier one. The register stays insert-only, so the earlier end is a
 * row of its own beside the first, and both facts are kept: a disclosure may now have several ends,
 * each with who recorded it, when and why, and the earliest counts. Existing ends keep their rows.
 */
import { Migration } from '@mikro-orm/migrations';
import { APP_ROLE } from './Migration20261125000002_audit_log';

export class Migration20261208000013_disclosure_end_history extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table disclosure_end drop constraint disclosure_end_pkey;
      alter table disclosure_end add column id uuid not null default gen_random_uuid();
      alter table disclosure_end alter column id drop default;
      alter table disclosure_end add primary key (id);
      create index disclosure_end_disclosure_index on disclosure_end (disclosure_id, ends_at);
      -- As before: the application records ends and never changes or deletes one.
      grant select, insert on disclosure_end to ${APP_ROLE};
    `);
  }

  override async down(): Promise<void> {
    // The old shape holds one end per disclosure: the earliest, the one that counts, is kept.
    this.addSql(`
      delete from disclosure_end later using disclosure_end earlier
        where later.disclosure_id = earlier.disclosure_id
          and (earlier.ends_at, earlier.id) < (later.ends_at, later.id);
      drop index disclosure_end_disclosure_index;
      alter table disclosure_end drop constraint disclosure_end_pkey;
      alter table disclosure_end drop column id;
      alter table disclosure_end add primary key (disclosure_id);
    `);
  }
}
