/**
 * The privacy officer's registers: data-subject requests (with statutory deadlines) and the recipients
 * told of a correction, erasure or restriction; third parties and what was disclosed to them;
 * complaints; privacy-policy versions and who was notified; retention actions. Customers gain the
 * restriction flag and the dates retention needs.
 */
import { Migration } from '@mikro-orm/migrations';
import { APP_ROLE } from './Migration20261125000002_audit_log';

export class Migration20261125000004_privacy extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table customer
        add column restricted boolean not null default false,
        add column archived_at timestamptz null,
        add column erased_at timestamptz null,
        alter column name_enc drop not null,
        alter column address_enc drop not null,
        alter column email_enc drop not null,
        alter column email_bidx drop not null;
      -- Erasure removes what the law does not require keeping, so an order can lose its IP address.
      alter table customer_order
        alter column ip_address_enc drop not null,
        alter column ip_bidx drop not null,
        alter column ip_network_bidx drop not null,
        alter column geo_enc drop not null,
        alter column billing_address_enc drop not null;

      create table privacy_request (
        id uuid primary key,
        customer_id uuid not null references customer (id),
        kind text not null check (kind in ('access', 'rectification', 'erasure', 'restriction', 'objection', 'portability', 'mailing_opt_out')),
        channel text not null check (channel in ('email', 'customer_panel', 'letter', 'phone')),
        identity_check text not null default 'pending' check (identity_check in ('pending', 'verified', 'failed')),
        received_at timestamptz not null,
        due_at timestamptz not null,
        extended_until timestamptz null,
        extension_reason text null,
        status text not null default 'open' check (status in ('open', 'completed', 'rejected')),
        handler_id uuid null references actor (id),
        outcome text null,
        closed_at timestamptz null,
        created_at timestamptz not null
      );
      create index privacy_request_status_index on privacy_request (status, due_at);
      create index privacy_request_customer_index on privacy_request (customer_id, received_at desc);

      create table third_party (
        id uuid primary key,
        name text not null unique,
        kind text not null check (kind in ('domain_registry', 'registrar', 'payment_provider', 'other')),
        actor_id uuid null references actor (id),
        receives text[] not null,
        made_public text[] not null,
        disclosure_policy text not null,
        created_at timestamptz not null
      );

      create table disclosure (
        id uuid primary key,
        customer_id uuid not null references customer (id),
        third_party_id uuid not null references third_party (id),
        disclosed_at timestamptz not null,
        categories text[] not null,
        made_public text[] not null,
        purpose text not null,
        reference text null,
        actor_id uuid null references actor (id)
      );
      create index disclosure_customer_index on disclosure (customer_id, disclosed_at desc);

      create table recipient_notification (
        id uuid primary key,
        request_id uuid not null references privacy_request (id),
        third_party_id uuid not null references third_party (id),
        notified_at timestamptz not null,
        what text not null
      );

      create table complaint (
        id uuid primary key,
        customer_id uuid null references customer (id),
        source text not null check (source in ('customer', 'regulator')),
        regulator_reference text null,
        received_at timestamptz not null,
        due_at timestamptz not null,
        status text not null default 'open' check (status in ('open', 'investigating', 'resolved', 'rejected')),
        escalated boolean not null default false,
        summary_enc text not null,
        resolution text null,
        request_ids uuid[] not null default '{}',
        event_ids uuid[] not null default '{}',
        handler_id uuid null references actor (id),
        closed_at timestamptz null,
        created_at timestamptz not null
      );
      create index complaint_status_index on complaint (status, due_at);

      create table policy_version (
        id uuid primary key,
        version text not null unique,
        kind text not null check (kind in ('major', 'minor')),
        announced_at timestamptz not null,
        effective_at timestamptz not null,
        summary text not null,
        created_at timestamptz not null
      );
      create table policy_notification (
        policy_version_id uuid not null references policy_version (id),
        customer_id uuid not null references customer (id),
        notified_at timestamptz not null,
        channel text not null,
        primary key (policy_version_id, customer_id)
      );

      create table retention_action (
        id uuid primary key,
        customer_id uuid not null references customer (id),
        action text not null check (action in ('drop_bank_details', 'archive', 'purge')),
        due_at timestamptz not null,
        done_at timestamptz not null,
        unique (customer_id, action)
      );

      grant select, insert, update on privacy_request, complaint, third_party, policy_version to ${APP_ROLE};
      grant select, insert on disclosure, recipient_notification, policy_notification, retention_action to ${APP_ROLE};
      grant delete on mailing_consent_change to ${APP_ROLE};
      grant update on customer_order to ${APP_ROLE};
    `);
  }
}
