/**
 * Who may do what: per role, the API operations (root fields of Query and Mutation) it may call and the
 * personal-data categories it may read. This is the only place these decisions live; the GraphQL layer
 * asks `authorizeOperation` before anything executes, and the start-up check refuses a schema with an
 * operation this table does not mention.
 */
import { ForbiddenError, PurposeRequiredError, UnauthenticatedError } from '../errors/errors';
import { ALL_DATA_CATEGORIES, DataCategory } from '../personal-data/data-categories';
import type { Actor } from './actor';
import { assertPurposeFits, PURPOSE_HEADER, PurposeKind, type Purpose } from './purpose';
import { Role } from './roles';

/** Operations anyone may call, even without a token. */
export const PUBLIC_OPERATIONS: readonly string[] = ['__typename', '__schema', '__type', 'ping'];

/**
 * Operations that read personal data by their nature rather than through tagged fields: calling one
 * counts as reading these categories (so a purpose is needed and the role must be allowed them).
 */
export const OPERATION_CATEGORIES: Partial<Record<string, readonly DataCategory[]>> = {
  auditEvents: [DataCategory.AccessLog],
  accessSummary: [DataCategory.AccessLog],
  unusualAccess: [DataCategory.AccessLog],
  subjectAccessReport: ALL_DATA_CATEGORIES,
  inspectionReport: [DataCategory.AccessLog, DataCategory.Correspondence],
  privacyRequests: [DataCategory.Correspondence],
  createPrivacyRequest: [DataCategory.Correspondence],
  extendPrivacyRequest: [DataCategory.Correspondence],
  setPrivacyRequestIdentityCheck: [DataCategory.Correspondence],
  closePrivacyRequest: [DataCategory.Correspondence],
  carryOutErasure: [DataCategory.Correspondence],
  carryOutRectification: [DataCategory.Correspondence],
  carryOutRestriction: [DataCategory.Correspondence],
  carryOutMailingOptOut: [DataCategory.Correspondence],
  liftRestriction: [DataCategory.Correspondence],
  complaints: [DataCategory.Correspondence],
  createComplaint: [DataCategory.Correspondence],
  updateComplaint: [DataCategory.Correspondence],
  disclosures: [DataCategory.AccessLog],
  recordDisclosure: [DataCategory.AccessLog],
  endDisclosure: [DataCategory.AccessLog],
  // Which third parties received which of a customer's data, as `disclosures` shows it.
  retentionNoticesOwed: [DataCategory.AccessLog],
  notifyRecipientsOfRetention: [DataCategory.AccessLog],
};

/** The privacy officer's own operations (GDPR requests, complaints, inspections). */
const PRIVACY_OFFICE_OPERATIONS = [
  'subjectAccessReport',
  'inspectionReport',
  'privacyRequests',
  'createPrivacyRequest',
  'extendPrivacyRequest',
  'setPrivacyRequestIdentityCheck',
  'closePrivacyRequest',
  'carryOutErasure',
  'carryOutRectification',
  'carryOutRestriction',
  'carryOutMailingOptOut',
  'liftRestriction',
  'complaints',
  'createComplaint',
  'updateComplaint',
  'disclosures',
  'recordDisclosure',
  'endDisclosure',
  'thirdParties',
  'thirdPartyChanges',
  'requireOnBehalfOf',
  'retentionReport',
  'retentionNoticesOwed',
  'notifyRecipientsOfRetention',
  // The privacy officer owns the privacy policy: publishes its versions and records who was told.
  'publishPolicyVersion',
  'notifyPolicyVersion',
  'policyVersions',
  'policyVersionAt',
];

/** Running the platform's registers: retention, third parties, policy versions. */
const ADMINISTRATION_OPERATIONS = [
  'retentionReport',
  'retentionNoticesOwed',
  'notifyRecipientsOfRetention',
  'runRetention',
  'thirdParties',
  'thirdPartyChanges',
  'registerThirdParty',
  'linkThirdPartyActor',
  'requireOnBehalfOf',
  'recordDisclosure',
  'endDisclosure',
  'disclosures',
  'publishPolicyVersion',
  'notifyPolicyVersion',
  'policyVersions',
  'policyVersionAt',
];

/**
 * Operations whose purpose lies in what they are: scoring an order is fraud prevention, whoever calls
 * it. The purpose is filled in when the caller sends none, and any other purpose is refused, so the
 * audit log cannot record the operation's reads and writes under a purpose they were not made for.
 */
export const OPERATION_PURPOSES: Partial<Record<string, PurposeKind>> = {
  scoreOrder: PurposeKind.FraudPrevention,
  // Scoring the orders of a period again reads their personal data for the end it was scored for.
  rescoreOrders: PurposeKind.FraudPrevention,
  // What the retention job archives and erases, it does for the administrative obligations, as on its
  // schedule.
  runRetention: PurposeKind.AdministrativeObligation,
};

/**
 * Operations that change a customer's personal data. Like a read, a change says why (the audit event of
 * the change records it), whatever fields the answer selects. Which categories a role may change is
 * not asked here: the order system stores the IBAN a customer gives with a first order, which it may
 * not read back.
 */
export const PERSONAL_DATA_CHANGES: readonly string[] = [
  'createCustomer',
  'updateCustomer',
  'endSubscription',
];

/**
 * The purpose a request that states none is taken to have: that of its operations with a purpose of
 * their own, when every operation it calls (public fields such as `__typename` and `ping` aside) has
 * that one. Null otherwise: an operation that has one then needs it stated (`authorizeOperation`).
 */
export function impliedPurpose(operations: readonly string[]): PurposeKind | null {
  const own = new Set(
    operations.filter((op) => !PUBLIC_OPERATIONS.includes(op)).map((op) => OPERATION_PURPOSES[op]),
  );
  const [only] = own;
  return own.size === 1 && only !== undefined ? only : null;
}

/**
 * Operations every authenticated actor may call: who am I, and the audit log's signed state (a tree
 * size, a root hash and a signature: no personal data), so anyone can hold a checkpoint to check the
 * log against later.
 */
const EVERY_ROLE_OPERATIONS = ['me', 'auditCheckpoint'];

const AUDIT_PROOF_OPERATIONS = ['auditInclusionProof', 'auditConsistencyProof', 'verifyAuditLog'];

export interface RolePolicy {
  operations: readonly string[];
  categories: readonly DataCategory[];
}

const C = DataCategory;

const CUSTOMER_SERVICE_CATEGORIES: readonly DataCategory[] = [
  C.Company,
  C.CompanyRegistration,
  C.VatNumber,
  C.Name,
  C.Address,
  C.Phone,
  C.Email,
  C.Login,
  C.MailingConsent,
  C.Subscription,
  C.PurchaseHistory,
  C.Vehicle,
];

export const ROLE_POLICIES: Record<Role, RolePolicy> = {
  [Role.Support]: {
    operations: [
      ...EVERY_ROLE_OPERATIONS,
      'customer',
      'customers',
      'updateCustomer',
      'endSubscription',
      'orders',
      'reviewOrder',
      // Requests and complaints often arrive by email at support.
      'createPrivacyRequest',
      'createComplaint',
    ],
    // Support reviews flagged orders, and reads and writes the review's note with them.
    categories: [...CUSTOMER_SERVICE_CATEGORIES, C.Correspondence, C.OrderReview],
  },
  [Role.Finance]: {
    operations: [
      ...EVERY_ROLE_OPERATIONS,
      'customer',
      'customers',
      'ipIntelligence',
      'orders',
      'vatMismatches',
      'vatEvidenceSummary',
    ],
    categories: [
      C.Company,
      C.CompanyRegistration,
      C.VatNumber,
      C.Name,
      C.Address,
      C.BankDetails,
      C.PurchaseHistory,
      C.Subscription,
    ],
  },
  [Role.PrivacyOfficer]: {
    operations: [
      ...EVERY_ROLE_OPERATIONS,
      'customer',
      'customers',
      'updateCustomer',
      // A restricted customer's subscription can be ended only by the privacy officer (row-access.ts).
      'endSubscription',
      'orders',
      ...PRIVACY_OFFICE_OPERATIONS,
      'auditEvents',
      'accessSummary',
      'unusualAccess',
      ...AUDIT_PROOF_OPERATIONS,
    ],
    categories: ALL_DATA_CATEGORIES,
  },
  [Role.Admin]: {
    operations: [
      ...EVERY_ROLE_OPERATIONS,
      'customer',
      'customers',
      'createCustomer',
      'updateCustomer',
      'endSubscription',
      'scoreOrder',
      'ipIntelligence',
      'orders',
      'reviewOrder',
      'rescoreOrders',
      'vatMismatches',
      'vatEvidenceSummary',
      ...ADMINISTRATION_OPERATIONS,
      ...AUDIT_PROOF_OPERATIONS,
    ],
    categories: ALL_DATA_CATEGORIES.filter((c) => c !== DataCategory.Correspondence),
  },
  [Role.OrderSystem]: {
    operations: [
      ...EVERY_ROLE_OPERATIONS,
      'customer',
      'createCustomer',
      'scoreOrder',
      'ipIntelligence',
      'recordDisclosure',
    ],
    categories: [
      C.Company,
      C.CompanyRegistration,
      C.VatNumber,
      C.Name,
      C.Address,
      C.Phone,
      C.Email,
      C.IpAddress,
      C.PurchaseHistory,
      C.Subscription,
      // Recording that it passed data to the registry or the payment provider.
      C.AccessLog,
    ],
  },
  // A domain registry receives the registrant's details to register a domain in the customer's name.
  [Role.Registry]: {
    operations: [...EVERY_ROLE_OPERATIONS, 'customer'],
    categories: [C.Company, C.Name, C.Address, C.Email, C.Phone],
  },
  [Role.PaymentProvider]: {
    operations: [...EVERY_ROLE_OPERATIONS, 'customer'],
    categories: [C.Name, C.BankDetails],
  },
};

export function allOperations(): Set<string> {
  return new Set([...PUBLIC_OPERATIONS, ...Object.values(ROLE_POLICIES).flatMap((p) => p.operations)]);
}

export function mayCall(role: Role, operation: string): boolean {
  return PUBLIC_OPERATIONS.includes(operation) || ROLE_POLICIES[role].operations.includes(operation);
}

export function mayRead(role: Role, category: DataCategory): boolean {
  return ROLE_POLICIES[role].categories.includes(category);
}

export interface OperationRequest {
  /** Root fields the operation selects. */
  operations: readonly string[];
  /** Personal-data categories the operation selects or writes. */
  categories: ReadonlySet<DataCategory>;
}

/**
 * Decides a whole GraphQL operation before it runs: all of it is allowed or none of it executes.
 * Checks in a fixed order so the error a client sees is the first thing to fix: the token, the role's
 * operations, an operation's own purpose, a purpose at all, the categories, the purpose's fit.
 */
export function authorizeOperation(
  actor: Actor | null,
  purpose: Purpose | null,
  request: OperationRequest,
): void {
  const nonPublic = request.operations.filter((op) => !PUBLIC_OPERATIONS.includes(op));
  if (nonPublic.length === 0 && request.categories.size === 0) return;
  if (actor === null) {
    throw new UnauthenticatedError(
      'This operation needs an API token: send the header Authorization: Bearer <token>.',
    );
  }
  const refused = nonPublic.filter((op) => !mayCall(actor.role, op));
  if (refused.length > 0) {
    throw new ForbiddenError(`Role ${actor.role} may not call ${refused.join(', ')}.`, {
      reason: 'OPERATION_NOT_ALLOWED',
      operations: refused,
    });
  }
  assertPurposeFitsOperations(purpose, nonPublic);
  const categories = [
    ...new Set([...request.categories, ...nonPublic.flatMap((op) => OPERATION_CATEGORIES[op] ?? [])]),
  ].sort();
  const changes = nonPublic.filter((op) => PERSONAL_DATA_CHANGES.includes(op));
  if (categories.length === 0 && changes.length === 0) return;
  if (purpose === null) {
    const touched =
      categories.length > 0
        ? `touches personal data (${categories.join(', ')})`
        : `changes personal data (${changes.join(', ')})`;
    throw new PurposeRequiredError(
      `This request ${touched}; state why in the ${PURPOSE_HEADER} header, ` +
        'for example "support-ticket:4711" or "vat-audit".',
      { categories },
    );
  }
  const unreadable = categories.filter((category) => !mayRead(actor.role, category));
  if (unreadable.length > 0) {
    throw new ForbiddenError(`Role ${actor.role} may not read ${unreadable.join(', ')}.`, {
      reason: 'CATEGORY_NOT_ALLOWED',
      categories: unreadable,
    });
  }
  assertPurposeFits(purpose, categories);
}

/**
 * Throws ForbiddenError when an operation with a purpose of its own is asked for with another one, and
 * PurposeRequiredError when none was stated or implied (beside operations that do not imply it), so the
 * audit log never records its work without the purpose it is done for.
 */
function assertPurposeFitsOperations(purpose: Purpose | null, operations: readonly string[]): void {
  for (const operation of operations) {
    const own = OPERATION_PURPOSES[operation];
    if (own !== undefined && purpose === null) {
      throw new PurposeRequiredError(
        `${operation} is done for ${own}; asked for beside other operations, it needs ${PURPOSE_HEADER}: ${own}.`,
        { operation, allowedPurposes: [own] },
      );
    }
    if (own !== undefined && purpose !== null && own !== purpose.kind) {
      throw new ForbiddenError(
        `${operation} is done for ${own} only; send ${PURPOSE_HEADER}: ${own}, or none (it is implied), ` +
          `not ${purpose.kind}.`,
        { reason: 'PURPOSE_MISMATCH', purpose: purpose.kind, operation, allowedPurposes: [own] },
      );
    }
  }
}
