/**
 * Purposes: every request that touches personal data says why (header `X-Purpose`), and the purpose
 * must fit the data. The privacy policy binds bank details to direct debit, so a bank-detail read for
 * any other purpose is refused; the other bindings follow the same idea.
 */
import { ForbiddenError, ValidationError } from '../errors/errors';
import { DataCategory } from '../personal-data/data-categories';

export const PurposeKind = {
  SupportTicket: 'support-ticket',
  AccountManagement: 'account-management',
  OrderFulfilment: 'order-fulfilment',
  DomainRegistration: 'domain-registration',
  DirectDebit: 'direct-debit',
  FraudPrevention: 'fraud-prevention',
  VatAudit: 'vat-audit',
  AdministrativeObligation: 'administrative-obligation',
  PrivacyRequest: 'privacy-request',
  Inspection: 'inspection',
} as const;
export type PurposeKind = (typeof PurposeKind)[keyof typeof PurposeKind];

const KINDS: readonly string[] = Object.values(PurposeKind);
/** Purposes that only make sense with a reference (the ticket or request number). */
const NEEDS_REFERENCE: readonly PurposeKind[] = [PurposeKind.SupportTicket, PurposeKind.PrivacyRequest];

export interface Purpose {
  kind: PurposeKind;
  reference: string | null;
  /** As given, e.g. `support-ticket:4711`; this is what the audit log records. */
  text: string;
}

export const PURPOSE_HEADER = 'X-Purpose';

/** Parses `kind` or `kind:reference`. */
/** Longest reference after a purpose's colon (a ticket, request or order number). */
const REFERENCE_MAX = 64;

export function parsePurpose(raw: string, field: string = PURPOSE_HEADER): Purpose {
  const text = raw.trim();
  // A known purpose with a reference that does not fit deserves its own message, not "unknown purpose".
  const [kindText = '', ...rest] = text.split(':');
  if (KINDS.includes(kindText) && rest.length > 0) {
    const reference = rest.join(':');
    if (reference.length > REFERENCE_MAX || !/^[A-Za-z0-9._/#-]+$/.test(reference)) {
      throw new ValidationError(
        field,
        `the reference after "${kindText}:" must be 1 to ${REFERENCE_MAX} letters, digits or . _ / # -`,
      );
    }
  }
  const match = /^([a-z][a-z-]*)(?::([A-Za-z0-9._/#-]{1,64}))?$/.exec(text);
  if (match === null || !KINDS.includes(match[1] ?? '')) {
    throw new ValidationError(
      field,
      `"${text.slice(0, 80)}" is not a known purpose; use one of ${KINDS.join(', ')}, optionally followed by :reference (e.g. support-ticket:4711)`,
    );
  }
  const kind = match[1] as PurposeKind;
  const reference = match[2] ?? null;
  if (reference === null && NEEDS_REFERENCE.includes(kind)) {
    throw new ValidationError(field, `purpose ${kind} needs a reference, e.g. ${kind}:4711`);
  }
  return { kind, reference, text };
}

/**
 * Categories whose use is bound to particular purposes. Categories not listed may be read for any
 * known purpose (the role still has to be allowed the category).
 */
export const PURPOSE_BOUND_CATEGORIES: Partial<Record<DataCategory, readonly PurposeKind[]>> = {
  // "Bank details are used only for direct debit" - plus the legal duties that outrank the policy.
  [DataCategory.BankDetails]: [
    PurposeKind.DirectDebit,
    PurposeKind.VatAudit,
    PurposeKind.AdministrativeObligation,
    PurposeKind.PrivacyRequest,
    PurposeKind.Inspection,
  ],
  // The ID-card number is collected for domain registration only.
  [DataCategory.IdDocument]: [
    PurposeKind.DomainRegistration,
    PurposeKind.FraudPrevention,
    PurposeKind.PrivacyRequest,
    PurposeKind.Inspection,
  ],
  // Login data is only ever needed to help with the account itself.
  [DataCategory.Login]: [
    PurposeKind.SupportTicket,
    PurposeKind.AccountManagement,
    PurposeKind.PrivacyRequest,
    PurposeKind.Inspection,
  ],
};

/**
 * The categories the purpose does not cover, each as `category (allowed for ...)`; empty when it covers
 * them all. The same rule decides reads (assertPurposeFits) and disclosures to third parties.
 */
export function purposeMisfits(purpose: Purpose, categories: Iterable<string>): string[] {
  const misfits: string[] = [];
  for (const category of categories) {
    const allowed = PURPOSE_BOUND_CATEGORIES[category as DataCategory];
    if (allowed !== undefined && !allowed.includes(purpose.kind)) {
      misfits.push(`${category} (allowed for ${allowed.join(', ')})`);
    }
  }
  return misfits;
}

/** Throws ForbiddenError naming the categories the purpose does not cover. */
export function assertPurposeFits(purpose: Purpose, categories: Iterable<DataCategory>): void {
  const misfits = purposeMisfits(purpose, categories);
  if (misfits.length > 0) {
    throw new ForbiddenError(`Purpose ${purpose.kind} does not cover: ${misfits.join('; ')}`, {
      reason: 'PURPOSE_MISMATCH',
      purpose: purpose.kind,
    });
  }
}
