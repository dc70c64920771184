/**
 * The counts that velocity and identity-reuse signals need, from the stored orders and customers,
 * compared through blind indexes (no personal value is decrypted for this).
 */
import type { SqlRunner } from '../../audit/sql-runner';
import type { IdentityReuse, OrderVelocity } from '../scoring/score-order';
import type { RiskRules } from '../scoring/risk-rules';

export interface VelocityKeys {
  ipBidx: string;
  networkBidx: string;
  emailBidx: string | null;
  ibanBidx: string | null;
  idCardBidx: string | null;
  customerId: string;
}

export async function countVelocity(
  db: SqlRunner,
  keys: VelocityKeys,
  rules: RiskRules,
  now: Date,
): Promise<OrderVelocity> {
  const since = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
  const v = rules.velocity;
  const [row] = await db.query<Record<string, string>>(
    `select
       count(*) filter (where ip_bidx = ? and created_at >= ?) as orders_per_ip,
       count(*) filter (where ip_network_bidx = ? and created_at >= ?) as orders_per_network,
       count(*) filter (where email_bidx = ? and created_at >= ?) as orders_per_email,
       count(*) filter (where iban_bidx = ? and created_at >= ?) as orders_per_iban,
       count(*) filter (where first_order and ip_bidx = ? and created_at >= ?) as new_customers_per_ip
     from customer_order
     where created_at >= ? and created_at < ? and (ip_bidx = ? or ip_network_bidx = ? or email_bidx = ? or iban_bidx = ?)`,
    [
      keys.ipBidx,
      since(v.ordersPerIp.windowMinutes),
      keys.networkBidx,
      since(v.ordersPerNetwork.windowMinutes),
      keys.emailBidx,
      since(v.ordersPerEmail.windowMinutes),
      keys.ibanBidx,
      since(v.ordersPerIban.windowMinutes),
      keys.ipBidx,
      since(v.newCustomersPerIp.windowMinutes),
      since(Math.max(...Object.values(v).flatMap((l) => ('windowMinutes' in l ? [l.windowMinutes] : [])))),
      // Only orders before this one: re-scoring an old order must not count what came after it.
      now.toISOString(),
      keys.ipBidx,
      keys.networkBidx,
      keys.emailBidx,
      keys.ibanBidx,
    ],
  );
  return {
    ordersPerIp: Number(row?.orders_per_ip ?? 0),
    ordersPerNetwork: Number(row?.orders_per_network ?? 0),
    ordersPerEmail: Number(row?.orders_per_email ?? 0),
    ordersPerIban: Number(row?.orders_per_iban ?? 0),
    newCustomersPerIp: Number(row?.new_customers_per_ip ?? 0),
  };
}

/** Other customers that have the same IBAN or ID-card number on file (each counted as another name). */
export async function countIdentityReuse(db: SqlRunner, keys: VelocityKeys): Promise<IdentityReuse> {
  const [row] = await db.query<{ iban: string; id_card: string }>(
    `select
       (select count(distinct c) from (
          select id as c from customer where iban_bidx = ? and id <> ?
          union select customer_id from customer_order where iban_bidx = ? and customer_id <> ?) x) as iban,
       (select count(*) from customer where id_card_number_bidx = ? and id <> ?) as id_card`,
    [keys.ibanBidx, keys.customerId, keys.ibanBidx, keys.customerId, keys.idCardBidx, keys.customerId],
  );
  return { ibanOtherNames: Number(row?.iban ?? 0), idCardOtherNames: Number(row?.id_card ?? 0) };
}
