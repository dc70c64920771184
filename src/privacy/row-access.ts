/**
 * Rules that depend on the customer, not only on the role: a restricted customer's data (GDPR art. 18)
 * is readable only by the privacy officer; an archived customer's data only for administrative
 * obligations (the policy: "archived ... then used only for administrative obligations"), or by the
 * privacy officer answering a request or an inspection. What an erasure request kept (invoice data,
 * orders, One Stop Shop evidence) is kept for the tax obligation alone, as its answer says, so an
 * erased customer is read by the same rule as an archived one. None of the three may be disclosed to a
 * third party any more.
 */
import type { Actor } from '../auth/actor';
import { PurposeKind, type Purpose } from '../auth/purpose';
import { Role } from '../auth/roles';
import { CustomerStatus, type CustomerEntity } from '../db/entities/customer.entity';
import { ConflictError, ForbiddenError } from '../errors/errors';

/** Who is reading; null actor means the platform itself (jobs, scoring internals). */
export interface ReadAccess {
  actor: Actor | null;
  purpose: Purpose | null;
  /** The personal-data categories the request asks for, when known (a GraphQL operation's). */
  categories?: ReadonlySet<string> | null;
  /** The order or contract a third party says it acts under (X-On-Behalf-Of). */
  onBehalfOf?: string | null;
}

const OFFICER_PURPOSES: readonly PurposeKind[] = [PurposeKind.PrivacyRequest, PurposeKind.Inspection];

/** May this reader see restricted customers? */
export function seesRestricted(access: ReadAccess): boolean {
  return access.actor === null || access.actor.role === Role.PrivacyOfficer;
}

/**
 * The statuses whose data is kept only for administrative obligations: archived, and erased (what the
 * erasure kept for the tax obligation).
 */
export const ADMINISTRATIVE_ONLY_STATUSES: readonly CustomerStatus[] = [
  CustomerStatus.Archived,
  CustomerStatus.Erased,
];

export function isAdministrativeOnly(status: CustomerStatus): boolean {
  return ADMINISTRATIVE_ONLY_STATUSES.includes(status);
}

/** May this reader see archived customers, and what an erasure kept? */
export function seesArchived(access: ReadAccess): boolean {
  if (access.actor === null) return true;
  const kind = access.purpose?.kind;
  if (kind === PurposeKind.AdministrativeObligation) return true;
  return access.actor.role === Role.PrivacyOfficer && kind !== undefined && OFFICER_PURPOSES.includes(kind);
}

/**
 * The condition on a customer row (as a MikroORM filter) that leaves out those this reader may not
 * see; empty without a reader. Lists use it so that such customers, or their orders, drop out of the
 * page instead of failing it.
 */
export function visibleCustomersWhere(access: ReadAccess | undefined): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  if (access !== undefined && !seesRestricted(access)) where.restricted = false;
  if (access !== undefined && !seesArchived(access)) where.status = { $nin: ADMINISTRATIVE_ONLY_STATUSES };
  return where;
}

/** Why this reader may not read this customer, or null when it may. */
export function customerReadRefusal(customer: CustomerEntity, access: ReadAccess): Refusal | null {
  return customerRefusal(customer, access, 'read');
}

/**
 * Why this caller may not change this customer, or null when it may: changing works on the data as
 * reading does, so the same rules hold (a restricted customer only by the privacy officer, GDPR
 * art. 18; an archived or erased one only for administrative obligations).
 */
export function customerWriteRefusal(customer: CustomerEntity, access: ReadAccess): Refusal | null {
  return customerRefusal(customer, access, 'change');
}

function customerRefusal(
  customer: CustomerEntity,
  access: ReadAccess,
  verb: 'read' | 'change',
): Refusal | null {
  const done = verb === 'read' ? 'read' : 'changed';
  if (customer.restricted && !seesRestricted(access)) {
    return {
      reason: 'RESTRICTED',
      message: `Customer ${customer.id} is restricted (GDPR art. 18): only the privacy officer may ${verb} its data.`,
    };
  }
  if (customer.status === CustomerStatus.Archived && !seesArchived(access)) {
    return {
      reason: 'ARCHIVED',
      message: `Customer ${customer.id} is archived: its data may be ${done} only with purpose administrative-obligation.`,
    };
  }
  if (customer.status === CustomerStatus.Erased && !seesArchived(access)) {
    return {
      reason: 'ERASED',
      message:
        `Customer ${customer.id} was erased at their request: what is kept is kept only for the tax obligation ` +
        `and may be ${done} only with purpose administrative-obligation.`,
    };
  }
  return null;
}

export interface Refusal {
  reason: 'RESTRICTED' | 'ARCHIVED' | 'ERASED';
  message: string;
}

export function assertCustomerReadable(customer: CustomerEntity, access: ReadAccess): void {
  refuse(customerReadRefusal(customer, access), customer);
}

export function assertCustomerWritable(customer: CustomerEntity, access: ReadAccess): void {
  refuse(customerWriteRefusal(customer, access), customer);
}

function refuse(refusal: Refusal | null, customer: CustomerEntity): void {
  if (refusal !== null) {
    throw new ForbiddenError(refusal.message, { reason: refusal.reason, customerId: customer.id });
  }
}

/**
 * Throws ConflictError when the customer's data may no longer go to a third party: erased or archived
 * (kept only for administrative obligations, which a third party does not carry out), or restricted
 * (GDPR art. 18: nothing but storage until the restriction is lifted).
 */
export function assertDisclosable(customer: CustomerEntity): void {
  const refusal = disclosureRefusal(customer);
  if (refusal !== null) {
    throw new ConflictError(refusal.message, { reason: refusal.reason, customerId: customer.id });
  }
}

function disclosureRefusal(customer: CustomerEntity): Refusal | null {
  if (customer.status === CustomerStatus.Erased) {
    return {
      reason: 'ERASED',
      message: `Customer ${customer.id} was erased at their request: what is kept is kept only for the tax obligation and may not be disclosed to a third party.`,
    };
  }
  if (customer.status === CustomerStatus.Archived) {
    return {
      reason: 'ARCHIVED',
      message: `Customer ${customer.id} is archived: its data is kept only for administrative obligations and may not be disclosed to a third party.`,
    };
  }
  if (customer.restricted) {
    return {
      reason: 'RESTRICTED',
      message: `Customer ${customer.id} is restricted (GDPR art. 18): nothing but storage is allowed, so its data may not be disclosed until the restriction is lifted (liftRestriction).`,
    };
  }
  return null;
}
