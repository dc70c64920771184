/**
 * How scoring writes an order, without the ORM's unit of work: every order of the order system comes
 * through here, and change tracking, query building and one INSERT per table cost more than the
 * scoring itself. The entity classes stay the description of the rows: each row is built from an
 * entity object, column by column as MikroORM's metadata maps the entity's properties, and travels as
 * one JSON parameter that PostgreSQL turns into the table's row type (`jsonb_populate_record`). So the
 * rows are the ones the ORM would write, and a column added to an entity is written here too.
 *
 * One statement writes everything of an order: the new customer, its consent line and the order (a
 * first order), or the customer's IP list and the order (a later one), and the audit log's inbox insert
 * of its events, collected from `audit.recordInTransaction` (see src/db/one-statement-transaction.ts).
 * A statement is atomic, so this is the order's transaction, in one round trip. The statements are
 * prepared (see src/db/pg-pool-runner.ts), so PostgreSQL plans them once per connection.
 */
import { ReferenceKind, type EntityMetadata } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SqlRunner } from '../../audit/sql-runner';
import { CustomerEntity } from '../db/entities/customer.entity';
import { oneStatement, type HeldStatement } from '../db/one-statement-transaction';
import { MailingConsentChangeEntity } from '../db/entities/mailing-consent-change.entity';
import { OrderEntity } from '../db/entities/order.entity';

/** A stored column and how to read its value off an entity. */
type ColumnReader = readonly [column: string, read: (entity: Record<string, unknown>) => unknown];

/** The columns of an entity's table, in the metadata's property order. */
export function rowColumns(meta: EntityMetadata): ColumnReader[] {
  const readers: ColumnReader[] = [];
  for (const prop of meta.props) {
    if (prop.persist === false || prop.formula !== undefined) continue;
    const name = prop.name as string;
    if (prop.kind === ReferenceKind.SCALAR) {
      readers.push([prop.fieldNames[0]!, (e) => e[name] ?? null]);
    } else if (prop.kind === ReferenceKind.MANY_TO_ONE) {
      const key = prop.targetMeta!.primaryKeys[0] as string;
      readers.push([
        prop.fieldNames[0]!,
        (e) => (e[name] as Record<string, unknown> | null | undefined)?.[key] ?? null,
      ]);
    } else {
      throw new Error(`order-store: ${meta.className}.${name} is a ${prop.kind} property, not written here`);
    }
  }
  return readers;
}

/** An entity as its table's row: column name to value, as JSON for `jsonb_populate_record`. */
export function entityRow(columns: readonly ColumnReader[], entity: object): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [column, read] of columns) row[column] = read(entity as Record<string, unknown>);
  return row;
}

/** The rows one scored order writes. */
export type OrderRows =
  | { kind: 'first'; customer: CustomerEntity; consent: MailingConsentChangeEntity; order: OrderEntity }
  | { kind: 'later'; customer: CustomerEntity; order: OrderEntity };

const INSERT_CUSTOMER = `insert into customer select * from jsonb_populate_record(null::customer, ?::jsonb)`;
const INSERT_CONSENT_LINE = `insert into mailing_consent_change
  select * from jsonb_populate_record(null::mailing_consent_change, ?::jsonb)`;
const INSERT_ORDER = `insert into customer_order select * from jsonb_populate_record(null::customer_order, ?::jsonb)`;
/**
 * A later order's customer may have been erased, archived or restricted since scoring loaded it (an
 * erasure committed while VIES was asked, say). Its row is written only while it still may order, and
 * the order takes its customer id from that write: with no row written the id is null, and the whole
 * statement, audit events and all, fails on customer_order's not-null customer_id (see
 * `isCustomerGoneMeanwhile`) rather than putting erased data back or storing an order it may not have.
 */
const UPDATE_CUSTOMER_IPS = `update customer set ip_addresses_enc = ?, updated_at = ?
  where id = ? and status not in ('erased', 'archived') and not restricted returning id`;
const INSERT_LATER_ORDER = `insert into customer_order select * from jsonb_populate_record(null::customer_order,
  jsonb_set(?::jsonb, '{customer_id}', coalesce((select to_jsonb(id) from customer_ips), 'null'::jsonb)))`;

/** The error of a later order's statement whose customer could no longer order (see UPDATE_CUSTOMER_IPS). */
export function isCustomerGoneMeanwhile(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; table?: unknown; column?: unknown };
  return e.code === '23502' && e.table === 'customer_order' && e.column === 'customer_id';
}

export class OrderStore {
  private columns: { customer: ColumnReader[]; consent: ColumnReader[]; order: ColumnReader[] } | undefined;

  /** Writes the rows and the `held` statements (the audit events) in one statement. */
  async write(
    em: EntityManager,
    db: SqlRunner,
    rows: OrderRows,
    held: readonly HeldStatement[],
  ): Promise<void> {
    this.columns ??= {
      customer: rowColumns(em.getMetadata(CustomerEntity)),
      consent: rowColumns(em.getMetadata(MailingConsentChangeEntity)),
      order: rowColumns(em.getMetadata(OrderEntity)),
    };
    const order = JSON.stringify(entityRow(this.columns.order, rows.order));
    const heldParams = held.flatMap((statement) => statement.params);
    if (rows.kind === 'first') {
      const sql = oneStatement(
        held,
        [
          ['new_customer', INSERT_CUSTOMER],
          ['consent_line', INSERT_CONSENT_LINE],
        ],
        INSERT_ORDER,
      );
      await db.query(sql, [
        ...heldParams,
        JSON.stringify(entityRow(this.columns.customer, rows.customer)),
        JSON.stringify(entityRow(this.columns.consent, rows.consent)),
        order,
      ]);
    } else {
      // What the ORM's change set for the customer was: the IP list, and updatedAt (its onUpdate).
      rows.customer.updatedAt = new Date();
      const sql = oneStatement(held, [['customer_ips', UPDATE_CUSTOMER_IPS]], INSERT_LATER_ORDER);
      await db.query(sql, [
        ...heldParams,
        rows.customer.ipAddressesEnc,
        rows.customer.updatedAt,
        rows.customer.id,
        order,
      ]);
    }
  }
}
