/**
 * Order reasons are stored in clear (customer_order.reasons, order_rescore.reasons), and the reason
 * IP_FAR_FROM_BILLING_CITY named the city GeoIP placed the customer's IP address in, in its message and
 * as evidence.ipCity: location data drawn from the IP address, which is kept encrypted (geo_enc) and is
 * erased with it. The erasure and the archive said the GeoIP data was erased while the city stayed in
 * the reasons for good. Scoring no longer writes it; this removes it from the reasons already stored.
 * The distance and the accuracy stay: they are the reason itself and name no place.
 *
 * There is no way back: the city is not restored.
 */
import { Migration } from '@mikro-orm/migrations';

/** The reasons with the city taken out of IP_FAR_FROM_BILLING_CITY; other reasons as they were. */
const WITHOUT_CITY = `(
  select coalesce(jsonb_agg(
    case when r->>'code' = 'IP_FAR_FROM_BILLING_CITY'
      then jsonb_set(
        r #- '{evidence,ipCity}',
        '{message}',
        to_jsonb(regexp_replace(r->>'message', '^IP location \\([^)]*\\) is about ', 'IP location is about ')))
      else r end
    order by ord), '[]'::jsonb)
  from jsonb_array_elements(reasons) with ordinality as e(r, ord)
)`;

export class Migration20261209000014_reasons_without_ip_city extends Migration {
  override async up(): Promise<void> {
    for (const table of ['customer_order', 'order_rescore']) {
      this.addSql(`
        update ${table} set reasons = ${WITHOUT_CITY}
        where jsonb_typeof(reasons) = 'array' and reasons @> '[{"code": "IP_FAR_FROM_BILLING_CITY"}]';
      `);
    }
  }

  override async down(): Promise<void> {
    // Nothing to undo: the city is gone, and the reasons without it read as before.
  }
}
