/**
 * The audit log. Events first land in `audit_inbox` (written by request handlers, in the same
 * transaction as a change where there is one); the sealer alone gives them their sequence number and
 * moves them into `audit_event`, the leaves of the Merkle tree (`audit_tree_node`), and signs a
 * checkpoint (`audit_checkpoint`). Those three are append-only: the application role may only insert
 * and select, and triggers refuse UPDATE, DELETE and TRUNCATE for every role.
 *
 * `audit_event` is partitioned by month of `occurred_at`; `audit_ensure_partitions` (security definer,
 * so the application role can call it without the right to create tables) adds months ahead of time.
 */
import { Migration } from '@mikro-orm/migrations';

export const APP_ROLE = 'platform_app';

export class Migration20261125000002_audit_log extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table audit_inbox (
        inbox_id bigserial primary key,
        event_id uuid not null unique,
        occurred_at timestamptz not null,
        actor_id uuid null,
        actor_kind text not null,
        role text null,
        on_behalf_of text null,
        subject_id uuid null,
        categories text[] not null,
        fields text[] not null,
        action text not null check (action in ('read', 'export', 'create', 'update', 'erase', 'disclose')),
        purpose text null,
        request_id text null,
        trace_id text null,
        client_ip text null,
        user_agent text null
      );

      create table audit_event (
        sequence bigint not null,
        event_id uuid not null,
        occurred_at timestamptz not null,
        sealed_at timestamptz not null,
        actor_id uuid null,
        actor_kind text not null,
        role text null,
        on_behalf_of text null,
        subject_id uuid null,
        categories text[] not null,
        fields text[] not null,
        action text not null,
        purpose text null,
        request_id text null,
        trace_id text null,
        client_ip text null,
        user_agent text null,
        leaf_hash bytea not null,
        primary key (sequence, occurred_at)
      ) partition by range (occurred_at);
      create table audit_event_default partition of audit_event default;

      create index audit_event_subject_index on audit_event (subject_id, occurred_at desc, sequence desc);
      create index audit_event_actor_index on audit_event (actor_id, occurred_at desc, sequence desc);
      create index audit_event_time_index on audit_event (occurred_at desc, sequence desc);
      -- The primary key (sequence, occurred_at) already serves look-ups by sequence.
      create index audit_event_event_id_index on audit_event (event_id);

      -- Hashes of complete subtrees: (level, index) covers leaves [index * 2^level, (index + 1) * 2^level).
      create table audit_tree_node (
        level smallint not null,
        idx bigint not null,
        hash bytea not null,
        primary key (level, idx)
      );

      create table audit_checkpoint (
        tree_size bigint primary key,
        root_hash bytea not null,
        created_at timestamptz not null,
        signature bytea not null,
        public_key text not null
      );

      -- The sealer's working state (not evidence: everything in it can be recomputed from the events).
      create table audit_sealer_state (
        id int primary key check (id = 1),
        tree_size bigint not null,
        compact_range jsonb not null
      );
      insert into audit_sealer_state (id, tree_size, compact_range) values (1, 0, '{"size":0,"hashes":[]}');

      create function audit_refuse_change() returns trigger language plpgsql as $fn$
      begin
        raise exception 'the audit log is append-only: % on % is refused', tg_op, tg_table_name
          using errcode = 'insufficient_privilege';
      end
      $fn$;

      create trigger audit_event_append_only before update or delete on audit_event
        for each row execute function audit_refuse_change();
      create trigger audit_tree_node_append_only before update or delete on audit_tree_node
        for each row execute function audit_refuse_change();
      create trigger audit_checkpoint_append_only before update or delete on audit_checkpoint
        for each row execute function audit_refuse_change();
      create trigger audit_event_no_truncate before truncate on audit_event
        for each statement execute function audit_refuse_change();
      create trigger audit_event_default_no_truncate before truncate on audit_event_default
        for each statement execute function audit_refuse_change();
      create trigger audit_tree_node_no_truncate before truncate on audit_tree_node
        for each statement execute function audit_refuse_change();
      create trigger audit_checkpoint_no_truncate before truncate on audit_checkpoint
        for each statement execute function audit_refuse_change();

      -- Monthly partitions from the month of from_time on; each gets the truncate guard too (a statement
      -- trigger on the parent does not fire for TRUNCATE of a single partition).
      create function audit_ensure_partitions(from_time timestamptz, months int) returns int
        language plpgsql security definer set search_path = public as $fn$
      declare
        created int := 0;
        month_start date;
        partition_name text;
      begin
        for i in 0 .. months - 1 loop
          month_start := (date_trunc('month', from_time at time zone 'UTC') + make_interval(months => i))::date;
          partition_name := format('audit_event_%s', to_char(month_start, 'YYYY_MM'));
          if to_regclass(partition_name) is null then
            execute format(
              'create table %I partition of audit_event for values from (%L) to (%L)',
              partition_name, month_start::timestamptz, (month_start + interval '1 month')::timestamptz);
            execute format(
              'create trigger %I before truncate on %I for each statement execute function audit_refuse_change()',
              partition_name || '_no_truncate', partition_name);
            created := created + 1;
          end if;
        end loop;
        return created;
      end
      $fn$;
      select audit_ensure_partitions(now() - interval '1 month', 4);

      do $roles$
      begin
        if not exists (select from pg_roles where rolname = '${APP_ROLE}') then
          create role ${APP_ROLE} nologin;
        end if;
      end
      $roles$;
      grant usage on schema public to ${APP_ROLE};
      grant select, insert, update, delete on actor, api_token, customer, mailing_consent_change to ${APP_ROLE};
      grant select, insert, delete on audit_inbox to ${APP_ROLE};
      grant usage, select on sequence audit_inbox_inbox_id_seq to ${APP_ROLE};
      grant select, insert on audit_event, audit_tree_node, audit_checkpoint to ${APP_ROLE};
      grant select, update on audit_sealer_state to ${APP_ROLE};
      grant select on mikro_orm_migrations to ${APP_ROLE};
      grant execute on function audit_ensure_partitions(timestamptz, int) to ${APP_ROLE};
    `);
  }
}
