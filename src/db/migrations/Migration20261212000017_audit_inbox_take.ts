/**
 * The application role no longer deletes from `audit_inbox` itself. It needed DELETE only to remove
 * the rows it had just sealed, and with it a compromised service could make a change's event vanish
 * before sealing, unnoticed. Now `audit_inbox_take` (security definer, owned by the migration role)
 * removes an inbox row only when the same event, every column equal, is in `audit_event`, which
 * the role cannot change or delete: an event leaves the inbox only into the append-only log.
 */
import { Migration } from '@mikro-orm/migrations';
import { APP_ROLE } from './Migration20261125000002_audit_log';

export class Migration20261212000017_audit_inbox_take extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function audit_inbox_take(inbox_ids bigint[]) returns int
        language sql security definer set search_path = public, pg_temp as $fn$
        with taken as (
          delete from audit_inbox i
          where i.inbox_id = any(inbox_ids)
            and exists (
              select from audit_event e
              where e.occurred_at = date_trunc('milliseconds', i.occurred_at) and e.event_id = i.event_id
                and (e.actor_id, e.actor_kind, e.role, e.on_behalf_of, e.subject_id, e.categories, e.fields,
                     e.action, e.purpose, e.request_id, e.trace_id, e.client_ip, e.user_agent)
                  is not distinct from
                    (i.actor_id, i.actor_kind, i.role, i.on_behalf_of, i.subject_id, i.categories, i.fields,
                     i.action, i.purpose, i.request_id, i.trace_id, i.client_ip, i.user_agent)
            )
          returning 1
        )
        select count(*)::int from taken
      $fn$;
      revoke all on function audit_inbox_take(bigint[]) from public;
      grant execute on function audit_inbox_take(bigint[]) to ${APP_ROLE};
      revoke delete on audit_inbox from ${APP_ROLE};
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      grant delete on audit_inbox to ${APP_ROLE};
      drop function audit_inbox_take(bigint[]);
    `);
  }
}
