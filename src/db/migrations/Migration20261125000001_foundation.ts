/** Foundation: actors and their tokens, customers (personal values encrypted), mailing consent history. */
import { Migration } from '@mikro-orm/migrations';

export class Migration20261125000001_foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table actor (
        id uuid primary key,
        kind text not null check (kind in ('employee', 'third_party', 'service')),
        role text not null,
        name text not null,
        created_at timestamptz not null default now(),
        revoked_at timestamptz null
      );
      create table api_token (
        id uuid primary key,
        actor_id uuid not null references actor (id),
        token_hash text not null unique,
        prefix text not null,
        created_at timestamptz not null default now(),
        revoked_at timestamptz null
      );
      create index api_token_actor_id_index on api_token (actor_id);
      create table customer (
        id uuid primary key,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        customer_type text not null check (customer_type in ('consumer', 'business')),
        status text not null default 'active' check (status in ('active', 'ended', 'archived', 'erased')),
        country char(2) not null,
        company_name_enc text null,
        kvk_number_enc text null,
        vat_number_enc text null,
        vat_number_bidx text null,
        name_enc text not null,
        address_enc text not null,
        phone_enc text null,
        email_enc text not null,
        email_bidx text not null,
        ip_addresses_enc text null,
        bank_name_enc text null,
        iban_enc text null,
        iban_bidx text null,
        id_card_number_enc text null,
        id_card_number_bidx text null,
        licence_plate_enc text null,
        username_enc text null,
        username_bidx text null unique,
        password_hash text null,
        mailing_opt_out boolean not null default false,
        subscription_start timestamptz not null,
        subscription_end timestamptz null
      );
      create index customer_created_at_id_index on customer (created_at, id);
      create index customer_email_bidx_index on customer (email_bidx);
      create index customer_iban_bidx_index on customer (iban_bidx);
      create index customer_vat_number_bidx_index on customer (vat_number_bidx);
      create index customer_id_card_number_bidx_index on customer (id_card_number_bidx);
      create table mailing_consent_change (
        id uuid primary key,
        customer_id uuid not null references customer (id),
        opted_out boolean not null,
        changed_at timestamptz not null default now(),
        actor_id uuid null references actor (id),
        source text not null
      );
      create index mailing_consent_change_customer_id_index on mailing_consent_change (customer_id);
    `);
  }
}
