/**
 * Erasure (GDPR art. 17): removes a customer's personal data except what a legal obligation requires
 * keeping, and says what was erased and what was kept and why (art. 17(3)(b)). Three depths:
 *
 * - `request`: the person asked. Invoice data (name, address, company, KvK and VAT number, orders
 *   with their billing address and amounts) stays for the fiscal retention period (ten years instead
 *   of seven when any order was a One Stop Shop supply, as for the purge); an order's IP address and
 *   GeoIP data stay only where they are VAT evidence of a One Stop Shop supply. Everything
 *   else goes: contact details, bank details, ID card, licence plate, login, IP addresses seen, the
 *   notes of order reviews, and the mailing-consent history.
 * - `archive`: a year after the subscription ended (retention.ts). The policy keeps the archive only
 *   for administrative obligations, so it holds what a request keeps and nothing more; the same fields
 *   go, and the customer is archived instead of erased.
 * - `purge`: the retention period is over, for an archived customer or for what an erasure request
 *   kept (retention.ts); nothing personal is left.
 *
 * The audit log is kept: it holds no personal values, only which data was used, when and why, and it
 * is the evidence that the law was followed (art. 5(2)). Values are removed, not encrypted: a column is
 * set to null together with its blind index.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerEntity, CustomerStatus } from '../db/entities/customer.entity';
import { MailingConsentChangeEntity } from '../db/entities/mailing-consent-change.entity';
import { OrderEntity } from '../db/entities/order.entity';
import { DataCategory, PERSONAL_FIELDS, type PersonalFieldSpec } from '../personal-data/data-categories';
import { ACCESS_LOG_RETENTION, DEFAULT_RETENTION, type RetentionSettings } from './processing-register';

export type ErasureDepth = 'request' | 'archive' | 'purge';

export interface KeptData {
  category: string;
  fields: string[];
  reason: string;
  /** When it will be deleted; null for the access log, which is never deleted (ACCESS_LOG_RETENTION). */
  until: Date | null;
}

export interface ErasureResult {
  erased: string[];
  kept: KeptData[];
}

const CUSTOMER_NOT_REQUIRED_BY_LAW: [string, (c: CustomerEntity) => void][] = [
  ['phone', (c) => (c.phoneEnc = null)],
  ['email', (c) => ((c.emailEnc = null), (c.emailBidx = null))],
  ['ipAddresses', (c) => (c.ipAddressesEnc = null)],
  ['bankName', (c) => (c.bankNameEnc = null)],
  ['iban', (c) => ((c.ibanEnc = null), (c.ibanBidx = null))],
  ['idCardNumber', (c) => ((c.idCardNumberEnc = null), (c.idCardNumberBidx = null))],
  ['licencePlate', (c) => (c.licencePlateEnc = null)],
  ['username', (c) => ((c.usernameEnc = null), (c.usernameBidx = null))],
  ['password', (c) => (c.passwordHash = null)],
];

const CUSTOMER_KEPT_FOR_INVOICES: [string, (c: CustomerEntity) => void][] = [
  ['name', (c) => (c.nameEnc = null)],
  ['address', (c) => (c.addressEnc = null)],
  ['companyName', (c) => (c.companyNameEnc = null)],
  ['kvkNumber', (c) => (c.kvkNumberEnc = null)],
  ['vatNumber', (c) => ((c.vatNumberEnc = null), (c.vatNumberBidx = null))],
];

/**
 * An order's values the law does not require keeping; its IP address and GeoIP data stay, until the
 * purge, where they are VAT evidence of a One Stop Shop supply. The review's note served fraud
 * prevention only (it is no invoice record), so it goes at every depth.
 */
const ORDER_NOT_REQUIRED_BY_LAW = ['email', 'phone', 'iban', 'ipAddress', 'geoIp', 'reviewNote'];
const ORDER_KEPT_FOR_INVOICES = ['billingAddress', 'vatNumber'];

/** What dropping bank details removes when the direct debit ends (retention.ts), named as `erased` names fields. */
export const BANK_DETAILS_FIELDS: readonly string[] = ['customer.iban', 'customer.bankName', 'order.iban'];

/**
 * Every value erasure at `depth` can remove, named as `erased` names them (`customer.email`,
 * `order.ipAddress`); which of them a customer loses depends on what they held. The recipients of the
 * data are told of a retention step by this list (retention-notices.ts), so it is kept beside the
 * lists the erasure works from, and a test holds the erasure to it.
 */
export function erasableFields(depth: ErasureDepth): string[] {
  const customer = [...CUSTOMER_NOT_REQUIRED_BY_LAW.map(([field]) => field), 'mailingConsentHistory'];
  const order = [...ORDER_NOT_REQUIRED_BY_LAW];
  if (depth === 'purge') {
    customer.push(...CUSTOMER_KEPT_FOR_INVOICES.map(([field]) => field));
    order.push(...ORDER_KEPT_FOR_INVOICES);
  }
  return [...customer.map((f) => `customer.${f}`), ...order.map((f) => `order.${f}`)];
}

const FISCAL_REASON = (years: number) =>
  `Dutch tax law requires keeping administrative records (invoices) for ${years} years (art. 52 AWR)`;
const FISCAL_OSS_REASON = (r: RetentionSettings) =>
  `${FISCAL_REASON(r.fiscalYears)}, and the records of supplies declared under the One Stop Shop, some of yours among them, with what their invoices say, for ${r.ossYears} years (EU VAT Implementing Regulation 282/2011, art. 63c)`;
const OSS_REASON = (years: number) =>
  `VAT evidence of services to consumers in other member states declared under the One Stop Shop must be kept for ${years} years (EU VAT Implementing Regulation 282/2011, art. 63c)`;

export async function eraseCustomerData(
  tx: EntityManager,
  customer: CustomerEntity,
  depth: ErasureDepth,
  now: Date,
  retention: RetentionSettings = DEFAULT_RETENTION,
): Promise<ErasureResult> {
  const erased: string[] = [];
  const kept: KeptData[] = [];
  const ended = customer.subscriptionEnd ?? now;
  const orders = await tx.find(OrderEntity, { customer: customer.id });
  // The retention job purges a customer with any One Stop Shop supply after the longer period
  // (retention.ts), so what is kept is kept until then, and the answer gives that date.
  const ossCustomer = orders.some(isOssSupply);
  const fiscalUntil = plusYears(ended, ossCustomer ? retention.ossYears : retention.fiscalYears);
  const fiscalReason = ossCustomer ? FISCAL_OSS_REASON(retention) : FISCAL_REASON(retention.fiscalYears);

  const present = (fields: [string, (c: CustomerEntity) => void][]) =>
    fields.filter(([field]) => hasValue(customer, field));
  for (const [field, clear] of present(CUSTOMER_NOT_REQUIRED_BY_LAW)) {
    clear(customer);
    erased.push(`customer.${field}`);
  }
  // The name stays for the invoices; its match index served fraud scoring only, and goes.
  customer.nameBidx = null;
  const consent = await tx.nativeDelete(MailingConsentChangeEntity, { customer: customer.id });
  if (consent > 0) erased.push('customer.mailingConsentHistory');

  const invoiceFields = present(CUSTOMER_KEPT_FOR_INVOICES);
  if (depth === 'purge') {
    for (const [field, clear] of invoiceFields) {
      clear(customer);
      erased.push(`customer.${field}`);
    }
  } else if (invoiceFields.length > 0) {
    kept.push({
      category: 'invoice data',
      fields: invoiceFields.map(([field]) => `customer.${field}`),
      reason: fiscalReason,
      until: fiscalUntil,
    });
  }

  const erasedFromOrders = new Set<string>();
  const keptOss: string[] = [];
  for (const order of orders) {
    const clear = (field: string, has: boolean, apply: () => void) => {
      if (!has) return;
      apply();
      erasedFromOrders.add(field);
    };
    // An order that named no email still has the indexes of the one on file it was counted under.
    clear(
      'email',
      order.emailEnc !== null || order.emailBidx !== null || order.emailMailboxBidx !== null,
      () => ((order.emailEnc = null), (order.emailBidx = null), (order.emailMailboxBidx = null)),
    );
    clear('phone', order.phoneEnc !== null, () => (order.phoneEnc = null));
    clear('iban', order.ibanEnc !== null, () => ((order.ibanEnc = null), (order.ibanBidx = null)));
    clear('reviewNote', order.reviewNoteEnc !== null, () => (order.reviewNoteEnc = null));
    if (depth === 'purge' || !isOssSupply(order)) {
      clear('ipAddress', order.ipAddressEnc !== null, () => {
        order.ipAddressEnc = null;
        order.ipBidx = null;
        order.ipNetworkBidx = null;
      });
      clear('geoIp', order.geoEnc !== null, () => (order.geoEnc = null));
    } else if (order.ipAddressEnc !== null) {
      keptOss.push(order.id);
    }
    if (depth === 'purge') {
      clear('billingAddress', order.billingAddressEnc !== null, () => (order.billingAddressEnc = null));
      clear('vatNumber', order.vatNumberEnc !== null, () => (order.vatNumberEnc = null));
    }
  }
  erased.push(...[...erasedFromOrders].sort().map((f) => `order.${f}`));
  if (depth !== 'purge' && orders.length > 0) {
    kept.push({
      category: 'purchase history',
      fields: ['order.items', 'order.amount', 'order.billingAddress', 'order.vatNumber'],
      reason: fiscalReason,
      until: fiscalUntil,
    });
  }
  if (keptOss.length > 0) {
    kept.push({
      category: 'VAT evidence',
      fields: ['order.ipAddress', 'order.geoIp'],
      reason: OSS_REASON(retention.ossYears),
      until: plusYears(ended, retention.ossYears),
    });
  }
  kept.push({
    category: 'access log',
    fields: ['audit events'],
    reason: `the record of who used your data, when and why, kept as evidence that the law was followed (GDPR art. 5(2)); ${ACCESS_LOG_RETENTION}`,
    until: null,
  });

  customer.subscriptionEnd ??= now;
  if (depth === 'archive') {
    customer.status = CustomerStatus.Archived;
    customer.archivedAt = now;
  } else {
    customer.status = CustomerStatus.Erased;
    // A purge of what an erasure request kept leaves the date of the erasure.
    customer.erasedAt ??= now;
    customer.restricted = false;
  }
  // The email address and the consent history are gone: nobody is left to send a mailing to.
  customer.mailingOptOut = true;
  return { erased, kept };
}

function isOssSupply(order: OrderEntity): boolean {
  return (order.vat as { treatment?: string }).treatment === 'OSS';
}

/**
 * The date `years` calendar years on, as PostgreSQL adds an interval of years (in UTC, the ORM's
 * session time zone): 29 February becomes 28 February, not 1 March, so the date an erasure answer
 * gives is the day the retention job purges (retention.ts).
 */
export function plusYears(date: Date, years: number): Date {
  const d = new Date(date);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  if (d.getUTCDate() !== date.getUTCDate()) d.setUTCDate(0);
  return d;
}

/** Erased fields that are not fields the API releases, with their categories. */
const ERASED_ONLY: Record<string, DataCategory> = {
  password: DataCategory.Login,
  mailingConsentHistory: DataCategory.MailingConsent,
};

/**
 * The erased fields (`customer.email`, `order.ipAddress`) as the audit log names fields
 * (`email`, `orderIpAddress`, as in data-categories.ts), with their categories.
 */
export function erasedForAudit(erased: readonly string[]): { fields: string[]; categories: string[] } {
  const fields = erased.map((path) => {
    const [table, field = ''] = path.split('.');
    return table === 'order' ? `order${field.charAt(0).toUpperCase()}${field.slice(1)}` : field;
  });
  const categories = fields.map((field) => {
    const spec = (PERSONAL_FIELDS as Record<string, PersonalFieldSpec | undefined>)[field];
    const category = spec?.category ?? ERASED_ONLY[field];
    if (category === undefined) throw new Error(`Erased field ${field} has no data category.`);
    return category;
  });
  return { fields, categories };
}

function hasValue(customer: CustomerEntity, field: string): boolean {
  if (field === 'password') return customer.passwordHash !== null;
  const value = (customer as unknown as Record<string, unknown>)[`${field}Enc`];
  return value !== null && value !== undefined;
}
