/**
 * Recipient notices (GDPR art. 19) for the retention job's deletions as well as for privacy requests:
 * a notice belongs to either a privacy request (an erasure, rectification or restriction the person
 * asked for) or a retention action (bank details dropped, archived, purged), never both and never
 * neither. Existing notices all belong to a request and stay as they are.
 *
 * A retention action owes each recipient one notice, so a second one for the same recipient is
 * refused by the database too: two privacy officers recording the same notice at once cannot both
 * succeed. Requests keep no such rule (a recipient may be told again of a request, as before).
 */
import { Migration } from '@mikro-orm/migrations';
import { APP_ROLE } from './Migration20261125000002_audit_log';

export class Migration20261207000012_retention_notices extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table recipient_notification
        alter column request_id drop not null,
        add column retention_action_id uuid null references retention_action (id),
        add constraint recipient_notification_one_cause
          check ((request_id is null) <> (retention_action_id is null));
      create unique index recipient_notification_retention_index
        on recipient_notification (retention_action_id, third_party_id) where retention_action_id is not null;
      -- As before: the application records notices and never changes or deletes one.
      grant select, insert on recipient_notification to ${APP_ROLE};
    `);
  }

  override async down(): Promise<void> {
    // A retention notice has no request to belong to in the old shape, so going back drops them.
    this.addSql(`
      delete from recipient_notification where retention_action_id is not null;
      drop index recipient_notification_retention_index;
      alter table recipient_notification
        drop constraint recipient_notification_one_cause,
        drop column retention_action_id,
        alter column request_id set not null;
    `);
  }
}
