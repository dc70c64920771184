/**
 * Identity reuse counts the other customers who paid with an IBAN (src/orders/order-velocity.ts). With
 * only (iban_bidx, created_at) to go on, PostgreSQL had to fetch and de-duplicate every order with that
 * IBAN, so the cost grew with the IBAN's history; on (iban_bidx, customer_id) the distinct customers
 * come off the index in order and the count stops at its ceiling.
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration20261201000005_order_iban_customer_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create index customer_order_iban_customer_index on customer_order (iban_bidx, customer_id);',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index customer_order_iban_customer_index;');
  }
}
