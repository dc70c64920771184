/**
 * The history of the third-party register's settings that decide what a third party may read: which
 * actor it reads the API as, and whether its reads must name an order (X-On-Behalf-Of). The privacy
 * officer must be able to say since when a third party could read, and who allowed it. Insert-only for
 * the application, like the audit log. Entries that exist already get one row with their settings as
 * they stand now: what was changed before this migration is not known.
 */
import { Migration } from '@mikro-orm/migrations';
import { APP_ROLE } from './Migration20261125000002_audit_log';

export class Migration20261205000009_third_party_changes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table third_party_change (
        id uuid primary key,
        third_party_id uuid not null references third_party (id),
        changed_at timestamptz not null,
        change text not null,
        changed_by uuid null references actor (id),
        actor_id uuid null references actor (id),
        on_behalf_of_required boolean not null
      );
      create index third_party_change_third_party_index on third_party_change (third_party_id, changed_at);
      insert into third_party_change (id, third_party_id, changed_at, change, changed_by, actor_id, on_behalf_of_required)
        select gen_random_uuid(), id, now(), 'history_started', null, actor_id, on_behalf_of_required from third_party;
      grant select, insert on third_party_change to ${APP_ROLE};
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table third_party_change;');
  }
}
