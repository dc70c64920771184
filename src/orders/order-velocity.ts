/**
 * The counts that velocity and identity-reuse signals need, from the stored orders and customers,
 * compared through blind indexes (no personal value is decrypted for this). Each count stops at its
 * ceiling (countCeiling in the risk rules), so its cost is bounded by the rules rather than by how many
 * orders share an IBAN or a network. All counts are one SELECT list, so that scoring can ask them in the
 * same round trip as whatever else it needs to know before it writes.
 */
import type { SqlRunner } from '../../audit/sql-runner';
import type { IdentityReuse, OrderVelocity } from '../scoring/score-order';
import { countCeiling, type RiskRules, type VelocityLimit } from '../scoring/risk-rules';

export interface VelocityKeys {
  ipBidx: string;
  networkBidx: string;
  /**
   * The order's IP version. New customers of an IPv6 address are counted per network (`networkBidx`,
   * the /64 by default): one subscriber holds a whole /64, and privacy addresses change within it by
   * themselves. An IPv4 network (/24) is shared by many (carrier NAT, offices), so there it is the address.
   */
  ipVersion: 4 | 6;
  /** The exact address (lower case): how orders from before migration 11 are matched. */
  emailBidx: string | null;
  /** The address as a mailbox (emailMailbox); null for an order scored before migration 11. */
  emailMailboxBidx: string | null;
  ibanBidx: string | null;
  idCardBidx: string | null;
  customerId: string;
  /** The ordering customer's name index (src/customers/name-index.ts); null while not yet indexed. */
  nameBidx: string | null;
}

/** SELECT-list expressions and their parameters, in order; the columns are named as readSignalCounts expects. */
export interface SqlSelection {
  columns: string[];
  params: unknown[];
}

export interface SignalCounts {
  velocity: OrderVelocity;
  identityReuse: IdentityReuse;
}

/**
 * The counts of earlier orders (created in each window before `before`, the order itself excluded) and
 * of the other names the IBAN or the ID-card number was on file under before `before`, each up to its
 * ceiling.
 */
export function signalCountsSelection(keys: VelocityKeys, rules: RiskRules, before: Date): SqlSelection {
  const v = rules.velocity;
  const since = (minutes: number) => new Date(before.getTime() - minutes * 60_000).toISOString();
  // Only orders before this one: re-scoring an old order must not count what came after it.
  const until = before.toISOString();
  const columns: string[] = [];
  const params: unknown[] = [];
  // A LIMITed subquery walks the (key, created_at) index only as far as the ceiling.
  const ordersWithin = (
    name: string,
    column: string,
    key: string | null,
    limit: VelocityLimit,
    condition: { sql: string; params: unknown[] } = { sql: '', params: [] },
  ) => {
    columns.push(
      `(select count(*) from (select 1 from customer_order where ${column} = ? ` +
        `and created_at >= ? and created_at < ?${condition.sql} limit ?) c) as ${name}`,
    );
    params.push(key, since(limit.windowMinutes), until, ...condition.params, countCeiling(limit.max));
  };
  ordersWithin('orders_per_ip', 'ip_bidx', keys.ipBidx, v.ordersPerIp);
  ordersWithin('orders_per_network', 'ip_network_bidx', keys.networkBidx, v.ordersPerNetwork);
  ordersPerEmail(columns, params, keys, v.ordersPerEmail, since(v.ordersPerEmail.windowMinutes), until);
  ordersWithin('orders_per_iban', 'iban_bidx', keys.ibanBidx, v.ordersPerIban);
  // Other new customers: the ordering customer's own first order from this address is not one of them.
  // An IPv6 address's are counted over its network (see VelocityKeys.ipVersion).
  const [newColumn, newKey] =
    keys.ipVersion === 6 ? ['ip_network_bidx', keys.networkBidx] : ['ip_bidx', keys.ipBidx];
  ordersWithin('new_customers_per_ip', newColumn, newKey, v.newCustomersPerIp, {
    sql: ' and first_order and customer_id <> ?',
    params: [keys.customerId],
  });

  const reuse = rules.identityReuse;
  const ibanCeiling = countCeiling(reuse.ibanMaxOtherNames);
  // Other names, not other accounts: the distinct names (name_bidx) of the other customers whose name
  // is not the ordering customer's. A name not known on either side (a customer not yet indexed, see
  // src/customers/name-index.ts) is never "the same", and such a customer counts as a name of its own.
  // Customers with the IBAN on file, and customers who paid with it: each side is cut at the ceiling of
  // distinct other *names* (not customers: a hundred accounts of one name must not crowd out another
  // name) before the union; the orders' customers come off the (iban_bidx, customer_id) index.
  const otherName = 'coalesce(name_bidx, id::text)';
  // As for the velocity, only what was on file before the order: customers created and orders placed
  // after it are not counted when an old order is re-scored (a customer's identifiers changed since
  // it was created cannot be told apart, and count as they are now).
  columns.push(
    `(select count(distinct n) from (
        (select distinct ${otherName} as n from customer
          where iban_bidx = ? and id <> ? and not coalesce(name_bidx = ?, false) and created_at < ? limit ?)
        union all
        (select distinct ${otherName} as n from customer
          where id in (select customer_id from customer_order
                        where iban_bidx = ? and customer_id <> ? and created_at < ?)
            and not coalesce(name_bidx = ?, false) limit ?)) u) as iban_other_names`,
  );
  params.push(
    keys.ibanBidx,
    keys.customerId,
    keys.nameBidx,
    until,
    ibanCeiling,
    keys.ibanBidx,
    keys.customerId,
    until,
    keys.nameBidx,
    ibanCeiling,
  );
  columns.push(
    `(select count(*) from (select distinct ${otherName} from customer
        where id_card_number_bidx = ? and id <> ? and not coalesce(name_bidx = ?, false) and created_at < ?
        limit ?) c) as id_card_other_names`,
  );
  params.push(
    keys.idCardBidx,
    keys.customerId,
    keys.nameBidx,
    until,
    countCeiling(reuse.idCardMaxOtherNames),
  );
  return { columns, params };
}

/**
 * Earlier orders to the same mailbox: 'name+1@gmail.com' and 'n.a.m.e@googlemail.com' are one. Orders
 * scored before migration 11 have no mailbox index and are matched on their exact address, as they were
 * then; both sides are cut at the ceiling and their sum is capped there. Re-scoring such an old order
 * (no mailbox index of its own) counts on the exact address alone, as it was scored.
 */
function ordersPerEmail(
  columns: string[],
  params: unknown[],
  keys: VelocityKeys,
  limit: VelocityLimit,
  since: string,
  until: string,
): void {
  const ceiling = countCeiling(limit.max);
  const within = 'and created_at >= ? and created_at < ?';
  if (keys.emailMailboxBidx === null) {
    columns.push(
      `(select count(*) from (select 1 from customer_order where email_bidx = ? ${within} limit ?) c)
         as orders_per_email`,
    );
    params.push(keys.emailBidx, since, until, ceiling);
    return;
  }
  columns.push(
    `least(?::int,
       (select count(*) from (select 1 from customer_order where email_mailbox_bidx = ? ${within} limit ?) c) +
       (select count(*) from (select 1 from customer_order where email_bidx = ? and email_mailbox_bidx is null
                              ${within} limit ?) l)) as orders_per_email`,
  );
  params.push(ceiling, keys.emailMailboxBidx, since, until, ceiling, keys.emailBidx, since, until, ceiling);
}

/** The counts from a row that selected signalCountsSelection's columns. */
export function readSignalCounts(row: Record<string, unknown>, rules: RiskRules): SignalCounts {
  const count = (name: string) => Number(row[name] ?? 0);
  return {
    velocity: {
      ordersPerIp: count('orders_per_ip'),
      ordersPerNetwork: count('orders_per_network'),
      ordersPerEmail: count('orders_per_email'),
      ordersPerIban: count('orders_per_iban'),
      newCustomersPerIp: count('new_customers_per_ip'),
    },
    identityReuse: {
      // The union of two cut sides can pass the ceiling; past it, the number means "at least".
      ibanOtherNames: Math.min(
        count('iban_other_names'),
        countCeiling(rules.identityReuse.ibanMaxOtherNames),
      ),
      idCardOtherNames: count('id_card_other_names'),
    },
  };
}

/** The counts on their own, in one query (re-scoring asks them order by order). */
export async function countSignals(
  db: SqlRunner,
  keys: VelocityKeys,
  rules: RiskRules,
  before: Date,
): Promise<SignalCounts> {
  const selection = signalCountsSelection(keys, rules, before);
  const [row] = await db.query<Record<string, unknown>>(
    `select ${selection.columns.join(',\n')}`,
    selection.params,
  );
  return readSignalCounts(row ?? {}, rules);
}
