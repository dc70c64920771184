/**
 * Orders as the order system submits them for scoring, with what GeoIP said at that moment, the VAT
 * determination and the risk assessment; re-scorings under later rules kept beside the original.
 * Personal values (IP address, billing address, VAT number, email, phone) are encrypted like the
 * customer's; the countries that VAT reports group by stay in clear, and exact-match velocity checks use
 * blind indexes.
 */
import { Migration } from '@mikro-orm/migrations';
import { APP_ROLE } from './Migration20261125000002_audit_log';

export class Migration20261125000003_orders extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table customer_order (
        id uuid primary key,
        created_at timestamptz not null,
        actor_id uuid not null references actor (id),
        idempotency_key text not null,
        request_hash text not null,
        customer_id uuid not null references customer (id),
        first_order boolean not null,
        ip_address_enc text not null,
        ip_bidx text not null,
        ip_network_bidx text not null,
        ip_country char(2) null,
        geo_enc text not null,
        billing_address_enc text not null,
        billing_country char(2) not null,
        vat_number_enc text null,
        email_bidx text null,
        email_enc text null,
        phone_enc text null,
        phone_country char(2) null,
        iban_enc text null,
        iban_bidx text null,
        iban_country char(2) null,
        items jsonb not null,
        amount_cents bigint not null,
        currency char(3) not null,
        risk_score real not null,
        decision text not null check (decision in ('ACCEPT', 'REVIEW', 'REJECT')),
        reasons jsonb not null,
        reason_codes text[] not null,
        rules_version text not null,
        customer_type text not null,
        vat jsonb not null,
        vat_country char(2) null,
        vat_conflict boolean not null,
        reverse_charge boolean not null,
        vat_verified text not null,
        review_outcome text null check (review_outcome in ('APPROVED', 'REJECTED')),
        review_note text null,
        reviewed_by uuid null references actor (id),
        reviewed_at timestamptz null,
        unique (actor_id, idempotency_key)
      );
      create index customer_order_created_at_index on customer_order (created_at desc, id desc);
      create index customer_order_customer_index on customer_order (customer_id, created_at desc);
      create index customer_order_ip_index on customer_order (ip_bidx, created_at);
      create index customer_order_network_index on customer_order (ip_network_bidx, created_at);
      create index customer_order_email_index on customer_order (email_bidx, created_at);
      create index customer_order_iban_index on customer_order (iban_bidx, created_at);
      create index customer_order_decision_index on customer_order (decision, created_at desc);
      create index customer_order_reason_codes_index on customer_order using gin (reason_codes);

      create table order_rescore (
        id uuid primary key,
        order_id uuid not null references customer_order (id),
        rescored_at timestamptz not null,
        rules_version text not null,
        risk_score real not null,
        decision text not null,
        reasons jsonb not null
      );
      create index order_rescore_order_index on order_rescore (order_id, rescored_at desc);

      grant select, insert, update on customer_order to ${APP_ROLE};
      grant select, insert on order_rescore to ${APP_ROLE};
    `);
  }
}
