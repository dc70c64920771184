/**
 * The finance team's VAT evidence reports over a period: which orders were taxed in one country while
 * the evidence points to another (or to none), and per country the orders and amounts by determined
 * VAT country, reverse-charged, conflicting and unverified. Both can be exported as CSV.
 *
 * Countries are compared as VAT countries: a billing address in Monaco with France established is no
 * mismatch (Monaco is in the French VAT area), nor is one on Åland with Finland established (Åland
 * being the part of Finland outside the EU VAT area). The summary keeps those parts apart: a supply to
 * the Canary Islands is no Spanish One Stop Shop supply, so it has a row of its own (`territory`).
 *
 * The summary counts the orders that went ahead: a REJECT decision not approved on review, or any
 * order rejected on review, is no supply to tax, so it is counted apart (`rejected`) and adds nothing to
 * the amounts. The mismatch list keeps them: the evidence of a rejected order can be what finance asks
 * about.
 *
 * The reports read through the runner they are given, which may be a streaming replica's
 * (src/db/read-replica.ts); the entity manager only turns the rows read into entities.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SqlRunner } from '../../audit/sql-runner';
import { OrderEntity } from '../db/entities/order.entity';
import { csvFile } from '../export/csv';
import { normalizeCountry } from '../validation';
import { checkPeriod } from '../validation/period';
import { VAT_STATE_OF_COUNTRY } from '../vat/vat-territory';
import { decodeTimeIdCursor, pageSize, toPage, type Page } from '../pagination/page';

export interface VatMismatchRow {
  /** The customer whose order this is (read by the audit layer). */
  dataSubjectId: string;
  order: OrderEntity;
  billingCountry: string;
  vatCountry: string | null;
  /** The determined territory's code where it is a part with its own status ('ES-CN'); else null. */
  territory: string | null;
  ipCountry: string | null;
  ibanCountry: string | null;
  phoneCountry: string | null;
  conflict: boolean;
  treatment: string;
  reason: string;
  /** `territory` null for a piece naming only its country, and for orders scored before territories were told apart. */
  evidence: { kind: string; country: string; territory: string | null; supports: boolean }[];
  /** Pieces left out as no evidence of the customer's country, with why (src/orders/order-vat-evidence.ts). */
  excludedEvidence: { kind: string; country: string | null; why: string }[];
}

export interface VatSummaryRow {
  /** The determined VAT country, or null for orders whose evidence established none. */
  country: string | null;
  /**
   * A part of that country with its own VAT status ('ES-CN' for the Canary Islands); null for the
   * country's ordinary territory and for orders scored before territories were told apart.
   */
  territory: string | null;
  currency: string;
  orders: number;
  amountCents: number;
  reverseCharged: number;
  conflicting: number;
  unverified: number;
  /** Orders rejected (by the decision, not approved on review, or on review), left out of the rest. */
  rejected: number;
}

/**
 * The billing country as a VAT country, in SQL: the state a place with a code of its own belongs to
 * for VAT (MC -> FR, AX -> FI, GP -> FR), else the code itself. Built from the territory table, as
 * constants: nothing in it comes from a request.
 */
const BILLING_VAT_COUNTRY_SQL = `(case billing_country ${Object.entries(VAT_STATE_OF_COUNTRY)
  .map(([code, state]) => `when '${code}' then '${state}'`)
  .join(' ')} else billing_country end)`;

/**
 * Orders in [from, to) where the VAT evidence conflicts, establishes no country, or establishes another
 * VAT country than the billing address's; newest first. `country` matches either the billing or the VAT
 * country. The orders are read through `db` and mapped into `em`.
 */
export async function vatMismatches(
  db: SqlRunner,
  em: EntityManager,
  from: Date,
  to: Date,
  country: string | null,
  first?: number | null,
  after?: string | null,
): Promise<Page<VatMismatchRow>> {
  checkPeriod(from, to);
  const size = pageSize(first);
  const cursor = decodeTimeIdCursor(after);
  const conditions = [
    'created_at >= ?',
    'created_at < ?',
    `(vat_conflict or vat_country is null or vat_country <> ${BILLING_VAT_COUNTRY_SQL})`,
  ];
  const params: unknown[] = [from.toISOString(), to.toISOString()];
  if (country !== null) {
    conditions.push('(billing_country = ? or vat_country = ?)');
    const code = normalizeCountry(country, 'country');
    params.push(code, code);
  }
  if (cursor !== null) {
    conditions.push('(created_at, id) < (?, ?)');
    params.push(cursor.t, cursor.id);
  }
  params.push(size + 1);
  const found = await db.query<Record<string, unknown>>(
    `select * from customer_order where ${conditions.join(' and ')} order by created_at desc, id desc limit ?`,
    params,
  );
  // Whole rows, read where `db` reads (perhaps a replica), made entities without a query on the primary.
  const rows = found.map((row) => em.map(OrderEntity, row));
  return toPage(
    rows.map(toMismatch),
    size,
    (r) => ({ t: r.order.createdAt.toISOString(), id: r.order.id }),
    cursor !== null,
  );
}

function toMismatch(order: OrderEntity): VatMismatchRow {
  const vat = order.vat as {
    treatment?: string;
    reason?: string;
    territory?: { code?: string } | null;
    evidence?: {
      pieces?: { kind: string; country: string; territory?: string | null }[];
      supporting?: string[];
      excluded?: { kind: string; country: string | null; why: string }[];
    };
  };
  const supporting = new Set(vat.evidence?.supporting ?? []);
  return {
    dataSubjectId: order.customer.id,
    order,
    billingCountry: order.billingCountry,
    vatCountry: order.vatCountry,
    territory: specialTerritory(vat.territory?.code ?? null, order.vatCountry),
    ipCountry: order.ipCountry,
    ibanCountry: order.ibanCountry,
    phoneCountry: order.phoneCountry,
    conflict: order.vatConflict,
    treatment: vat.treatment ?? 'UNDETERMINED',
    reason: vat.reason ?? '',
    evidence: (vat.evidence?.pieces ?? []).map((p) => ({
      kind: p.kind,
      country: p.country,
      territory: p.territory ?? null,
      supports: supporting.has(p.kind),
    })),
    excludedEvidence: vat.evidence?.excluded ?? [],
  };
}

/** A territory code only where it is a part with its own status, as the summary groups them. */
function specialTerritory(code: string | null, country: string | null): string | null {
  return code === null || code === country ? null : code;
}

export async function vatEvidenceSummary(db: SqlRunner, from: Date, to: Date): Promise<VatSummaryRow[]> {
  checkPeriod(from, to);
  const rows = await db.query<{
    country: string | null;
    territory: string | null;
    currency: string;
    orders: string;
    amount_cents: string;
    reverse_charged: string;
    conflicting: string;
    unverified: string;
    rejected: string;
  }>(
    `with period as (
       select vat_country, currency, amount_cents,
         -- Only a part with its own status: the ordinary territory's code is the country's.
         nullif(vat #>> '{territory,code}', vat_country) as territory,
         reverse_charge, vat_conflict, vat_verified,
         vat_number_enc is not null as has_vat_number,
         (review_outcome is not distinct from 'REJECTED' or (decision = 'REJECT' and review_outcome is null))
           as rejected
       from customer_order where created_at >= ? and created_at < ?
     )
     select vat_country as country, territory, currency,
       count(*) filter (where not rejected) as orders,
       coalesce(sum(amount_cents) filter (where not rejected), 0) as amount_cents,
       count(*) filter (where reverse_charge and not rejected) as reverse_charged,
       count(*) filter (where vat_conflict and not rejected) as conflicting,
       count(*) filter (where has_vat_number and vat_verified <> 'VERIFIED' and not rejected)
         as unverified,
       count(*) filter (where rejected) as rejected
     from period group by vat_country, territory, currency
     order by vat_country nulls last, territory nulls first, currency`,
    [from.toISOString(), to.toISOString()],
  );
  return rows.map((r) => ({
    country: r.country,
    territory: r.territory,
    currency: r.currency,
    orders: Number(r.orders),
    amountCents: Number(r.amount_cents),
    reverseCharged: Number(r.reverse_charged),
    conflicting: Number(r.conflicting),
    unverified: Number(r.unverified),
    rejected: Number(r.rejected),
  }));
}

/** Every mismatch of the period (all pages), for the CSV export. */
export async function allVatMismatches(
  db: SqlRunner,
  em: EntityManager,
  from: Date,
  to: Date,
): Promise<VatMismatchRow[]> {
  const out: VatMismatchRow[] = [];
  let after: string | null = null;
  for (;;) {
    const page: Page<VatMismatchRow> = await vatMismatches(db, em.fork(), from, to, null, 100, after);
    out.push(...page.edges.map((e) => e.node));
    if (!page.hasNextPage) return out;
    after = page.edges[page.edges.length - 1]!.cursor;
  }
}

const MISMATCH_COLUMNS = [
  'orderId',
  'createdAt',
  'customerId',
  'billingCountry',
  'vatCountry',
  'ipCountry',
  'ibanCountry',
  'phoneCountry',
  'conflict',
  'treatment',
  'amountCents',
  'currency',
  'reason',
  'vatTerritory',
];

export function mismatchesCsv(rows: readonly VatMismatchRow[]): string {
  return csvFile(
    MISMATCH_COLUMNS,
    rows.map((r) => [
      r.order.id,
      r.order.createdAt.toISOString(),
      r.order.customer.id,
      r.billingCountry,
      r.vatCountry ?? '',
      r.ipCountry ?? '',
      r.ibanCountry ?? '',
      r.phoneCountry ?? '',
      r.conflict,
      r.treatment,
      r.order.amountCents,
      r.order.currency,
      r.reason,
      // Last, so that readers of the columns before it by position are not thrown.
      r.territory ?? '',
    ]),
  );
}

const SUMMARY_COLUMNS = [
  'vatCountry',
  'currency',
  'orders',
  'amountCents',
  'reverseCharged',
  'conflicting',
  'unverified',
  'rejected',
  'vatTerritory',
];

export function summaryCsv(rows: readonly VatSummaryRow[]): string {
  return csvFile(
    SUMMARY_COLUMNS,
    rows.map((r) => [
      r.country ?? 'UNDETERMINED',
      r.currency,
      r.orders,
      r.amountCents,
      r.reverseCharged,
      r.conflicting,
      r.unverified,
      r.rejected,
      r.territory ?? '',
    ]),
  );
}
