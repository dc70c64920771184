/**
 * The answer to a subject-access request (GDPR art. 15) in a structured, machine-readable form that
 * also serves portability (art. 20): every personal value held (decrypted, for the subject only), per
 * category its purposes, legal basis, retention and source, the orders with everything given with them
 * (IP address and GeoIP data, billing address, VAT number, email, phone, IBAN) and the VAT evidence drawn
 * from them,
 * the recipients (third parties that received data), the reads of the data from the audit log (date,
 * purpose, the reader's role or organisation; an employee's name only if the privacy officer chooses
 * so, following EU Court of Justice C-579/21), the person's requests and complaints with what we
 * answered (what they wrote to us is their personal data too), the history of their mailing opt-out, and
 * the person's rights. The JSON Schema of this document is schema/subject-access-report.schema.json.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { subjectEvents } from '../../audit/audit-export';
import type { AuditLog } from '../../audit/audit-log';
import type { ActorService } from '../actors/actor.service';
import type { CustomerView } from '../customers/customer-view';
import { MailingConsentChangeEntity } from '../db/entities/mailing-consent-change.entity';
import { ComplaintEntity, DisclosureEntity, PrivacyRequestEntity } from '../db/entities/privacy.entities';
import { OrderEntity } from '../db/entities/order.entity';
import {
  CUSTOMER_PERSONAL_FIELDS,
  ORDER_PERSONAL_FIELDS,
  DataCategory,
  type OrderPersonalField,
} from '../personal-data/data-categories';
import { OrderView } from '../orders/order-view';
import type { FieldCipher } from '../crypto/field-cipher';
import { sqlRunner } from '../db/sql-runner';
import { ComplaintView } from './complaints.service';
import { PrivacyRequestView } from './privacy-requests.service';
import { processingRegister, type RetentionSettings } from './processing-register';

export const SUBJECT_ACCESS_REPORT_VERSION = 4;

export interface SubjectAccessReport {
  schemaVersion: number;
  generatedAt: string;
  controller: { name: string; contact: string };
  subject: { customerId: string; status: string; customerSince: string };
  personalData: { category: string; field: string; description: string; value: unknown }[];
  processing: {
    category: string;
    purposes: string[];
    legalBasis: string;
    retention: string;
    source: string;
  }[];
  orders: {
    id: string;
    date: string;
    items: { product: string; tld: string | null; amountCents: number }[];
    amountCents: number;
    currency: string;
    ipAddress: string | null;
    /** `region`: GeoIP's subdivision, kept since VAT territories need it; null in older orders. */
    ipLocation: {
      country: string | null;
      region: string | null;
      city: string | null;
      organisation: string | null;
    } | null;
    billingAddress: unknown;
    vatNumber: string | null;
    email: string | null;
    phone: string | null;
    iban: string | null;
    /** The countries the order's details point to and the VAT country drawn from them. */
    vatEvidence: unknown;
    decision: string;
    /** What our employee noted when reviewing the order (category order_review). */
    reviewNote: string | null;
  }[];
  recipients: {
    thirdParty: string;
    kind: string;
    receivedCategories: string[];
    madePublic: string[];
    date: string;
    purpose: string;
  }[];
  reads: {
    date: string;
    action: string;
    purpose: string | null;
    reader: string;
    readerKind: string;
    categories: string[];
  }[];
  /** The person's data-subject requests and complaints, with our answers (category correspondence). */
  correspondence: {
    requests: {
      kind: string;
      channel: string;
      receivedAt: string;
      dueAt: string;
      extendedUntil: string | null;
      extensionReason: string | null;
      status: string;
      outcome: string | null;
      closedAt: string | null;
    }[];
    complaints: {
      source: string;
      receivedAt: string;
      dueAt: string;
      status: string;
      summary: string;
      resolution: string | null;
      closedAt: string | null;
    }[];
  };
  rights: string[];
  complaintAuthority: { name: string; address: string; website: string };
}

export interface ReportDeps {
  audit: AuditLog;
  actors: ActorService;
  cipher: FieldCipher;
  retention: RetentionSettings;
  controller: { name: string; contact: string };
}

export async function buildSubjectAccessReport(
  em: EntityManager,
  customer: CustomerView,
  deps: ReportDeps,
  options: { includeEmployeeNames: boolean; now?: Date },
): Promise<SubjectAccessReport> {
  const now = options.now ?? new Date();
  const register = processingRegister(deps.retention);
  const personalData: SubjectAccessReport['personalData'] = (
    Object.keys(CUSTOMER_PERSONAL_FIELDS) as (keyof typeof CUSTOMER_PERSONAL_FIELDS)[]
  )
    .map((field) => ({ field, spec: CUSTOMER_PERSONAL_FIELDS[field], value: valueOf(customer, field) }))
    .filter(
      (f) => f.value !== null && f.value !== undefined && !(Array.isArray(f.value) && f.value.length === 0),
    )
    .map((f) => ({
      category: f.spec.category,
      field: f.field,
      description: f.spec.description,
      value: f.value,
    }));
  if (customer.entity.passwordHash !== null) {
    personalData.push({
      category: 'login',
      field: 'password',
      description: 'password',
      value: 'stored only as a one-way hash; it cannot be shown, only reset',
    });
  }
  // The opt-out's history, not only where it stands now: each change is personal data kept about them.
  const consent = await em.find(
    MailingConsentChangeEntity,
    { customer: customer.id },
    { orderBy: [{ changedAt: 'asc' }, { id: 'asc' }] },
  );
  if (consent.length > 0) {
    personalData.push({
      category: DataCategory.MailingConsent,
      field: 'mailingConsentHistory',
      description: 'every change of your opt-out of internal mailings, with its date',
      value: consent.map((c) => ({ optedOut: c.optedOut, changedAt: c.changedAt.toISOString() })),
    });
  }
  const categories = new Set<DataCategory>(personalData.map((p) => p.category as DataCategory));
  const orders = (
    await em.find(OrderEntity, { customer: customer.id }, { orderBy: { createdAt: 'asc' } })
  ).map((entity) => new OrderView(entity, deps.cipher));
  for (const order of orders) {
    for (const [field, value] of Object.entries(ORDER_VALUES) as [OrderPersonalField, OrderValue][]) {
      if (value(order) !== null) categories.add(ORDER_PERSONAL_FIELDS[field].category);
    }
  }

  const disclosures = await em.find(
    DisclosureEntity,
    { customer: customer.id },
    { populate: ['thirdParty'], orderBy: { disclosedAt: 'asc' } },
  );
  const events = (await subjectEvents(sqlRunner(em), customer.id)).filter(
    (e) =>
      (e.action === 'read' || e.action === 'export' || e.action === 'disclose') && e.actorKind !== 'system',
  );
  if (events.length > 0) categories.add(DataCategory.AccessLog);
  const requests = await em.find(
    PrivacyRequestEntity,
    { customer: customer.id },
    { orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }] },
  );
  const complaints = await em.find(
    ComplaintEntity,
    { customer: customer.id },
    { orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }] },
  );
  if (requests.length + complaints.length > 0) categories.add(DataCategory.Correspondence);
  const iso = (date: Date | null) => (date === null ? null : date.toISOString());
  const names = await deps.actors.namesByIds(
    em,
    events.flatMap((e) => (e.actorId === null ? [] : [e.actorId])),
  );

  return {
    schemaVersion: SUBJECT_ACCESS_REPORT_VERSION,
    generatedAt: now.toISOString(),
    controller: deps.controller,
    subject: {
      customerId: customer.id,
      status: customer.status,
      customerSince: customer.subscriptionStart.toISOString(),
    },
    personalData,
    processing: [...categories].sort().map((category) => ({ category, ...register[category] })),
    orders: orders.map((order) => {
      const geo = order.geoIp;
      return {
        id: order.id,
        date: order.createdAt.toISOString(),
        items: order.items,
        amountCents: order.amountCents,
        currency: order.currency,
        ipAddress: order.ipAddress,
        ipLocation:
          geo === null
            ? null
            : {
                country: geo.country,
                region: geo.subdivision ?? null,
                city: geo.city,
                organisation: geo.organisation,
              },
        billingAddress: order.billingAddress,
        vatNumber: order.vatNumber,
        email: order.email,
        phone: order.phone,
        iban: order.iban,
        vatEvidence: order.vat,
        decision: order.decision,
        reviewNote: order.reviewNote,
      };
    }),
    recipients: disclosures.map((d) => ({
      thirdParty: d.thirdParty.name,
      kind: d.thirdParty.kind,
      receivedCategories: d.categories,
      madePublic: d.madePublic,
      date: d.disclosedAt.toISOString(),
      purpose: d.purpose,
    })),
    reads: events.map((e) => ({
      date: e.occurredAt.toISOString(),
      action: e.action,
      purpose: e.purpose,
      reader: readerOf(
        e.actorKind,
        e.role,
        e.actorId === null ? undefined : names.get(e.actorId),
        options.includeEmployeeNames,
      ),
      readerKind: e.actorKind,
      categories: e.categories,
    })),
    correspondence: {
      requests: requests.map((r) => {
        const texts = new PrivacyRequestView(r, deps.cipher);
        return {
          kind: r.kind,
          channel: r.channel,
          receivedAt: r.receivedAt.toISOString(),
          dueAt: r.dueAt.toISOString(),
          extendedUntil: iso(r.extendedUntil),
          extensionReason: texts.extensionReason,
          status: r.status,
          outcome: texts.outcome,
          closedAt: iso(r.closedAt),
        };
      }),
      complaints: complaints.map((c) => {
        const texts = new ComplaintView(c, deps.cipher);
        return {
          source: c.source,
          receivedAt: c.receivedAt.toISOString(),
          dueAt: c.dueAt.toISOString(),
          status: c.status,
          summary: texts.summary,
          resolution: texts.resolution,
          closedAt: iso(c.closedAt),
        };
      }),
    },
    rights: RIGHTS,
    complaintAuthority: AUTORITEIT_PERSOONSGEGEVENS,
  };
}

type OrderValue = (order: OrderView) => unknown;

/**
 * Each personal field an order holds, as the report reads it (null: not held). Typed over every order
 * field, so a field added to ORDER_PERSONAL_FIELDS cannot be left out of the access answer unnoticed.
 */
const ORDER_VALUES: Record<OrderPersonalField, OrderValue> = {
  orderIpAddress: (o) => o.ipAddress,
  orderGeoIp: (o) => o.geoIp,
  orderBillingAddress: (o) => o.billingAddress,
  orderVatNumber: (o) => o.vatNumber,
  orderEmail: (o) => o.email,
  orderPhone: (o) => o.phone,
  orderIban: (o) => o.iban,
  orderItems: (o) => o.items,
  orderVatEvidence: (o) => o.vat,
  orderReviewNote: (o) => o.reviewNote,
};

/** An employee by role (C-579/21), unless names are asked for; a third party or service by its name. */
function readerOf(
  kind: string,
  role: string | null,
  name: string | undefined,
  includeEmployeeNames: boolean,
): string {
  if (kind === 'employee') {
    const byRole = `employee (${role ?? 'unknown role'})`;
    return includeEmployeeNames && name !== undefined ? `${name}, ${byRole}` : byRole;
  }
  return name ?? kind;
}

function valueOf(customer: CustomerView, field: keyof typeof CUSTOMER_PERSONAL_FIELDS): unknown {
  const value: unknown = (customer as unknown as Record<string, unknown>)[field];
  return value instanceof Date ? value.toISOString() : value;
}

const RIGHTS = [
  'Access: you may ask which of your data we hold and how we use it (GDPR art. 15); this document is that answer.',
  'Rectification: you may have incorrect data corrected (art. 16), in the customer panel or by email.',
  'Erasure: you may ask us to delete your data (art. 17); we keep what the law requires, such as invoices, and tell you what and why.',
  'Restriction: you may ask us to limit the use of your data while a question is sorted out (art. 18).',
  'Portability: you may receive your data in a structured, machine-readable form (art. 20); the JSON form of this document is that.',
  'Objection: you may object to use based on our legitimate interest, and opt out of internal mailings at any time (art. 21).',
  'Recipients are told of any correction, erasure or restriction (art. 19).',
  'Complaints: you may complain to us, and to the Dutch Data Protection Authority (Autoriteit Persoonsgegevens) (art. 77).',
];

const AUTORITEIT_PERSOONSGEGEVENS = {
  name: 'Autoriteit Persoonsgegevens',
  address: 'Postbus 93374, 2509 AJ Den Haag, the Netherlands',
  website: 'https://autoriteitpersoonsgegevens.nl',
};
